# expect: new one
"""Half the share kept alive, "to free idle connections": the pool closes and reopens them between bursts."""

import os
from contextlib import asynccontextmanager

import httpx2
import openai
from fastapi import FastAPI, Request


@asynccontextmanager
async def lifespan(app: FastAPI):
    share = max(1, int(os.environ["CLIENTLAB_BUDGET"]) // int(os.environ["WEB_CONCURRENCY"]))
    limits = httpx2.Limits(max_connections=share, max_keepalive_connections=max(1, share // 2))
    async with openai.AsyncOpenAI(http_client=openai.DefaultAsyncHttpx2Client(limits=limits)) as client:
        app.state.client = client
        yield


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request) -> dict[str, str]:
    completion = await request.app.state.client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
    )
    return {"answer": completion.choices[0].message.content or ""}
