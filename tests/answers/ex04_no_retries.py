# expect: no retries, so one transient error fails the call
"""Wrong: retries are switched off to "keep it fast". The worst case fits (one attempt of 2.0 s), but a
single transient 503, which the SDK would have retried after half a second, now returns the fallback
although the model would have answered on the next attempt."""

import openai
from openai import OpenAI

MODEL = "gpt-4o-mini"
BUDGET_S = 2.0
FALLBACK = "Sorry, I can't answer that right now."

client = OpenAI()
fast_client = client.with_options(timeout=BUDGET_S, max_retries=0)


def ask(question: str) -> str:
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content or ""


def ask_fast(question: str) -> str:
    try:
        completion = fast_client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    except (openai.APITimeoutError, openai.APIConnectionError, openai.APIStatusError):
        return FALLBACK
    return completion.choices[0].message.content or ""
