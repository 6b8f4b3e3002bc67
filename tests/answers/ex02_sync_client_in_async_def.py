# expect: sync OpenAI client blocks the event loop
"""Exercise 02, the endpoint most people write first.

`from openai import OpenAI` is what every quick-start imports, and FastAPI's docs use `async def`
everywhere, so the two end up together. One request by hand is fast; 100 concurrent requests are
served one after another because `create(...)` blocks the only event-loop thread (lesson 02, peak 1).
The client is built once in the lifespan, so that part is right.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from openai import OpenAI


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create the client when the app starts, close it when the app stops."""
    with OpenAI() as client:
        app.state.client = client
        yield


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request) -> dict[str, str]:
    """Answer `q` with one chat completion: {"answer": text}."""
    client: OpenAI = request.app.state.client
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content}
