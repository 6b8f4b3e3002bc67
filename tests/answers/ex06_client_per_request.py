# expect: a new client
"""A client per request, closed at once: nothing leaks, but every request pays a new pool and connection."""

import os

import httpx2
import openai
from fastapi import FastAPI

app = FastAPI()


@app.get("/chat")
async def chat(q: str) -> dict[str, str]:
    share = max(1, int(os.environ.get("CLIENTLAB_BUDGET", "8")) // int(os.environ.get("WEB_CONCURRENCY", "1")))
    limits = httpx2.Limits(max_connections=share, max_keepalive_connections=share)
    async with openai.AsyncOpenAI(http_client=openai.DefaultAsyncHttpx2Client(limits=limits)) as client:
        completion = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": q}]
        )
    return {"answer": completion.choices[0].message.content or ""}
