# expect: pass
"""Right, another style: the stream is closed in a `finally:`, whatever happens in the loop; first_words
returns from inside the loop."""

from openai import AsyncOpenAI

MODEL = "gpt-4o-mini"


async def _open(client: AsyncOpenAI, question: str):
    return await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    )


async def stream_text(client: AsyncOpenAI, question: str) -> str:
    stream = await _open(client, question)
    try:
        return "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    finally:
        await stream.close()


async def first_words(client: AsyncOpenAI, question: str, n: int) -> str:
    stream = await _open(client, question)
    try:
        text = ""
        async for chunk in stream:
            text += chunk.choices[0].delta.content or ""
            words = text.split()
            if len(words) > n:
                return " ".join(words[:n])
        return " ".join(text.split()[:n])
    finally:
        await stream.close()
