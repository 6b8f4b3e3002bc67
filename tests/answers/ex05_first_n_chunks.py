# expect: a chunk is not a word
"""Wrong: first_words takes the first n chunks, as if each chunk were a word. The first chunk only says who is
speaking (its text is empty), and a real model cuts words across chunks anyway."""

from openai import AsyncOpenAI

MODEL = "gpt-4o-mini"


async def stream_text(client: AsyncOpenAI, question: str) -> str:
    stream = await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    )
    text = ""
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            text += chunk.choices[0].delta.content
    return text


async def first_words(client: AsyncOpenAI, question: str, n: int) -> str:
    parts: list[str] = []
    async with await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    ) as stream:
        async for i, chunk in _enumerate(stream):
            if i == n:
                break
            parts.append((chunk.choices[0].delta.content or "").strip())
    return " ".join(p for p in parts if p)


async def _enumerate(items):
    i = 0
    async for item in items:
        yield i, item
        i += 1
