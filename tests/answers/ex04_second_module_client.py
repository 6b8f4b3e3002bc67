# expect: ask shared one and ask_fast another
"""Wrong: a second client, built once at module level with the fast settings. The budget holds (1.9 s at
worst) and the errors are handled, but the fast path has a pool of its own: two sets of connections to the
same API, a second client to configure, close and keep in sync, where `client.with_options(...)` gives a
copy that shares the one pool."""

import openai
from openai import OpenAI

MODEL = "gpt-4o-mini"
BUDGET_S = 2.0
FALLBACK = "Sorry, I can't answer that right now."

client = OpenAI()
fast_client = OpenAI(timeout=0.7, max_retries=1)


def ask(question: str) -> str:
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content or ""


def ask_fast(question: str) -> str:
    try:
        completion = fast_client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    except openai.APIError:
        return FALLBACK
    return completion.choices[0].message.content or ""
