# expect: instead of a second OpenAI(timeout=5) or a new http_client=
"""Wrong: with_options, but with a fresh http client each time, so the quick call gets a new pool per call."""

import httpx2
from openai import OpenAI

client = OpenAI()


def ask(question: str) -> str:
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content


def ask_quick(question: str) -> str:
    quick = client.with_options(timeout=5, http_client=httpx2.Client())
    reply = quick.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content
