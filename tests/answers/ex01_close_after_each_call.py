# expect: something closed the shared client
"""Exercise 01 with over-eager cleanup.

The learner remembered "close your clients" from the lesson and put `client.close()` in a `finally`
after each call, like closing a file handle. The first call works; the module's only client is then
closed and every later call fails with RuntimeError before sending anything.
"""

from openai import OpenAI

MODEL = "gpt-4o-mini"

client = OpenAI()


def ask(question: str) -> str:
    """Ask the model `question` with the shared client; return the answer's text."""
    try:
        completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
        return completion.choices[0].message.content
    finally:
        client.close()  # don't leak sockets


def ask_quick(question: str) -> str:
    """Like `ask`, but this call gives up after 5 seconds; same client, same connection pool."""
    quick = client.with_options(timeout=5)
    try:
        completion = quick.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
        return completion.choices[0].message.content
    finally:
        quick.close()
