# expect: shares the client's connection pool
"""Wrong: the shared client serves ask, but ask_quick builds its own OpenAI(timeout=5) on every call."""

from openai import OpenAI

client = OpenAI()


def ask(question: str) -> str:
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content


def ask_quick(question: str) -> str:
    with OpenAI(timeout=5) as quick_client:
        reply = quick_client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": question}]
        )
    return reply.choices[0].message.content
