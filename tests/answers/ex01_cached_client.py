# expect: pass
"""Right, in another style: the client is created lazily on first use and cached for the process."""

import functools

from openai import OpenAI


@functools.cache
def get_client() -> OpenAI:
    return OpenAI()


def _ask(client: OpenAI, question: str) -> str:
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content


def ask(question: str) -> str:
    return _ask(get_client(), question)


def ask_quick(question: str) -> str:
    return _ask(get_client().with_options(timeout=5), question)
