# expect: skip those
"""Wrong: stream_text collects every delta and joins them; the chunk that ends the answer carries no text
(its delta.content is None), so the join fails."""

from openai import AsyncOpenAI

MODEL = "gpt-4o-mini"


async def stream_text(client: AsyncOpenAI, question: str) -> str:
    stream = await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    )
    deltas = [chunk.choices[0].delta.content async for chunk in stream]
    return "".join(deltas)


async def first_words(client: AsyncOpenAI, question: str, n: int) -> str:
    words: list[str] = []
    async with await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    ) as stream:
        async for chunk in stream:
            words += (chunk.choices[0].delta.content or "").split()
            if len(words) >= n:
                break
    return " ".join(words[:n])
