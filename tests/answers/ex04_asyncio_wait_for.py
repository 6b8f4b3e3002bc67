# expect: an asyncio deadline around a sync call
"""Wrong: `asyncio.wait_for` around the sync call, moved to a thread so that it can be awaited. The wait
does stop after 2 s, but the thread can't be cancelled, and `asyncio.run` then waits for its executor to
finish before returning: against a stalled server `ask_fast` returns only when the SDK gives up, after
3 attempts of 600 s. The call was never bounded; `asyncio.timeout` works only around async calls."""

import asyncio

import openai
from openai import OpenAI

MODEL = "gpt-4o-mini"
BUDGET_S = 2.0
FALLBACK = "Sorry, I can't answer that right now."

client = OpenAI()


def ask(question: str) -> str:
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content or ""


async def _ask_with_deadline(question: str) -> str:
    try:
        return await asyncio.wait_for(asyncio.to_thread(ask, question), timeout=BUDGET_S)
    except (TimeoutError, openai.APIError):
        return FALLBACK


def ask_fast(question: str) -> str:
    return asyncio.run(_ask_with_deadline(question))
