# expect: you build a client per call
"""Wrong: every call goes through with_options(http_client=...) with a new httpx2.Client: a new pool per call."""

import httpx2
from openai import OpenAI

client = OpenAI()


def ask(question: str, timeout: float = 600) -> str:
    per_call = client.with_options(timeout=timeout, http_client=httpx2.Client())
    reply = per_call.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content


def ask_quick(question: str) -> str:
    return ask(question, timeout=5)
