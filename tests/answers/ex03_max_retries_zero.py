# expect: Keep the SDK
"""Exercise 03 with the pool right and retries "handled elsewhere".

The HTTP client is exactly the lesson's recommendation, DefaultAsyncHttpxClient with both limits at k.
But the developer also passed `max_retries=0`, because "with a small pool, retries just pile up in the
queue" (a half-remembered point from section 4 of the lesson). On a healthy mock the wire looks the same;
a grader only sees it by making a request fail once or by reading the client's settings.
"""

import asyncio

import httpx2
import openai


def make_client(k: int) -> openai.AsyncOpenAI:
    """An AsyncOpenAI whose pool is capped at `k` connections (all `k` kept alive)."""
    limits = httpx2.Limits(max_connections=k, max_keepalive_connections=k)
    return openai.AsyncOpenAI(
        http_client=openai.DefaultAsyncHttpxClient(limits=limits),
        max_retries=0,  # a full pool makes retries wait in line: fail fast and let the caller decide
    )


async def answer_all(client: openai.AsyncOpenAI, prompts: list[str]) -> list[str]:
    """Ask every prompt at once through `client`; return the answers' texts in the order of `prompts`."""
    completions = await asyncio.gather(
        *(
            client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            for prompt in prompts
        )
    )
    return [completion.choices[0].message.content for completion in completions]
