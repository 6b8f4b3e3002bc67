# expect: no limits= argument
"""Exercise 03 from a StackOverflow answer that never ran.

Several answers online show `AsyncOpenAI(limits=httpx.Limits(...))`, by analogy with httpx's own
clients. The SDK's constructor has no `limits` parameter, so the first `make_client(5)` raises
TypeError. answer_all is fine.
"""

import asyncio

import httpx2
import openai


def make_client(k: int) -> openai.AsyncOpenAI:
    """An AsyncOpenAI whose pool is capped at `k` connections (all `k` kept alive), SDK defaults kept."""
    return openai.AsyncOpenAI(limits=httpx2.Limits(max_connections=k, max_keepalive_connections=k))


async def answer_all(client: openai.AsyncOpenAI, prompts: list[str]) -> list[str]:
    """Ask every prompt at once through `client`; return the answers' texts in the order of `prompts`."""
    completions = await asyncio.gather(
        *(
            client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            for prompt in prompts
        )
    )
    return [completion.choices[0].message.content for completion in completions]
