# expect: could not reach the mock server
"""Exercise 00 configured by copy-paste from the README.

The README's "mock server by hand" section starts a mock on port 8000 and exports
OPENAI_BASE_URL=http://127.0.0.1:8000/v1. A learner who tried that in a terminal pastes the URL and the
key into the code "so it works without exporting anything". The grader's mock runs on a free port of
its own: this client gets a connection error (after the SDK's two retries) or, worse, talks to a
mock the learner left running.
"""

from openai import OpenAI

client = OpenAI(base_url="http://127.0.0.1:8000/v1", api_key="anything")


def first_call(prompt: str) -> str:
    """Ask the model `prompt` and return the answer's text (a str)."""
    completion = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": prompt}],
    )
    return completion.choices[0].message.content
