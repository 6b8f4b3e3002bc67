# expect: the cap lives in answer_all
"""Exercise 03 with the cap in application code instead of in the pool.

The "bounded gather" idiom is everywhere: `async with semaphore:` around each call. make_client
returns a plain AsyncOpenAI() (SDK defaults, so 600 s, redirects and retries are all kept) and hangs
a Semaphore(k) on it for answer_all to use. On the wire this can look exactly like a capped pool: k
in flight, k connections reused, since the default pool keeps up to 100 alive. But the exercise asks
for a client whose pool opens at most k connections; any other code using this client (or a retry,
or a stream left open) is not capped at all, and the lesson says "the pool, not your code, decides".
"""

import asyncio

import openai


def make_client(k: int) -> openai.AsyncOpenAI:
    """An AsyncOpenAI limited to `k` concurrent requests, SDK defaults kept."""
    client = openai.AsyncOpenAI()
    client._concurrency = asyncio.Semaphore(k)  # type: ignore[attr-defined]
    return client


async def answer_all(client: openai.AsyncOpenAI, prompts: list[str]) -> list[str]:
    """Ask every prompt at once through `client`; return the answers' texts in the order of `prompts`."""
    limit: asyncio.Semaphore = getattr(client, "_concurrency", None) or asyncio.Semaphore(len(prompts) or 1)

    async def one(prompt: str) -> str:
        async with limit:
            completion = await client.chat.completions.create(
                model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}]
            )
        return completion.choices[0].message.content

    return await asyncio.gather(*(one(prompt) for prompt in prompts))
