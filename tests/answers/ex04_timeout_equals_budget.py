# expect: the timeout is not a deadline
"""Wrong: the budget is passed as the per-request `timeout=`, as if it were a deadline. The timeout fits
(2.0 s) but the default 2 retries are still on, and each attempt gets the whole timeout again: against a
server that never answers the call takes (2 + 1) * 2.0 + 0.5 + 1.0 = 7.5 s, almost four times the budget."""

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
        completion = client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": question}],
            timeout=BUDGET_S,  # give up after the budget
        )
    except openai.APIError:
        return FALLBACK
    return completion.choices[0].message.content or ""
