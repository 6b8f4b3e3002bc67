# expect: waited 1 s for one of the pool's 2 connections
"""Wrong: first_words returns its words at once and leaves a task to read the rest, so that the connection
goes back to the pool in good shape. The caller gets its answer fast, but the server still generates and
sends the whole answer, and the connection stays busy until it is over."""

import asyncio

from openai import AsyncOpenAI

MODEL = "gpt-4o-mini"
_background: set[asyncio.Task] = set()


async def stream_text(client: AsyncOpenAI, question: str) -> str:
    stream = await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    )
    text = ""
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            text += chunk.choices[0].delta.content
    return text


async def _drain(stream) -> None:
    async for _ in stream:
        pass


async def first_words(client: AsyncOpenAI, question: str, n: int) -> str:
    stream = await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    )
    words: list[str] = []
    async for chunk in stream:
        words += (chunk.choices[0].delta.content or "").split()
        if len(words) >= n:
            break
    task = asyncio.create_task(_drain(stream))
    _background.add(task)
    task.add_done_callback(_background.discard)
    return " ".join(words[:n])
