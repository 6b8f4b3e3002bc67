# expect: not text
"""Exercise 00 stopping one attribute short.

Very common in first attempts: `completion.choices[0].message` prints nicely in a notebook
(`ChatCompletionMessage(content='You said: ...', role='assistant', ...)`), so the learner thinks it is
the answer. The function's annotation says `str`, but nothing enforces it at run time.
"""

from openai import OpenAI

client = OpenAI()


def first_call(prompt: str) -> str:
    """Ask the model `prompt` and return the answer's text (a str)."""
    completion = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": prompt}],
    )
    return completion.choices[0].message
