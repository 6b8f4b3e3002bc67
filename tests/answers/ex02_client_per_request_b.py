# expect: new client per request
"""Exercise 02 with the async client, built in the handler.

The async part is right: AsyncOpenAI, awaited. But the client lives in the endpoint, wrapped in
`async with` because "the docs say to close it". Each request pays for a client (TLS context included,
CPU time on the event loop) and opens its own connection, which is closed at the end of the block;
a second wave opens 100 new connections. The lifespan from the stub was left empty.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from openai import AsyncOpenAI


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Nothing to set up: each request brings its own client."""
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str) -> dict[str, str]:
    """Answer `q` with one chat completion: {"answer": text}."""
    async with AsyncOpenAI() as client:
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
        )
    return {"answer": completion.choices[0].message.content}
