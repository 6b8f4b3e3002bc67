# expect: use with_options for the one call, not the whole client
"""Wrong: the 5 s timeout is set on the whole client, so every call gets it, not just the quick one."""

from openai import OpenAI

client = OpenAI(timeout=5)


def ask(question: str) -> str:
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content


def ask_quick(question: str) -> str:
    return ask(question)
