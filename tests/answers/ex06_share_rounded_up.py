# expect: rounded up
"""Wrong: the share is rounded up so that no worker gets "less than its part" of the budget; with a budget
that does not divide evenly, all the workers together open more connections than the budget allows."""

import math
import os
from contextlib import asynccontextmanager

import httpx2
import openai
from fastapi import FastAPI, Request


def share() -> int:
    budget = int(os.getenv("CLIENTLAB_BUDGET", "8"))
    workers = int(os.getenv("WEB_CONCURRENCY", "1"))
    return max(1, math.ceil(budget / workers))


@asynccontextmanager
async def lifespan(app: FastAPI):
    k = share()
    http_client = openai.DefaultAsyncHttpx2Client(limits=httpx2.Limits(max_connections=k, max_keepalive_connections=k))
    async with openai.AsyncOpenAI(http_client=http_client) as client:
        app.state.client = client
        yield


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(request: Request, q: str):
    reply = await request.app.state.client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
    )
    return {"answer": reply.choices[0].message.content}
