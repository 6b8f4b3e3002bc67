# expect: a lock
"""Exercise 02 with a lock "for thread safety".

The developer read that sharing one client between requests might not be safe and added a module-level
`asyncio.Lock` around the call. The code is fully async and the client is created once, but the lock
turns the endpoint into a queue: peak 1 at the mock, 100 latencies per wave.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from openai import AsyncOpenAI

_client_lock = asyncio.Lock()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create the client when the app starts, close it when the app stops."""
    async with AsyncOpenAI() as client:
        app.state.client = client
        yield


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request) -> dict[str, str]:
    """Answer `q` with one chat completion: {"answer": text}."""
    client: AsyncOpenAI = request.app.state.client
    async with _client_lock:  # one request at a time through the shared client
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
        )
    return {"answer": completion.choices[0].message.content}
