# expect: client per call
"""Exercise 01 with a client per call, the pattern the lesson measures first.

Seen in issues #820 and #874 of openai-python and in many Flask/Django views: the client is created
where it is used, "so each call is independent". Answers and timeouts are right (the quick call uses
with_options on its own fresh client), but every call pays for a new client, a new TLS context and a
new TCP connection.
"""

from openai import OpenAI

MODEL = "gpt-4o-mini"

client = None  # built per call below


def ask(question: str) -> str:
    """Ask the model `question`; return the answer's text."""
    client = OpenAI()
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content


def ask_quick(question: str) -> str:
    """Like `ask`, but this call gives up after 5 seconds."""
    client = OpenAI().with_options(timeout=5)
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content
