# expect: your code made a client of its own
"""Wrong: each call builds its own AsyncOpenAI, ignoring the client it is given. The streams are handled
well, but no connection is ever reused, and the clients are never closed."""

from openai import AsyncOpenAI

MODEL = "gpt-4o-mini"


async def stream_text(client: AsyncOpenAI, question: str) -> str:
    own = AsyncOpenAI()
    text = ""
    async for chunk in await own.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    ):
        text += chunk.choices[0].delta.content or ""
    return text


async def first_words(client: AsyncOpenAI, question: str, n: int) -> str:
    own = AsyncOpenAI()
    words: list[str] = []
    async with await own.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    ) as stream:
        async for chunk in stream:
            words += (chunk.choices[0].delta.content or "").split()
            if len(words) >= n:
                break
    return " ".join(words[:n])
