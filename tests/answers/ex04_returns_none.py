# expect: return the module's FALLBACK
"""Wrong: the settings fit and every error is caught, but the fast path returns None when it gives up, so
its caller gets no text to show (and a function typed `-> str` returns something else)."""

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
        return completion.choices[0].message.content or ""
    except openai.APIError:
        return None
