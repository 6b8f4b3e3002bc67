# expect: APITimeoutError escaped ask_fast
"""Wrong: the settings fit (0.7 s, 1 retry: 1.9 s at worst) but only error statuses become the fallback.
Against a server that never answers, the SDK gives up in time and raises `openai.APITimeoutError`, which
is an `APIConnectionError`, not an `APIStatusError`: it escapes to the caller."""

import openai
from openai import OpenAI

MODEL = "gpt-4o-mini"
BUDGET_S = 2.0
FALLBACK = "Sorry, I can't answer that right now."

client = OpenAI()
fast = client.with_options(timeout=0.7, max_retries=1)


def ask(question: str) -> str:
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content or ""


def ask_fast(question: str) -> str:
    try:
        completion = fast.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    except openai.APIStatusError:
        return FALLBACK
    return completion.choices[0].message.content or ""
