# expect: does not follow the environment
"""The share worked out by hand for production (a budget of 4 over 2 workers) and written as a number."""

from contextlib import asynccontextmanager

import httpx2
import openai
from fastapi import FastAPI, Request

PER_WORKER = 2  # 4 connections for the whole service, 2 workers


@asynccontextmanager
async def lifespan(app: FastAPI):
    limits = httpx2.Limits(max_connections=PER_WORKER, max_keepalive_connections=PER_WORKER)
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
