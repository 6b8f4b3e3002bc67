# expect: aclose
"""The httpx habit: `aclose()` at shutdown. AsyncOpenAI's method is `close()`, so the shutdown raises."""

import os
from contextlib import asynccontextmanager

import httpx2
import openai
from fastapi import FastAPI, Request


@asynccontextmanager
async def lifespan(app: FastAPI):
    share = max(1, int(os.environ["CLIENTLAB_BUDGET"]) // int(os.environ["WEB_CONCURRENCY"]))
    limits = httpx2.Limits(max_connections=share, max_keepalive_connections=share)
    app.state.client = openai.AsyncOpenAI(http_client=openai.DefaultAsyncHttpx2Client(limits=limits))
    try:
        yield
    finally:
        await app.state.client.aclose()


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request) -> dict[str, str]:
    completion = await request.app.state.client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
    )
    return {"answer": completion.choices[0].message.content or ""}
