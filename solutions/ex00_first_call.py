"""Exercise 00: your first call, through the course's mock server.

`first_call(prompt)` sends `prompt` as the user message of one chat completion (model "gpt-4o-mini")
and returns the text of the answer.

Create the client with a plain `OpenAI()`: with no arguments it reads OPENAI_BASE_URL and OPENAI_API_KEY
from the environment. The grader points them at a fresh mock server; in a notebook, `MockServer(set_env=True)`
does the same.

Grade it: python -m clientlab grade 00
"""

from openai import OpenAI

# SOLUTION
client = OpenAI()
# STUB
# client = None  # TODO: create the client here, once: OpenAI() with no arguments
# END


def first_call(prompt: str) -> str:
    """Ask the model `prompt` and return the answer's text (a str)."""
    # SOLUTION
    completion = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": prompt}],
    )
    return completion.choices[0].message.content or ""
    # STUB
    # # TODO: create a chat completion with model="gpt-4o-mini" and `prompt` as the user message,
    # # then return the text of the first choice's message.
    # raise NotImplementedError("first_call: see the TODOs")
    # END
