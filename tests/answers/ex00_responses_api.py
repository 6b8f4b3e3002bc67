# expect: pass
"""Right, in another style: the Responses API, client created inside a context manager at import."""

import openai

client = openai.OpenAI()


def first_call(prompt: str) -> str:
    return client.responses.create(model="gpt-4o-mini", input=prompt).output_text
