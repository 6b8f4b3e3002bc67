# expect: the exercise names gpt-4o-mini
"""Exercise 00 with the model from a 2023 quick-start.

Everything else is right (plain `OpenAI()`, one chat completion, the text returned), but the model
name was copied from an older tutorial, where "gpt-3.5-turbo" was the default in every example.
The mock still answers, so only the recorded model shows the mistake.
"""

from openai import OpenAI

client = OpenAI()


def first_call(prompt: str) -> str:
    """Ask the model `prompt` and return the answer's text (a str)."""
    completion = client.chat.completions.create(
        model="gpt-3.5-turbo",
        messages=[{"role": "user", "content": prompt}],
    )
    return completion.choices[0].message.content
