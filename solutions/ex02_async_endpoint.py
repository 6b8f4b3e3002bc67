"""Exercise 02: an async endpoint that does not block.

Build `app`, a FastAPI application with one endpoint, `GET /chat?q=...`, that answers the JSON
`{"answer": "..."}` where the answer is the text of one chat completion (model "gpt-4o-mini", `q` as the
user message).

The endpoint is `async def`, so everything it awaits must be asynchronous: use `AsyncOpenAI`, never the
sync `OpenAI` (it would block the event loop and serve one request at a time). Create the client once,
not per request: here in the app's lifespan (a module-level client or a cached dependency work too).
`AsyncOpenAI()` with no arguments reads OPENAI_BASE_URL and OPENAI_API_KEY from the environment.

The grader starts your app with uvicorn against a mock server answering in 500 ms, sends 100 concurrent
requests, then 100 more: they must all overlap, finish in about one latency, and reuse the connections.

Grade it: python -m clientlab grade 02
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from openai import AsyncOpenAI


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create the client when the app starts, close it when the app stops."""
    # SOLUTION
    async with AsyncOpenAI() as client:
        app.state.client = client
        yield
    # STUB
    # # TODO: create one AsyncOpenAI() here, keep it in app.state.client, and close it after the yield
    # # (or simply `async with AsyncOpenAI() as client:` around the yield).
    # yield
    # END


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request) -> dict[str, str]:
    """Answer `q` with one chat completion: {"answer": text}."""
    # SOLUTION
    client: AsyncOpenAI = request.app.state.client
    completion = await client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": q}],
    )
    return {"answer": completion.choices[0].message.content or ""}
    # STUB
    # # TODO: take the client from request.app.state.client, await a chat completion with
    # # model="gpt-4o-mini" and `q` as the user message, and return {"answer": <the text of the first choice>}.
    # raise NotImplementedError("chat: see the TODOs")
    # END
