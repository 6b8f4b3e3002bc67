# expect: short timeout on the whole client
"""Wrong: the short timeout and the single retry are set on the one client, so the normal path gets them
too. `ask` now gives up after 0.7 s (and retries once) where it should keep the SDK's 600 s and 2 retries:
every ordinary question that takes the model more than 0.7 s to start answering fails."""

import openai
from openai import OpenAI

MODEL = "gpt-4o-mini"
BUDGET_S = 2.0
FALLBACK = "Sorry, I can't answer that right now."

# (1 + 1) * 0.7 + 0.5 = 1.9 s worst case, fits the budget
client = OpenAI(timeout=0.7, max_retries=1)


def ask(question: str) -> str:
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content or ""


def ask_fast(question: str) -> str:
    try:
        return ask(question)
    except openai.APIError:
        return FALLBACK
