# expect: pass
"""Exercise 03 with a plain httpx2.AsyncClient, the SDK's defaults spelled out.

A careful developer who read section 1 of the lesson but prefers not to depend on an SDK helper class:
a plain `httpx2.AsyncClient` with the limits, plus the two things a plain client changes put back by
hand, `timeout=openai.DEFAULT_TIMEOUT` (600 s, 5 s connect) and `follow_redirects=True`. Retries are
the AsyncOpenAI's own default. answer_all builds the coroutines with a helper and a `functools.partial`,
then gathers them; gather keeps the order of its arguments.
"""

import asyncio
from functools import partial

import httpx2
import openai


def make_client(k: int) -> openai.AsyncOpenAI:
    """An AsyncOpenAI whose pool is capped at `k` connections (all `k` kept alive), SDK defaults kept."""
    http_client = httpx2.AsyncClient(
        limits=httpx2.Limits(max_connections=k, max_keepalive_connections=k),
        timeout=openai.DEFAULT_TIMEOUT,
        follow_redirects=True,
    )
    return openai.AsyncOpenAI(http_client=http_client)


async def _ask(client: openai.AsyncOpenAI, prompt: str, *, model: str) -> str:
    completion = await client.chat.completions.create(model=model, messages=[{"role": "user", "content": prompt}])
    return completion.choices[0].message.content or ""


async def answer_all(client: openai.AsyncOpenAI, prompts: list[str]) -> list[str]:
    """Ask every prompt at once through `client`; return the answers' texts in the order of `prompts`."""
    ask = partial(_ask, client, model="gpt-4o-mini")
    return list(await asyncio.gather(*map(ask, prompts)))
