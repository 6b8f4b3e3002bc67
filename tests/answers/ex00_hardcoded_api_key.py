# expect: reads the key from your source
"""Exercise 00 with the key pasted into the code.

The oldest mistake in the book, and still in many notebooks: `OpenAI(api_key="sk-...")`. The base URL
still comes from OPENAI_BASE_URL, and the mock accepts any key, so the call succeeds and the answer is
right. Only the Authorization header differs from the key the grader put in the environment: a grader
that checks the bearer token against OPENAI_API_KEY can catch it; one that looks only at answers and
counts cannot. The exercise says "a plain OpenAI()", and a key in source code is a leak waiting to happen.
"""

from openai import OpenAI

client = OpenAI(api_key="sk-proj-REPLACE-ME")


def first_call(prompt: str) -> str:
    """Ask the model `prompt` and return the answer's text (a str)."""
    completion = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": prompt}],
    )
    return completion.choices[0].message.content
