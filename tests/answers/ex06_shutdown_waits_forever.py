# expect: cancel
"""A heartbeat task started with the app and awaited at shutdown without being cancelled: it never ends."""

import asyncio
import os
from contextlib import asynccontextmanager

import httpx2
import openai
from fastapi import FastAPI, Request


async def heartbeat(app: FastAPI) -> None:
    while True:
        app.state.alive = True
        await asyncio.sleep(0.5)


@asynccontextmanager
async def lifespan(app: FastAPI):
    share = max(1, int(os.environ["CLIENTLAB_BUDGET"]) // int(os.environ["WEB_CONCURRENCY"]))
    limits = httpx2.Limits(max_connections=share, max_keepalive_connections=share)
    async with openai.AsyncOpenAI(http_client=openai.DefaultAsyncHttpx2Client(limits=limits)) as client:
        app.state.client = client
        task = asyncio.create_task(heartbeat(app))
        yield
        await task  # meant to let it finish its beat


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request) -> dict[str, str]:
    completion = await request.app.state.client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
    )
    return {"answer": completion.choices[0].message.content or ""}
