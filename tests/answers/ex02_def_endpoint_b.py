# expect: 40-thread pool
"""Exercise 02 following FastAPI's "if you're not sure, use def" advice.

FastAPI's docs say that with a blocking library you should declare the path operation with plain
`def`, and it runs in a threadpool. That is sound advice for small loads, and it stops the loop from
blocking, but the exercise asks for an `async def` endpoint with AsyncOpenAI, and with 100 concurrent
requests the threadpool's 40 tokens make them run in waves: three latencies, not one.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from openai import OpenAI

client = OpenAI()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Close the module's client when the app stops."""
    yield
    client.close()


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
def chat(q: str, request: Request) -> dict[str, str]:
    """Answer `q` with one chat completion: {"answer": text}. Runs in FastAPI's threadpool."""
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])
    return {"answer": completion.choices[0].message.content}
