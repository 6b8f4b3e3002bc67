# expect: pass
"""Lifespan state: the lifespan yields {"client": client} and the endpoint reads request.state.client."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

import httpx2
import openai
from fastapi import FastAPI, Request


class State(TypedDict):
    client: openai.AsyncOpenAI


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[State]:
    workers = int(os.getenv("WEB_CONCURRENCY", "1"))
    share = max(1, int(os.getenv("CLIENTLAB_BUDGET", "8")) // workers)
    http_client = openai.DefaultAsyncHttpx2Client(
        limits=httpx2.Limits(max_connections=share, max_keepalive_connections=share)
    )
    async with openai.AsyncOpenAI(http_client=http_client) as client:
        yield {"client": client}


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request) -> dict[str, str]:
    completion = await request.state.client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
    )
    return {"answer": completion.choices[0].message.content or ""}
