# expect: pass
"""Right, another style: with_streaming_response and the server-sent events parsed by hand. Leaving the
`async with` block closes the response; read to its very end (past [DONE], to the end of the body), the
connection is kept."""

import json

from openai import AsyncOpenAI

MODEL = "gpt-4o-mini"


async def _deltas(response):
    async for line in response.iter_lines():
        if not line.startswith("data: "):
            continue
        data = line.removeprefix("data: ")
        if data == "[DONE]":
            continue  # the body ends right after it: reading on to its end keeps the connection
        for choice in json.loads(data).get("choices", []):
            yield choice.get("delta", {}).get("content") or ""


async def stream_text(client: AsyncOpenAI, question: str) -> str:
    async with client.chat.completions.with_streaming_response.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    ) as response:
        return "".join([d async for d in _deltas(response)])


async def first_words(client: AsyncOpenAI, question: str, n: int) -> str:
    text = ""
    async with client.chat.completions.with_streaming_response.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    ) as response:
        async for delta in _deltas(response):
            text += delta
            if len(text.split()) >= n:
                break
    return " ".join(text.split()[:n])
