# expect: pass
"""Right, another style: the stream read by hand with anext(), and the HTTP response under it closed
directly (stream.response.aclose()), which is what the stream's close() does."""

from openai import AsyncOpenAI

MODEL = "gpt-4o-mini"


async def stream_text(client: AsyncOpenAI, question: str) -> str:
    text = []
    async with await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    ) as stream:
        async for chunk in stream:
            for choice in chunk.choices:
                if choice.delta.content:
                    text.append(choice.delta.content)
    return "".join(text)


async def first_words(client: AsyncOpenAI, question: str, n: int) -> str:
    stream = await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    )
    words: list[str] = []
    try:
        while len(words) < n:
            chunk = await anext(stream)
            words += (chunk.choices[0].delta.content or "").split()
    except StopAsyncIteration:
        pass
    finally:
        await stream.response.aclose()
    return " ".join(words[:n])
