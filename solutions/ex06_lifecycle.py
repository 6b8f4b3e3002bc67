"""Exercise 06: a service that owns its client.

Build `app`, a FastAPI application with one endpoint, `GET /chat?q=...`, that answers the JSON
`{"answer": "..."}` where the answer is the text of one chat completion (model "gpt-4o-mini", `q` as the
user message), as in exercise 02. This time the service owns its client for production:

- the app's lifespan creates one `AsyncOpenAI` when the app starts (in every worker process), keeps it in
  `app.state.client`, and closes it when the app stops: no client at module level, none per request;
- the service as a whole keeps to a budget of connections to the model: CLIENTLAB_BUDGET (the total, for
  every worker together) and WEB_CONCURRENCY (the number of worker processes, which uvicorn reads too) come
  from the environment, and each worker's pool gets an equal share, max(1, budget // workers), as both
  max_connections and max_keepalive_connections;
- everything else stays as the SDK sets it: the limits go through the SDK's own HTTP client.

`AsyncOpenAI()` reads OPENAI_BASE_URL and OPENAI_API_KEY from the environment: pass no base_url or api_key.

The grader runs your app twice in FastAPI's TestClient in one process (as a test suite does), then under
uvicorn as two worker processes, which it finally stops gracefully: it counts the connections at the mock each
time.

Grade it: python -m clientlab grade 06
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx2
import openai
from fastapi import FastAPI, Request


def connections_per_worker() -> int:
    """This worker's share of the service's connection budget."""
    # SOLUTION
    budget = int(os.environ.get("CLIENTLAB_BUDGET", "8"))
    workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
    return max(1, budget // workers)
    # STUB
    # # TODO: read CLIENTLAB_BUDGET and WEB_CONCURRENCY from os.environ (default them to 8 and 1) and return
    # # max(1, budget // workers).
    # raise NotImplementedError("connections_per_worker: see the TODOs")
    # END


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Create this worker's client when the app starts, close it when the app stops."""
    # SOLUTION
    k = connections_per_worker()
    limits = httpx2.Limits(max_connections=k, max_keepalive_connections=k)
    async with openai.AsyncOpenAI(http_client=openai.DefaultAsyncHttpx2Client(limits=limits)) as client:
        app.state.client = client
        yield
    # STUB
    # # TODO: build httpx2.Limits with connections_per_worker() as max_connections and max_keepalive_connections,
    # # create openai.AsyncOpenAI(http_client=openai.DefaultAsyncHttpx2Client(limits=...)), keep it in
    # # app.state.client, and close it after the yield (`async with ... as client:` around the yield does both).
    # yield
    # END


app = FastAPI(lifespan=lifespan)


@app.get("/chat")
async def chat(q: str, request: Request) -> dict[str, str]:
    """Answer `q` with one chat completion: {"answer": text}."""
    # SOLUTION
    client: openai.AsyncOpenAI = request.app.state.client
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
