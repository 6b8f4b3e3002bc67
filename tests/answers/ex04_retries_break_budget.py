# expect: the timeout is not a deadline
"""Wrong: a short timeout, and two retries "to be safe". Each attempt is short (0.5 s), but against a
server that never answers there are three of them, with backoffs of 0.5 s and 1 s between them:
(2 + 1) * 0.5 + 0.5 + 1 = 3.0 s at worst, half as much again as the budget."""

import openai
from openai import OpenAI

MODEL = "gpt-4o-mini"
BUDGET_S = 2.0
FALLBACK = "Sorry, I can't answer that right now."

client = OpenAI()
fast_client = client.with_options(timeout=0.5, max_retries=2)


def ask(question: str) -> str:
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content or ""


def ask_fast(question: str) -> str:
    try:
        completion = fast_client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    except openai.APIError:
        return FALLBACK
    return completion.choices[0].message.content or ""
