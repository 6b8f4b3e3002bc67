# expect: 0.x API
"""Exercise 00, written from a 2023 tutorial.

Countless blog posts and StackOverflow answers from before November 2023 show
`openai.ChatCompletion.create(...)` with `openai.api_key = os.getenv(...)` and dict access on the
result. A learner who pastes that in gets `APIRemovedInV1` at the first call: nothing reaches the
server. The client variable of the stub is left unused.
"""

import os

import openai

openai.api_key = os.getenv("OPENAI_API_KEY")
openai.api_base = os.getenv("OPENAI_BASE_URL", "https://api.openai.com/v1")

client = None


def first_call(prompt: str) -> str:
    """Ask the model `prompt` and return the answer's text (a str)."""
    response = openai.ChatCompletion.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": prompt}],
    )
    return response["choices"][0]["message"]["content"]
