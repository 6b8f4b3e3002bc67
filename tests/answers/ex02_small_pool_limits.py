# expect: lets only 10 through
"""Exercise 02 with defensive connection limits.

The learner skipped ahead to lesson 03 (or read a "production-ready OpenAI client" blog post) and gave
the client `limits=httpx2.Limits(max_connections=10, max_keepalive_connections=10)` to protect the
upstream. Everything is async and built once, yet only 10 requests can be at the model at a time:
100 requests need ten latencies.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx2
import openai
from fastapi import FastAPI, Request
from openai import AsyncOpenAI

POOL_LIMITS = httpx2.Limits(max_connections=10, max_keepalive_connections=10)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create the client when the app starts, close it when the app stops."""
    async with AsyncOpenAI(http_client=openai.DefaultAsyncHttpxClient(limits=POOL_LIMITS)) as client:
        app.state.client = client
        yield


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request) -> dict[str, str]:
    """Answer `q` with one chat completion: {"answer": text}."""
    client: AsyncOpenAI = request.app.state.client
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content}
