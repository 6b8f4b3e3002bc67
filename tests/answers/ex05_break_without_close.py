# expect: waited 1 s for one of the pool's 2 connections
"""Wrong: first_words leaves the loop as soon as it has its words, and returns. The loop is over, but the
stream is not closed: its connection stays checked out of the pool (and the server keeps sending), so with a
pool of 2 the third call waits for a connection that never comes back."""

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
    stream = await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    )
    words: list[str] = []
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            words += chunk.choices[0].delta.content.split()
            if len(words) >= n:
                break
    return " ".join(words[:n])
