# expect: waited 1 s for one of the pool's 2 connections
"""Wrong: first_words returns from inside the loop and then deletes the stream, trusting that an object
nobody references is freed at once (as a file would be by reference counting). A stream holds itself in a
reference cycle, so it lives on until the garbage collector runs, holding its connection."""

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
    text = ""
    async for chunk in stream:
        text += chunk.choices[0].delta.content or ""
        if len(text.split()) >= n:
            break
    del stream  # done with it
    return " ".join(text.split()[:n])
