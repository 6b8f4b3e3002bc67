# expect: only timeouts are caught, so a 429 escapes
"""Wrong: the settings are right (0.7 s, 1 retry: 1.9 s worst case) but only timeouts turn into the
fallback. A rate-limited upstream answers 429: after the retry the SDK raises `openai.RateLimitError`,
which is not an `APITimeoutError`, and it escapes to the caller instead of the fallback."""

import openai
from openai import OpenAI

MODEL = "gpt-4o-mini"
BUDGET_S = 2.0
FALLBACK = "Sorry, I can't answer that right now."

client = OpenAI()


def ask(question: str) -> str:
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content or ""


def ask_fast(question: str) -> str:
    try:
        completion = client.with_options(timeout=0.7, max_retries=1).chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": question}]
        )
    except openai.APITimeoutError:
        return FALLBACK
    return completion.choices[0].message.content or ""
