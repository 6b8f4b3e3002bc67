# expect: await it first
"""Wrong: the recipe from the lesson, without the await before create(...): `async with` gets a coroutine,
not a stream."""

from openai import AsyncOpenAI

MODEL = "gpt-4o-mini"


async def stream_text(client: AsyncOpenAI, question: str) -> str:
    text = ""
    async with client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    ) as stream:
        async for chunk in stream:
            text += chunk.choices[0].delta.content or ""
    return text


async def first_words(client: AsyncOpenAI, question: str, n: int) -> str:
    words: list[str] = []
    async with client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    ) as stream:
        async for chunk in stream:
            words += (chunk.choices[0].delta.content or "").split()
            if len(words) >= n:
                break
    return " ".join(words[:n])
