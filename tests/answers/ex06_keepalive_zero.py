# expect: new one
"""Wrong: one client, capped at the share, but told to keep no idle connection ("don't hold sockets to the
model we are not using"): every request opens a new connection, and pays for it."""

import os
from contextlib import asynccontextmanager

import httpx2
from fastapi import FastAPI, Request
from openai import AsyncOpenAI, DefaultAsyncHttpx2Client


@asynccontextmanager
async def lifespan(app: FastAPI):
    share = max(1, int(os.environ.get("CLIENTLAB_BUDGET", "8")) // int(os.environ.get("WEB_CONCURRENCY", "1")))
    limits = httpx2.Limits(max_connections=share, max_keepalive_connections=0)
    app.state.client = AsyncOpenAI(http_client=DefaultAsyncHttpx2Client(limits=limits))
    try:
        yield
    finally:
        await app.state.client.close()


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request) -> dict:
    completion = await request.app.state.client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
    )
    return {"answer": completion.choices[0].message.content}
