# expect: read with `async for chunk in stream:`
"""Wrong: the loop of the sync lessons, `for chunk in stream`, over an AsyncOpenAI stream."""

from openai import AsyncOpenAI

MODEL = "gpt-4o-mini"


async def stream_text(client: AsyncOpenAI, question: str) -> str:
    stream = await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    )
    text = ""
    for chunk in stream:
        text += chunk.choices[0].delta.content or ""
    return text


async def first_words(client: AsyncOpenAI, question: str, n: int) -> str:
    words: list[str] = []
    with await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    ) as stream:
        for chunk in stream:
            words += (chunk.choices[0].delta.content or "").split()
            if len(words) >= n:
                break
    return " ".join(words[:n])
