# expect: pass
"""A module-level name, set by the lifespan and closed in `finally`; the share read once at import; the
SDK's older name for its HTTP client."""

import os
from contextlib import asynccontextmanager

import httpx2
from fastapi import FastAPI
from openai import AsyncOpenAI, DefaultAsyncHttpxClient

SHARE = max(1, int(os.environ.get("CLIENTLAB_BUDGET", "8")) // int(os.environ.get("WEB_CONCURRENCY", "1")))

client: AsyncOpenAI | None = None


@asynccontextmanager
async def lifespan(app: FastAPI):
    global client
    client = AsyncOpenAI(
        http_client=DefaultAsyncHttpxClient(
            limits=httpx2.Limits(max_connections=SHARE, max_keepalive_connections=SHARE)
        )
    )
    try:
        yield
    finally:
        await client.close()
        client = None


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str) -> dict[str, str]:
    assert client is not None, "the app has not started"
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content or ""}
