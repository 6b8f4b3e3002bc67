# expect: bound to a different event loop
"""Wrong: the client is the lifespan's, but the budget is kept by an asyncio.Semaphore made when the module is
imported. The first loop that waits on it owns it: a second start of the app (a second TestClient session, a
reload) fails as soon as requests queue on it."""

import asyncio
import os
from contextlib import asynccontextmanager

import openai
from fastapi import FastAPI, Request

budget = int(os.environ.get("CLIENTLAB_BUDGET", "8"))
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
limit = asyncio.Semaphore(max(1, budget // workers))


@asynccontextmanager
async def lifespan(app: FastAPI):
    async with openai.AsyncOpenAI() as client:
        app.state.client = client
        yield


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request):
    async with limit:
        completion = await request.app.state.client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
        )
    return {"answer": completion.choices[0].message.content}
