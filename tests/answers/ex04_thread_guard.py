# expect: a wall-clock guard instead of SDK settings
"""Wrong: a wall-clock guard around the default client, the classic "run it in a thread and wait with a
timeout". The caller does get the fallback after 2 s, but the call keeps running in its thread with the
SDK's 600 s read timeout and 2 retries: against a stalled server it holds a connection and a thread for
up to 30 minutes, and the process can't exit until it ends (the executor joins its threads at exit)."""

import concurrent.futures

import openai
from openai import OpenAI

MODEL = "gpt-4o-mini"
BUDGET_S = 2.0
FALLBACK = "Sorry, I can't answer that right now."

client = OpenAI()
executor = concurrent.futures.ThreadPoolExecutor(max_workers=4)


def ask(question: str) -> str:
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return completion.choices[0].message.content or ""


def ask_fast(question: str) -> str:
    future = executor.submit(ask, question)
    try:
        return future.result(timeout=BUDGET_S)
    except concurrent.futures.TimeoutError:
        return FALLBACK
    except openai.APIError:
        return FALLBACK
