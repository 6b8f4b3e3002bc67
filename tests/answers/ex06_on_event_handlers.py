# expect: pass
"""The older style: startup and shutdown event handlers (deprecated in FastAPI, still supported), and a
dependency that hands the client to the endpoint."""

import os

import httpx2
import openai
from fastapi import Depends, FastAPI, Request

app = FastAPI()


@app.on_event("startup")
async def open_client() -> None:
    budget = int(os.environ.get("CLIENTLAB_BUDGET", "8"))
    workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
    limits = httpx2.Limits(max_connections=max(1, budget // workers), max_keepalive_connections=max(1, budget // workers))
    app.state.openai = openai.AsyncOpenAI(http_client=openai.DefaultAsyncHttpx2Client(limits=limits))


@app.on_event("shutdown")
async def close_client() -> None:
    await app.state.openai.close()


def get_client(request: Request) -> openai.AsyncOpenAI:
    return request.app.state.openai


@app.get("/chat")
async def chat(q: str, client: openai.AsyncOpenAI = Depends(get_client)) -> dict[str, str]:
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content or ""}
