# expect: set on the whole client
"""Exercise 01 where "a 5 s timeout somewhere" became a 5 s timeout everywhere.

Reading "give up after 5 seconds" as a property of the module, the learner sets `OpenAI(timeout=5)` once
and uses it for both functions ("ten minutes is too long anyway"). One client, one connection, right
answers, but the exercise says the client keeps the SDK defaults and only the quick call is short.
"""

from openai import OpenAI

MODEL = "gpt-4o-mini"

client = OpenAI(timeout=5)


def _complete(question: str) -> str:
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content


def ask(question: str) -> str:
    """Ask the model `question` with the shared client; return the answer's text."""
    return _complete(question)


def ask_quick(question: str) -> str:
    """Like `ask`, but this call gives up after 5 seconds (the client already does)."""
    return _complete(question)
