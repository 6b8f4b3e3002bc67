# expect: pass
"""Right, another style: a small class owning the client and its fast copy, built once at import, with
logging. The fast copy uses exactly the budget: (1 + 1) * 0.75 + 0.5 = 2.0 s at worst (the budget is a
"<=", so this fits)."""

import logging

import openai
from openai import OpenAI

MODEL = "gpt-4o-mini"
BUDGET_S = 2.0
FALLBACK = "Sorry, I can't answer that right now."

log = logging.getLogger(__name__)


class Assistant:
    def __init__(self) -> None:
        self.client = OpenAI()
        self.fast = self.client.with_options(timeout=0.75, max_retries=1)

    def complete(self, question: str, *, fast: bool = False) -> str:
        client = self.fast if fast else self.client
        completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
        return completion.choices[0].message.content or ""


assistant = Assistant()


def ask(question: str) -> str:
    return assistant.complete(question)


def ask_fast(question: str) -> str:
    try:
        return assistant.complete(question, fast=True)
    except openai.APIError as error:
        log.warning("fast path gave up: %r", error)
        return FALLBACK
