# expect: requests without stream=True
"""Wrong: first_words asks for the whole answer in one piece and cuts out the first words: simple, and the
text is right, but the server generates and sends everything before the code sees a word."""

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
    completion = await client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return " ".join((completion.choices[0].message.content or "").split()[:n])
