# expect: pass
"""Exercise 01 with an lru_cache'd client factory.

A common "singleton" idiom in services (FastAPI's settings docs use it for config): `@lru_cache`
on a zero-argument factory returns the same object every time. The client is a plain `OpenAI()` and
both functions share it; the quick copy comes from with_options, so one pool. The stub's module-level
`client` is the factory's result, so both names give the same object.
"""

from functools import lru_cache

from openai import OpenAI

MODEL = "gpt-4o-mini"


@lru_cache(maxsize=1)
def get_client() -> OpenAI:
    """The process's one client: the same object on every call."""
    return OpenAI()


client = get_client()


def ask(question: str) -> str:
    """Ask the model `question` with the shared client; return the answer's text."""
    completion = get_client().chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content


def ask_quick(question: str) -> str:
    """Like `ask`, but this call gives up after 5 seconds; same client, same connection pool."""
    quick = get_client().with_options(timeout=5)
    completion = quick.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content
