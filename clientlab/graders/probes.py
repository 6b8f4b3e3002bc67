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
