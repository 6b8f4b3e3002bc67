# expect: something closed the shared client
"""Exercise 02 with the stub's hint applied one indentation level off.

The stub says "simply `async with AsyncOpenAI() as client:` around the yield". The learner wrote the
`async with`, stored the client, and put the `yield` after the block, as one does with a file that is
"set up" and then used. The client is closed before the first request, so every request gets a
RuntimeError (a 500) without reaching the model.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from openai import AsyncOpenAI


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create the client when the app starts, close it when the app stops."""
    async with AsyncOpenAI() as client:
        app.state.client = client
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request) -> dict[str, str]:
    """Answer `q` with one chat completion: {"answer": text}."""
    client: AsyncOpenAI = request.app.state.client
    completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content}
