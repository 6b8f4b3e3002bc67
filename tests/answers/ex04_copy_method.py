# expect: pass
"""Right, another style: `client.copy(...)` (what `with_options` is an alias of) builds the fast client
once, sharing the pool; 0.75 s and 1 retry, exactly the budget: (1 + 1) * 0.75 + 0.5 = 2.0 s. It falls
back on any of the SDK's errors, `openai.OpenAIError` being the base of them all."""

import openai
from openai import OpenAI

MODEL = "gpt-4o-mini"
BUDGET_S = 2.0
FALLBACK = "Sorry, I can't answer that right now."

client = OpenAI()
fast = client.copy(timeout=0.75, max_retries=1)


def _ask_with(c: OpenAI, question: str) -> str:
    completion = c.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content or ""


def ask(question: str) -> str:
    return _ask_with(client, question)


def ask_fast(question: str) -> str:
    try:
        return _ask_with(fast, question)
    except openai.OpenAIError:
        return FALLBACK
