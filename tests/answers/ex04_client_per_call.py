# expect: a new client for every call
"""Wrong: the fast path builds its own client with the right settings on every call. The budget holds
(1.9 s worst case) and the errors are handled, but every fast call pays for a new client and a new
connection (and TLS handshake, against the real API), and the clients are never closed."""

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
    fast_client = OpenAI(timeout=0.7, max_retries=1)
    try:
        completion = fast_client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    except openai.APIError:
        return FALLBACK
    return completion.choices[0].message.content or ""
