# expect: pass
"""Right, another style: two clients built once over ONE HTTP client, so they share one connection pool.
The normal client keeps the SDK's defaults (the SDK's own `DefaultHttpxClient` carries them, and a client
given it adopts its 600 s timeout); the fast one has 0.6 s and 1 retry: (1 + 1) * 0.6 + 0.5 = 1.7 s at worst.
The fallback covers the failures a fast path can meet, named one by one."""

import openai
from openai import OpenAI

MODEL = "gpt-4o-mini"
BUDGET_S = 2.0
FALLBACK = "Sorry, I can't answer that right now."

http_client = openai.DefaultHttpxClient()
client = OpenAI(http_client=http_client)
fast_client = OpenAI(http_client=http_client, timeout=0.6, max_retries=1)

GIVE_UP = (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)  # timeouts included


def ask(question: str) -> str:
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content or ""


def ask_fast(question: str) -> str:
    try:
        completion = fast_client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    except GIVE_UP:
        return FALLBACK
    return completion.choices[0].message.content or ""
