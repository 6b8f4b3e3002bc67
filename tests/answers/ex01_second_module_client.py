# expect: connection of its own
"""Wrong: two module-level clients, one per timeout, so two connection pools."""

from openai import OpenAI

client = OpenAI()
quick_client = OpenAI(timeout=5)


def ask(question: str) -> str:
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content


def ask_quick(question: str) -> str:
    reply = quick_client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content
