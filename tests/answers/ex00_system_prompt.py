# expect: pass
"""Exercise 00 with the tutorial-standard system message.

Nearly every chat example starts with `{"role": "system", "content": "You are a helpful assistant."}`.
The prompt is still the (only) user message, the model is right, the client is a plain `OpenAI()`
built once, and the function returns the text. A system message is not forbidden by the exercise,
so a grader should accept this.
"""

from openai import OpenAI

SYSTEM_PROMPT = "You are a helpful assistant."

client = OpenAI()


def first_call(prompt: str) -> str:
    """Ask the model `prompt` and return the answer's text (a str)."""
    completion = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": prompt},
        ],
    )
    return completion.choices[0].message.content
