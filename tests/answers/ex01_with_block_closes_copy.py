# expect: the first call after ask_quick found the client closed
"""Exercise 01 with the "tidy" context manager on the copy.

`with ... as x:` is how Python programmers release resources, and the openai README shows
`with OpenAI() as client:`. Applied to the with_options copy it looks harmless, but the copy shares the
original's HTTP client, so leaving the block closes the module's client: every call after the quick
one fails before anything is sent (lesson 01, "the trap: closing a copy"). If the quick call happens
to be the last one, nothing visible breaks; it is still wrong.
"""

from openai import OpenAI

MODEL = "gpt-4o-mini"

client = OpenAI()


def ask(question: str) -> str:
    """Ask the model `question` with the shared client; return the answer's text."""
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content


def ask_quick(question: str) -> str:
    """Like `ask`, but this call gives up after 5 seconds; same client, same connection pool."""
    with client.with_options(timeout=5) as quick:
        completion = quick.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
        return completion.choices[0].message.content
