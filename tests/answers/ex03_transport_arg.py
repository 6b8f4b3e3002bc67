# expect: pass
"""Exercise 03 with the limits on an explicit transport.

Some developers configure the transport rather than the client (the httpx docs' "Transports" page,
or code that also sets `retries=` or `local_address=` on the transport). Given `transport=`, the
client uses it for every URL, so its pool, capped at k with all k kept alive, is the only one. The
HTTP client is DefaultAsyncHttpxClient, so the SDK's timeout and follow_redirects stay, and the
AsyncOpenAI keeps its default retries. answer_all uses a TaskGroup (Python 3.11) instead of gather;
the results are read back in the order of the prompts.
"""

import asyncio

import httpx2
import openai


def make_client(k: int) -> openai.AsyncOpenAI:
    """An AsyncOpenAI whose pool is capped at `k` connections (all `k` kept alive), SDK defaults kept."""
    transport = httpx2.AsyncHTTPTransport(limits=httpx2.Limits(max_connections=k, max_keepalive_connections=k))
    return openai.AsyncOpenAI(http_client=openai.DefaultAsyncHttpxClient(transport=transport))


async def answer_all(client: openai.AsyncOpenAI, prompts: list[str]) -> list[str]:
    """Ask every prompt at once through `client`; return the answers' texts in the order of `prompts`."""
    async with asyncio.TaskGroup() as group:
        tasks = [
            group.create_task(
                client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
            )
            for prompt in prompts
        ]
    return [task.result().choices[0].message.content or "" for task in tasks]
