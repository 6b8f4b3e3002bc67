# expect: not dicts
"""Exercise 00, a half-migrated 0.x answer.

The developer ran into APIRemovedInV1, switched to `OpenAI()` and `client.chat.completions.create`,
but kept the old `response["choices"][0]["message"]["content"]` line. In openai>=1 the response is
a pydantic model: `'ChatCompletion' object is not subscriptable`. The request did cross the wire
(one request, right model), only the return value fails.
"""

from openai import OpenAI

client = OpenAI()


def first_call(prompt: str) -> str:
    """Ask the model `prompt` and return the answer's text (a str)."""
    response = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": prompt}],
    )
    return response["choices"][0]["message"]["content"]
