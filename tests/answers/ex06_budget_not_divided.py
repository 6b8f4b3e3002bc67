# expect: whole budget
"""Every worker's pool gets the whole budget: the service opens budget x workers connections."""

import os
from contextlib import asynccontextmanager

import httpx2
import openai
from fastapi import FastAPI, Request


@asynccontextmanager
async def lifespan(app: FastAPI):
    budget = int(os.getenv("CLIENTLAB_BUDGET", "8"))
    limits = httpx2.Limits(max_connections=budget, max_keepalive_connections=budget)
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
