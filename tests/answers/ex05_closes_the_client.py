# expect: closed the client it was given
"""Wrong: first_words wants to release the connection at once, and closes... the client. That does release
it, together with the whole pool the next caller needed."""

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
    await client.close()  # release the connection right away
    return " ".join(words[:n])
