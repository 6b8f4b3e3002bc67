# expect: pass
"""Exercise 00 with the SDK's module-level client.

`openai.chat.completions.create(...)` uses a lazily built default client that reads OPENAI_API_KEY and
OPENAI_BASE_URL from the environment, exactly like `OpenAI()`; the openai README documents it for
scripts and notebooks. One client for the process, one chat completion, the text returned: the
wire sees the same as with the stub's `client = OpenAI()`. The learner left the stub's `client = None`
in place since the module-level client makes it unnecessary.
"""

import openai

client = None  # not needed: openai's module-level client is configured from the environment


def first_call(prompt: str) -> str:
    """Ask the model `prompt` and return the answer's text (a str)."""
    completion = openai.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": prompt}],
    )
    return completion.choices[0].message.content or ""
