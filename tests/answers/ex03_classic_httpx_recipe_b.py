# expect: does not follow redirects
"""Exercise 03 with the openai 1.x recipe, limits set equal.

The learner copied the recipe the lesson quotes from 1.x-era tutorials,
`AsyncOpenAI(http_client=httpx.AsyncClient(limits=httpx.Limits(...)))`, and even took the lesson's
advice to set both limits to k, so there is no keep-alive churn: the cap, the connection counts and
the 600 s read timeout all look right on the wire (the SDK ignores httpx's default 5 s). What it
loses is `follow_redirects=True`, which the SDK's own client sets; it also drags in the legacy
httpx/httpcore stack that openai 3.x no longer uses.
"""

import asyncio

import httpx
import openai


def make_client(k: int) -> openai.AsyncOpenAI:
    """An AsyncOpenAI whose pool is capped at `k` connections (all `k` kept alive), SDK defaults kept."""
    http_client = httpx.AsyncClient(limits=httpx.Limits(max_connections=k, max_keepalive_connections=k))
    return openai.AsyncOpenAI(http_client=http_client)


async def answer_all(client: openai.AsyncOpenAI, prompts: list[str]) -> list[str]:
    """Ask every prompt at once through `client`; return the answers' texts in the order of `prompts`."""
    completions = await asyncio.gather(
        *(
            client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            for prompt in prompts
        )
    )
    return [completion.choices[0].message.content for completion in completions]
