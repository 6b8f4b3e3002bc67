# expect: a guard stopped the waiting, not the call
"""Wrong: a wall-clock guard with a daemon thread, so that the process can exit: `join(timeout=...)` stops
waiting after the budget and the fast path returns the fallback. But the call in the thread runs on with
the SDK's 600 s read timeout and 2 retries, holding its connection, for up to 30 minutes."""

import threading

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
    box = {}

    def work():
        try:
            box["answer"] = ask(question)
        except openai.APIError:
            pass

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(timeout=BUDGET_S)
    return box.get("answer", FALLBACK)
