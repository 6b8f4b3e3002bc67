# expect: pass
"""Right, another style: the SDK's streaming helper, client.chat.completions.stream(...), whose events say
what changed. Leaving its `async with` block closes the stream; read to its end, the connection is kept."""

from openai import AsyncOpenAI

MODEL = "gpt-4o-mini"


async def stream_text(client: AsyncOpenAI, question: str) -> str:
    async with client.chat.completions.stream(
        model=MODEL, messages=[{"role": "user", "content": question}]
    ) as stream:
        async for _ in stream:
            pass
        completion = await stream.get_final_completion()
    return completion.choices[0].message.content or ""


async def first_words(client: AsyncOpenAI, question: str, n: int) -> str:
    words: list[str] = []
    async with client.chat.completions.stream(
        model=MODEL, messages=[{"role": "user", "content": question}]
    ) as stream:
        async for event in stream:
            if event.type == "content.delta":
                words = event.snapshot.split()
                if len(words) > n:
                    break
    return " ".join(words[:n])
