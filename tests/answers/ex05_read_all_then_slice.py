# expect: first_words read the whole answer
"""Wrong: first_words streams, but reads the whole answer before cutting out its words. It returns the
right text and the stream is closed properly, but the server generates and sends everything (time and
tokens) and the connection is busy until the end."""

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
    text = await stream_text(client, question)
    return " ".join(text.split()[:n])
