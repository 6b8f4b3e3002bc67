# expect: the normal path hides its errors behind the fallback
"""Wrong: one helper with `except Exception: return FALLBACK` serves both paths. The fast path is fine,
but the normal path now answers FALLBACK when the API fails, instead of letting the error reach its caller
(which can't tell a real answer from an outage, can't log the status, can't retry later), and the broad
`except Exception` also hides bugs such as a TypeError in the call itself."""

from openai import OpenAI

MODEL = "gpt-4o-mini"
BUDGET_S = 2.0
FALLBACK = "Sorry, I can't answer that right now."

client = OpenAI()
fast_client = client.with_options(timeout=0.7, max_retries=1)


def _complete(c: OpenAI, question: str) -> str:
    try:
        completion = c.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
        return completion.choices[0].message.content or ""
    except Exception:
        return FALLBACK


def ask(question: str) -> str:
    return _complete(client, question)


def ask_fast(question: str) -> str:
    return _complete(fast_client, question)
