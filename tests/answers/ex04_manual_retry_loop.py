# expect: retries done by hand, with a new client and time.sleep
"""Wrong: retries written by hand, the way many blog posts do it: a loop of attempts, a fresh client for
each one, and an exponential `time.sleep` between them. Three attempts of 0.6 s plus sleeps of 0.5 s and
1 s make 3.3 s, over the budget; every attempt opens a new connection; and each attempt looks like a
first attempt to the server (`x-stainless-retry-count: 0`), since the SDK's own retries are off."""

import time

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
    for attempt in range(3):
        try:
            retry_client = OpenAI(timeout=0.6, max_retries=0)
            completion = retry_client.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": question}]
            )
            return completion.choices[0].message.content or ""
        except openai.APIError:
            if attempt < 2:
                time.sleep(0.5 * 2**attempt)
    return FALLBACK
