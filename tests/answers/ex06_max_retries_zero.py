# expect: 503
"""No retries, "so a slow upstream fails fast and frees the worker's share": a transient 503 becomes an error."""

import os
from contextlib import asynccontextmanager

import httpx2
import openai
from fastapi import FastAPI, Request


@asynccontextmanager
async def lifespan(app: FastAPI):
    share = max(1, int(os.environ["CLIENTLAB_BUDGET"]) // int(os.environ["WEB_CONCURRENCY"]))
    limits = httpx2.Limits(max_connections=share, max_keepalive_connections=share)
    http_client = openai.DefaultAsyncHttpx2Client(limits=limits)
    async with openai.AsyncOpenAI(http_client=http_client, max_retries=0) as client:
        app.state.client = client
        yield


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request) -> dict[str, str]:
    completion = await request.app.state.client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
    )
    return {"answer": completion.choices[0].message.content or ""}
