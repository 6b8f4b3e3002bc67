# expect: mounts= entry serves only
"""Exercise 03 with a mounted transport, written with the real API in mind.

httpx's "Transports / Mounting transports" docs show `mounts={"https://": transport}`. The learner
builds a capped AsyncHTTPTransport and mounts it for https, since api.openai.com is https. Against the
real API that works; against the mock (http://127.0.0.1:...) the URL pattern does not match, the
request falls back to the client's own transport with the SDK's default limits (1000/100), and
10 prompts run 10 at once on 10 connections.
"""

import asyncio

import httpx2
import openai


def make_client(k: int) -> openai.AsyncOpenAI:
    """An AsyncOpenAI whose pool is capped at `k` connections (all `k` kept alive), SDK defaults kept."""
    capped = httpx2.AsyncHTTPTransport(limits=httpx2.Limits(max_connections=k, max_keepalive_connections=k))
    return openai.AsyncOpenAI(http_client=openai.DefaultAsyncHttpxClient(mounts={"https://": capped}))


async def answer_all(client: openai.AsyncOpenAI, prompts: list[str]) -> list[str]:
    """Ask every prompt at once through `client`; return the answers' texts in the order of `prompts`."""
    completions = await asyncio.gather(
        *(
            client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            for prompt in prompts
        )
    )
    return [completion.choices[0].message.content for completion in completions]
