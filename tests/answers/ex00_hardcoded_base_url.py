# expect: could not reach the mock server
"""Wrong: ignores the environment and points at a server that is not there."""

from openai import OpenAI

client = OpenAI(base_url="http://127.0.0.1:9/v1", api_key="sk-placeholder", max_retries=0)


def first_call(prompt: str) -> str:
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
    return completion.choices[0].message.content or ""
