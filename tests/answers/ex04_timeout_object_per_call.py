# expect: pass
"""Right, another style: the retries on a module-level `with_options` copy, the timeout per request as an
`httpx2.Timeout` (0.8 s to read, 0.5 s to connect): (1 + 1) * 0.8 + 0.5 = 2.1 s would NOT fit, so the read
timeout is 0.7 s: 1.9 s at worst. Errors are caught by their two families, connection (timeouts included)
and status."""

import httpx2
import openai
from openai import OpenAI

MODEL = "gpt-4o-mini"
BUDGET_S = 2.0
FALLBACK = "Sorry, I can't answer that right now."

client = OpenAI()
one_retry = client.with_options(max_retries=1)
FAST_TIMEOUT = httpx2.Timeout(0.7, connect=0.5)


def ask(question: str) -> str:
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content or ""


def ask_fast(question: str) -> str:
    try:
        completion = one_retry.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": question}], timeout=FAST_TIMEOUT
        )
    except (openai.APIConnectionError, openai.APIStatusError):
        return FALLBACK
    return completion.choices[0].message.content or ""
