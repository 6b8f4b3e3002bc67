# expect: return completion.choices[0].message.content
"""Wrong: returns the whole completion object instead of its text."""

from openai import OpenAI

client = OpenAI()


def ask(question: str):
    return client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])


def ask_quick(question: str):
    return client.with_options(timeout=5).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": question}]
    )
