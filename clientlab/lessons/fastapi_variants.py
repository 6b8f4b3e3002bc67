"""Lesson 02: four FastAPI apps with the same `GET /chat?q=...`, calling the model four different ways.

Each app is served in its own uvicorn process (`AppServer("clientlab.lessons.fastapi_variants:NAME")`).
The clients are created once, at import, from OPENAI_BASE_URL / OPENAI_API_KEY.
"""

from __future__ import annotations

import asyncio

from fastapi import FastAPI
from openai import AsyncOpenAI, OpenAI

MODEL = "gpt-4o-mini"

sync_client = OpenAI()
async_client = AsyncOpenAI()

sync_in_async_app = FastAPI()
def_endpoint_app = FastAPI()
to_thread_app = FastAPI()
async_client_app = FastAPI()


@sync_in_async_app.get("/chat")
async def chat_sync_in_async(q: str) -> dict[str, str]:
    """The trap: a sync call inside `async def` holds the event loop until the model answers."""
    completion = sync_client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content or ""}


@def_endpoint_app.get("/chat")
def chat_def(q: str) -> dict[str, str]:
    """A plain `def` endpoint: FastAPI runs it in a worker thread (anyio's pool of 40)."""
    completion = sync_client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content or ""}


@to_thread_app.get("/chat")
async def chat_to_thread(q: str) -> dict[str, str]:
    """The sync call moved off the loop with asyncio.to_thread (the loop's default executor)."""
    completion = await asyncio.to_thread(
        sync_client.chat.completions.create, model=MODEL, messages=[{"role": "user", "content": q}]
    )
    return {"answer": completion.choices[0].message.content or ""}


@async_client_app.get("/chat")
async def chat_async(q: str) -> dict[str, str]:
    """AsyncOpenAI: the loop keeps serving other requests while this one waits for the model."""
    completion = await async_client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content or ""}
