# expect: pass
"""The share kept by a semaphore around the call, the SDK's pool left as it is. On the wire it keeps the
budget (at most `share` requests, so at most `share` connections, per worker): accepted; lesson 03 says why
a cap in the pool is the sturdier place (every user of the client gets it)."""

import asyncio
import os
from contextlib import asynccontextmanager

import openai
from fastapi import FastAPI, Request


@asynccontextmanager
async def lifespan(app: FastAPI):
    share = max(1, int(os.environ.get("CLIENTLAB_BUDGET", "8")) // int(os.environ.get("WEB_CONCURRENCY", "1")))
    app.state.gate = asyncio.Semaphore(share)
    async with openai.AsyncOpenAI() as client:
        app.state.client = client
        yield


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request) -> dict[str, str]:
    async with request.app.state.gate:
        completion = await request.app.state.client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
        )
    return {"answer": completion.choices[0].message.content or ""}
