# expect: client has been closed
"""The endpoint uses the shared client in `async with`, which closes it after the first request."""

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
    yield
    await app.state.client.close()


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request) -> dict[str, str]:
    async with request.app.state.client as client:
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
        )
    return {"answer": completion.choices[0].message.content or ""}
