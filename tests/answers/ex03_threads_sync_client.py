# expect: answer_all did not send them through the client it was given
"""Exercise 03 by someone who trusts threads more than asyncio.

make_client builds the right AsyncOpenAI, but answer_all "keeps it simple": a ThreadPoolExecutor
and a sync OpenAI built from the same base URL and key, run via run_in_executor. Answers are right
and in order, but the requests come from the sync client, its pool is httpx2's default-sized one
(not the one capped at k), concurrency is the executor's worker count, and a new sync client is
built on every batch.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx2
import openai

_executor = ThreadPoolExecutor(max_workers=16)


def make_client(k: int) -> openai.AsyncOpenAI:
    """An AsyncOpenAI whose pool is capped at `k` connections (all `k` kept alive), SDK defaults kept."""
    limits = httpx2.Limits(max_connections=k, max_keepalive_connections=k)
    return openai.AsyncOpenAI(http_client=openai.DefaultAsyncHttpxClient(limits=limits))


async def answer_all(client: openai.AsyncOpenAI, prompts: list[str]) -> list[str]:
    """Ask every prompt at once through `client`; return the answers' texts in the order of `prompts`."""
    sync_client = openai.OpenAI(api_key=client.api_key, base_url=client.base_url)

    def ask(prompt: str) -> str:
        completion = sync_client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}]
        )
        return completion.choices[0].message.content

    loop = asyncio.get_running_loop()
    return list(await asyncio.gather(*(loop.run_in_executor(_executor, ask, prompt) for prompt in prompts)))
