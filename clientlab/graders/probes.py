"""Probes the graders run inside the learner's process, on the learner's own objects.

A `Call` whose `fn` is `"clientlab.graders.probes:NAME"` runs one of these there (see the driver): the
grader can then use a client the learner built the way any other code would, which tells a cap in the
pool apart from a cap in the learner's own calling code.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any


async def burst(client: Any, prompts: list[str], model: str = "gpt-4o-mini") -> dict[str, int]:
    """Send every prompt at once straight through `client`, each call from a thread of its own; returns how
    many answered and how many calls gave back something to await (an async client's do; a sync client's
    make their request in the thread). That is the client's behaviour, not a header it writes about itself."""

    async def one(prompt: str) -> bool:
        messages = [{"role": "user", "content": prompt}]
        value = await asyncio.to_thread(client.chat.completions.create, model=model, messages=messages)
        if inspect.isawaitable(value):
            await value
            return True
        return False

    awaited = await asyncio.gather(*(one(p) for p in prompts))
    return {"answered": len(awaited), "awaitable": sum(awaited)}


async def each(client: Any, prompts: list[str], model: str = "gpt-4o-mini") -> list[str]:
    """Send every prompt at once through `client`; returns, for each, "ok" or the exception it raised, so one
    failure does not hide what happened to the others."""

    async def one(prompt: str) -> str:
        messages = [{"role": "user", "content": prompt}]
        value = await asyncio.to_thread(client.chat.completions.create, model=model, messages=messages)
        if inspect.isawaitable(value):
            await value
        return "ok"

    results = await asyncio.gather(*(one(p) for p in prompts), return_exceptions=True)
    return [r if isinstance(r, str) else f"{type(r).__name__}: {r}"[:200] for r in results]


def small_pool_client(
    connections: int = 2, pool_timeout: float = 1.0, max_retries: int = 0, tag: str | None = None
) -> Any:
    """An `AsyncOpenAI` as a careful service would build it, configured from the environment like the learner's,
    with a pool of `connections` that waits `pool_timeout` seconds for a free one and no retries: a connection
    the learner's code holds on to makes a later call fail quickly with `APITimeoutError`, not wait for minutes.
    `tag` goes in every request's `x-client-tag`, so the mock tells this client's requests from others'."""
    import httpx2
    from openai import DEFAULT_TIMEOUT, AsyncOpenAI, DefaultAsyncHttpxClient

    limits = httpx2.Limits(max_connections=connections, max_keepalive_connections=connections)
    timeout = httpx2.Timeout(DEFAULT_TIMEOUT.read, connect=DEFAULT_TIMEOUT.connect, pool=pool_timeout)
    return AsyncOpenAI(
        max_retries=max_retries,
        timeout=timeout,
        default_headers={"x-client-tag": tag} if tag else None,
        http_client=DefaultAsyncHttpxClient(limits=limits, timeout=timeout),
    )


def mock_snapshot(url: str, token: str, settle: float = 0.1) -> dict[str, Any]:
    """The mock's stats (`GET /_mock/stats`) taken between two of the learner's calls, while every object they
    left behind is still alive: requests still in flight and connections still open are seen as they are, not
    as the end of the process leaves them. `token` is the mock's control token, passed by the grader. The
    `settle` seconds first let the server finish recording a hang-up that has just happened (a connection the
    code closed is then closed at the mock too), while whatever the code still holds stays held."""
    import json
    import time
    import urllib.request

    time.sleep(settle)
    request = urllib.request.Request(url.rstrip("/") + "/_mock/stats", headers={"x-mock-control-token": token})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())
