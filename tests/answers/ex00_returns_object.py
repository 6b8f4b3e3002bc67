# expect: return completion.choices[0].message.content
"""Wrong: returns the whole response object instead of its text."""

from openai import OpenAI

client = OpenAI()


def first_call(prompt: str):
    return client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
