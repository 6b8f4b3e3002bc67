# expect: the normal path does not keep the SDK defaults
"""Wrong: the fast path is right, but the normal path got a timeout "to be safe" too. The contract keeps
the SDK's defaults on the normal path (600 s per read, 2 retries): a long answer that takes more than
30 s to start now fails there, and the server sees a 30 s read timeout instead of 600 s."""

import openai
from openai import OpenAI

MODEL = "gpt-4o-mini"
BUDGET_S = 2.0
FALLBACK = "Sorry, I can't answer that right now."

client = OpenAI()


def ask(question: str) -> str:
    completion = client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], timeout=30
    )
    return completion.choices[0].message.content or ""


def ask_fast(question: str) -> str:
    try:
        completion = client.with_options(timeout=0.7, max_retries=1).chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": question}]
        )
    except openai.APIError:
        return FALLBACK
    return completion.choices[0].message.content or ""
