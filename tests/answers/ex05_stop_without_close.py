# expect: stream_text left its streams unfinished and open
"""Wrong: both functions leave their loop early without closing the stream: stream_text at the chunk with
finish_reason "stop" (it looks like the end, but "data: [DONE]" follows), first_words once it has its words.
Each unfinished stream keeps its connection checked out of the pool."""

from openai import AsyncOpenAI

MODEL = "gpt-4o-mini"


async def stream_text(client: AsyncOpenAI, question: str) -> str:
    stream = await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    )
    text = ""
    async for chunk in stream:
        text += chunk.choices[0].delta.content or ""
        if chunk.choices[0].finish_reason == "stop":
            break
    return text


async def first_words(client: AsyncOpenAI, question: str, n: int) -> str:
    stream = await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    )
    words: list[str] = []
    async for chunk in stream:
        words += (chunk.choices[0].delta.content or "").split()
        if len(words) >= n:
            break
    return " ".join(words[:n])
