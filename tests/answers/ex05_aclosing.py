# expect: pass
"""Right, another style: contextlib.aclosing around the stream (it calls the stream's aclose(), an alias of
close()), and a return inside the loop."""

from contextlib import aclosing

from openai import AsyncOpenAI

MODEL = "gpt-4o-mini"


async def stream_text(client: AsyncOpenAI, question: str) -> str:
    parts = []
    stream = await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    )
    async with aclosing(stream):
        async for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content is not None:
                parts.append(chunk.choices[0].delta.content)
    return "".join(parts)


async def first_words(client: AsyncOpenAI, question: str, n: int) -> str:
    words: list[str] = []
    stream = await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    )
    async with aclosing(stream):
        async for chunk in stream:
            words.extend((chunk.choices[0].delta.content or "").split())
            if len(words) >= n:
                return " ".join(words[:n])
    return " ".join(words)
