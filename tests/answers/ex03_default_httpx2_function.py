# expect: pass
"""Uses the SDK's DefaultAsyncHttpx2Client factory function and a TaskGroup instead of gather."""

import asyncio

import httpx2
from openai import AsyncOpenAI, DefaultAsyncHttpx2Client


def make_client(k: int) -> AsyncOpenAI:
    limits = httpx2.Limits(max_connections=k, max_keepalive_connections=k)
    return AsyncOpenAI(http_client=DefaultAsyncHttpx2Client(limits=limits))


async def answer_all(client: AsyncOpenAI, prompts: list[str]) -> list[str]:
    async with asyncio.TaskGroup() as group:
        tasks = [
            group.create_task(
                client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": p}])
            )
            for p in prompts
        ]
    return [t.result().choices[0].message.content for t in tasks]
