# expect: do not break at finish_reason
"""Wrong: stream_text stops as soon as a chunk says finish_reason == "stop", which looks like the end of the
answer. It is the chunk before [DONE]: the stream is left unfinished, so its connection is thrown away and every
call opens a new one."""

from openai import AsyncOpenAI

MODEL = "gpt-4o-mini"


async def stream_text(client: AsyncOpenAI, question: str) -> str:
    text = ""
    async with await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    ) as stream:
        async for chunk in stream:
            choice = chunk.choices[0]
            text += choice.delta.content or ""
            if choice.finish_reason == "stop":
                break
    return text


async def first_words(client: AsyncOpenAI, question: str, n: int) -> str:
    words: list[str] = []
    async with await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    ) as stream:
        async for chunk in stream:
            words += (chunk.choices[0].delta.content or "").split()
            if len(words) >= n:
                break
    return " ".join(words[:n])
