# expect: pass
"""Exercise 02 with a module-level client on the aiohttp transport.

The openai README recommends `http_client=DefaultAioHttpClient()` for better concurrency with the
async client (installed via `openai[aiohttp]`, which this course pins). The client is created once at
import, outside any event loop; aiohttp's session is only created on the first request, inside
uvicorn's loop. Its connector is capped at the SDK's default 1000 and keeps idle connections open,
so 100 requests overlap and the second wave reuses the first wave's connections. The endpoint is
`async def` and awaits.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from openai import AsyncOpenAI, DefaultAioHttpClient

client = AsyncOpenAI(http_client=DefaultAioHttpClient())


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Close the module's client when the app stops."""
    yield
    await client.close()


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str) -> dict[str, str]:
    """Answer `q` with one chat completion: {"answer": text}."""
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content}
