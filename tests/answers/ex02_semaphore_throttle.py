# expect: lets only 20 through
"""Exercise 02 with a home-made concurrency limit.

A common pattern from "how to avoid 429s" posts: wrap every call in `async with semaphore:` with a
small number. The client is AsyncOpenAI, built once, with the default (large) pool, so the limit is
entirely the semaphore's: requests queue in waves of 20 and a wave takes five latencies.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from openai import AsyncOpenAI

MAX_CONCURRENT_CALLS = 20


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create the client and the throttle when the app starts, close the client when it stops."""
    app.state.client = AsyncOpenAI()
    app.state.throttle = asyncio.Semaphore(MAX_CONCURRENT_CALLS)
    yield
    await app.state.client.close()


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request) -> dict[str, str]:
    """Answer `q` with one chat completion: {"answer": text}."""
    async with request.app.state.throttle:
        completion = await request.app.state.client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
        )
    return {"answer": completion.choices[0].message.content}
