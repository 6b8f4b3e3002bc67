# expect: only the connect timeout is short, the read timeout is not
"""Wrong: the SDK README's `httpx.Timeout(60.0, read=5.0, write=10.0, connect=2.0)` example, trimmed to
the connect timeout, thinking it bounds "how long to wait for the server". The connection is set up in a
few milliseconds; what a stalled model makes you wait for is the read, and that stays at 60 s per attempt:
(1 + 1) * 60 + 0.5 = 120.5 s worst case."""

import httpx2
import openai
from openai import OpenAI

MODEL = "gpt-4o-mini"
BUDGET_S = 2.0
FALLBACK = "Sorry, I can't answer that right now."

client = OpenAI()
fast_client = client.with_options(timeout=httpx2.Timeout(60.0, connect=0.5), max_retries=1)


def ask(question: str) -> str:
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content or ""


def ask_fast(question: str) -> str:
    try:
        completion = fast_client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    except openai.APIError:
        return FALLBACK
    return completion.choices[0].message.content or ""
