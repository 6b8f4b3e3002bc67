# expect: connection of its own
"""Exercise 01 where the quick call gets "its own" client.

The shared client is right for `ask`, but the learner did not trust `with_options` and built a
dedicated client for the quick call, the way one configures a second requests.Session. The timeouts
on the wire are right (5 s and 600 s), yet the quick call opens a second connection.
"""

from openai import OpenAI

MODEL = "gpt-4o-mini"

client = OpenAI()
quick_client = OpenAI(timeout=5)


def ask(question: str) -> str:
    """Ask the model `question` with the shared client; return the answer's text."""
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content


def ask_quick(question: str) -> str:
    """Like `ask`, but this call gives up after 5 seconds."""
    completion = quick_client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content
