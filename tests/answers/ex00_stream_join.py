# expect: pass
"""Exercise 00 written by someone who always streams.

Chat UIs stream, so some developers use `stream=True` everywhere and join the deltas. It is still one
chat completion request with the prompt as the user message and model gpt-4o-mini, and the joined text
is the answer. Unusual for a function that returns a str, but correct.
"""

from openai import OpenAI

client = OpenAI()


def first_call(prompt: str) -> str:
    """Ask the model `prompt` and return the answer's text (a str)."""
    stream = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": prompt}],
        stream=True,
    )
    parts: list[str] = []
    with stream:
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                parts.append(chunk.choices[0].delta.content)
    return "".join(parts)
