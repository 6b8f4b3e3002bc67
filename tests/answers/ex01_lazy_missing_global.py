# expect: global client
"""Exercise 01 with lazy initialisation and a classic Python slip.

"Don't do work at import time", so the client is created on first use. But `client = OpenAI()` inside
the function makes `client` a local name for the whole function, and the `if client is None` check
before it raises UnboundLocalError. Nothing reaches the server.
"""

from openai import OpenAI

MODEL = "gpt-4o-mini"

client = None


def _get_client() -> OpenAI:
    if client is None:  # noqa: F823
        client = OpenAI()
    return client


def ask(question: str) -> str:
    """Ask the model `question` with the shared client; return the answer's text."""
    completion = _get_client().chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content


def ask_quick(question: str) -> str:
    """Like `ask`, but this call gives up after 5 seconds; same client, same connection pool."""
    completion = (
        _get_client()
        .with_options(timeout=5)
        .chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    )
    return completion.choices[0].message.content
