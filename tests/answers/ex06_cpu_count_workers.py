# expect: CPU
"""The number of workers guessed from the machine, as many deployment guides size them."""

import os
from contextlib import asynccontextmanager

import httpx2
import openai
from fastapi import FastAPI, Request


@asynccontextmanager
async def lifespan(app: FastAPI):
    workers = os.cpu_count() or 1  # one worker per core
    share = max(1, int(os.environ.get("CLIENTLAB_BUDGET", "8")) // workers)
    limits = httpx2.Limits(max_connections=share, max_keepalive_connections=share)
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
