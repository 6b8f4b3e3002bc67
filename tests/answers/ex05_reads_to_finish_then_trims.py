# expect: read on long after the first 3 words
"""Wrong: first_words closes its stream properly, but only once the answer says it is finished
(finish_reason), then trims to n words: the client does hang up, one event before the end, after the
whole answer has been generated and sent."""

from openai import AsyncOpenAI

MODEL = "gpt-4o-mini"


async def stream_text(client: AsyncOpenAI, question: str) -> str:
    async with await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    ) as stream:
        return "".join([(c.choices[0].delta.content or "") async for c in stream if c.choices])


async def first_words(client: AsyncOpenAI, question: str, n: int) -> str:
    async with await client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], stream=True
    ) as stream:
        text = ""
        async for c in stream:
            if not c.choices:
                continue
            text += c.choices[0].delta.content or ""
            if c.choices[0].finish_reason is not None:
                break  # the answer is complete: stop here and let `async with` hang up
        return " ".join(text.split()[:n])
