# expect: never asyncio.run() inside it
"""Exercise 03 with script habits inside an async function.

The learner tested the gather in a script, where `asyncio.run(main())` is the entry point, and kept
the `asyncio.run(...)` when moving it into `answer_all`. Called (and awaited) from a running event
loop, `asyncio.run()` raises "cannot be called from a running event loop"; the coroutines it was given
are never awaited. make_client is right.
"""

import asyncio

import httpx2
import openai


def make_client(k: int) -> openai.AsyncOpenAI:
    """An AsyncOpenAI whose pool is capped at `k` connections (all `k` kept alive), SDK defaults kept."""
    limits = httpx2.Limits(max_connections=k, max_keepalive_connections=k)
    return openai.AsyncOpenAI(http_client=openai.DefaultAsyncHttpxClient(limits=limits))


async def _gather_all(client: openai.AsyncOpenAI, prompts: list[str]):
    return await asyncio.gather(
        *(
            client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            for prompt in prompts
        )
    )


async def answer_all(client: openai.AsyncOpenAI, prompts: list[str]) -> list[str]:
    """Ask every prompt at once through `client`; return the answers' texts in the order of `prompts`."""
    completions = asyncio.run(_gather_all(client, prompts))
    return [completion.choices[0].message.content for completion in completions]
