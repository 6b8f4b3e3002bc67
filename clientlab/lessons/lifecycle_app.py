"""Lesson 06: the same `GET /chat?q=...` service with its client owned two ways.

- `module_client_app()`: the client is created with the app, outside any event loop, and never closed: what
  `client = AsyncOpenAI()` at the top of a module does. It is a function so that each demo gets a fresh one.
- `app`: the lifespan creates the client inside the loop that serves the requests, keeps it on `app.state`,
  and closes it at shutdown. Served by `uvicorn --workers N clientlab.lessons.lifecycle_app:app`, every worker
  process runs the lifespan and owns a client of its own.

Both tag their requests `x-client-tag: worker-<pid>`, so the mock's records say which process sent each one.
`LESSON_MAX_CONNECTIONS`, when set, caps the lifespan client's pool (lesson 03's recipe); each worker reads it.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx2
from fastapi import FastAPI, Request
from openai import AsyncOpenAI, DefaultAsyncHttpx2Client

MODEL = "gpt-4o-mini"


def worker_tag() -> dict[str, str]:
    """The header that tells the mock which process sent a request."""
    return {"x-client-tag": f"worker-{os.getpid()}"}


def module_client_app() -> FastAPI:
    """The trap: one AsyncOpenAI created outside any event loop, shared by every request, never closed."""
    client = AsyncOpenAI(default_headers=worker_tag())
    app = FastAPI()

    @app.get("/chat")
    async def chat(q: str) -> dict[str, str]:
        completion = await client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": q}])
        return {"answer": completion.choices[0].message.content or ""}

    return app


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Startup: a client of this process, in the loop that serves it. Shutdown: closed (`async with`)."""
    size = os.environ.get("LESSON_MAX_CONNECTIONS")
    http_client = None
    if size:
        limits = httpx2.Limits(max_connections=int(size), max_keepalive_connections=int(size))
        http_client = DefaultAsyncHttpx2Client(limits=limits)  # the SDK's defaults, with these limits
    async with AsyncOpenAI(http_client=http_client, default_headers=worker_tag()) as client:
        app.state.openai = client
        yield


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(request: Request, q: str) -> dict[str, str]:
    client: AsyncOpenAI = request.app.state.openai
    completion = await client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content or ""}
