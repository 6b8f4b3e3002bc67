# expect: pass
"""Exercise 02 with FastAPI dependency injection.

FastAPI's "Settings and environment variables" page uses `@lru_cache` on a dependency to build an
object once; the same idiom gives the app one AsyncOpenAI, injected with `Depends`. The dependency
is a sync function, so FastAPI calls it in its threadpool, but it only returns the cached client: the
await on the model happens on the loop, so all requests overlap. The lifespan closes the client at
shutdown. The exercise mentions "a cached dependency" as acceptable.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, FastAPI
from openai import AsyncOpenAI


@lru_cache
def get_openai() -> AsyncOpenAI:
    """The app's one AsyncOpenAI, built on first use and cached."""
    return AsyncOpenAI()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Build the client at startup, close it at shutdown."""
    client = get_openai()
    yield
    await client.close()


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, client: Annotated[AsyncOpenAI, Depends(get_openai)]) -> dict[str, str]:
    """Answer `q` with one chat completion: {"answer": text}."""
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content or ""}
