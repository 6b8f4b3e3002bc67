# expect: thread pool
"""Exercise 02 with the StackOverflow fix for "my async endpoint blocks".

The top answer to "calling a blocking library from FastAPI async def" is `await asyncio.to_thread(...)`.
It does unblock the loop, so the endpoint looks fixed when tried with a few requests, but every call
now queues for the loop's default ThreadPoolExecutor, min(32, cpu_count + 4) workers: 100 concurrent
requests take many latencies instead of one.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from openai import OpenAI


def _complete(client: OpenAI, q: str) -> str:
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return completion.choices[0].message.content


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create the client when the app starts, close it when the app stops."""
    app.state.client = OpenAI()
    try:
        yield
    finally:
        app.state.client.close()


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request) -> dict[str, str]:
    """Answer `q` with one chat completion: {"answer": text}."""
    answer = await asyncio.to_thread(_complete, request.app.state.client, q)
    return {"answer": answer}
