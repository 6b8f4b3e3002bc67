"""Probes the graders run inside the learner's process, on the learner's own objects.

A `Call` whose `fn` is `"clientlab.graders.probes:NAME"` runs one of these there (see the driver): the
grader can then use a client the learner built the way any other code would, which tells a cap in the
pool apart from a cap in the learner's own calling code.
"""

from __future__ import annotations

import asyncio
from typing import Any


async def burst(client: Any, prompts: list[str], model: str = "gpt-4o-mini") -> int:
    """Send every prompt at once straight through `client`; returns how many answered."""

    async def one(prompt: str) -> str:
        completion = await client.chat.completions.create(model=model, messages=[{"role": "user", "content": prompt}])
        return completion.choices[0].message.content or ""

    return len(await asyncio.gather(*(one(p) for p in prompts)))
