# expect: redirect
"""The classic recipe: a plain httpx2.AsyncClient with the limits, which loses the SDK's own settings."""

import os
from contextlib import asynccontextmanager

import httpx2
import openai
from fastapi import FastAPI, Request


@asynccontextmanager
async def lifespan(app: FastAPI):
    share = max(1, int(os.environ["CLIENTLAB_BUDGET"]) // int(os.environ["WEB_CONCURRENCY"]))
    http_client = httpx2.AsyncClient(limits=httpx2.Limits(max_connections=share, max_keepalive_connections=share))
    async with openai.AsyncOpenAI(http_client=http_client) as client:
        app.state.client = client
        yield


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request) -> dict[str, str]:
    completion = await request.app.state.client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
    )
    return {"answer": completion.choices[0].message.content or ""}
