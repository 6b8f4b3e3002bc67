# expect: Event loop is closed
"""The client built at import time, with the budget split right: one per worker process, never closed."""

import os

import httpx2
import openai
from fastapi import FastAPI

BUDGET = int(os.environ.get("CLIENTLAB_BUDGET", "8"))
WORKERS = int(os.environ.get("WEB_CONCURRENCY", "1"))
SHARE = max(1, BUDGET // WORKERS)

client = openai.AsyncOpenAI(
    http_client=openai.DefaultAsyncHttpx2Client(
        limits=httpx2.Limits(max_connections=SHARE, max_keepalive_connections=SHARE)
    )
)

app = FastAPI()


@app.get("/chat")
async def chat(q: str) -> dict[str, str]:
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content or ""}
