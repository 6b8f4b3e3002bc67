# expect: make its call through client.with_options(timeout=5)
"""Wrong: ask_quick forgets its timeout and sends the request exactly like ask (the default 600 s)."""

from openai import OpenAI

client = OpenAI()


def ask(question: str) -> str:
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content


def ask_quick(question: str) -> str:
    return ask(question)
