# expect: pass
"""Right, in another style: the per-request timeout= argument of create() (the same request on the wire)."""

from openai import OpenAI

client = OpenAI()


def ask(question: str) -> str:
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content


def ask_quick(question: str) -> str:
    reply = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": question}], timeout=5
    )
    return reply.choices[0].message.content
