"""Probes the graders run inside the learner's process, on the learner's own objects.

A `Call` whose `fn` is `"clientlab.graders.probes:NAME"` runs one of these there (see the driver): the
grader can then use a client the learner built the way any other code would, which tells a cap in the
pool apart from a cap in the learner's own calling code.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
from typing import Any


async def burst(client: Any, prompts: list[str], model: str = "gpt-4o-mini") -> dict[str, int]:
    """Send every prompt at once straight through `client`, each call from a thread of its own; returns how
    many answered and how many calls gave back something to await (an async client's do; a sync client's
    make their request in the thread). That is the client's behaviour, not a header it writes about itself."""

    async def one(prompt: str) -> bool:
        messages = [{"role": "user", "content": prompt}]
        value = await asyncio.to_thread(client.chat.completions.create, model=model, messages=messages)
        if inspect.isawaitable(value):
            await value
            return True
        return False

    awaited = await asyncio.gather(*(one(p) for p in prompts))
    return {"answered": len(awaited), "awaitable": sum(awaited)}


async def each(client: Any, prompts: list[str], model: str = "gpt-4o-mini") -> list[str]:
    """Send every prompt at once through `client`; returns, for each, "ok" or the exception it raised, so one
    failure does not hide what happened to the others."""

    async def one(prompt: str) -> str:
        messages = [{"role": "user", "content": prompt}]
        value = await asyncio.to_thread(client.chat.completions.create, model=model, messages=messages)
        if inspect.isawaitable(value):
            await value
        return "ok"

    results = await asyncio.gather(*(one(p) for p in prompts), return_exceptions=True)
    return [r if isinstance(r, str) else f"{type(r).__name__}: {r}"[:200] for r in results]


def small_pool_client(
    connections: int = 2, pool_timeout: float = 1.0, max_retries: int = 0, tag: str | None = None
) -> Any:
    """An `AsyncOpenAI` as a careful service would build it, configured from the environment like the learner's,
    with a pool of `connections` that waits `pool_timeout` seconds for a free one and no retries: a connection
    the learner's code holds on to makes a later call fail quickly with `APITimeoutError`, not wait for minutes.
    `tag` goes in every request's `x-client-tag`, so the mock tells this client's requests from others'."""
    import httpx2
    from openai import DEFAULT_TIMEOUT, AsyncOpenAI, DefaultAsyncHttpxClient

    limits = httpx2.Limits(max_connections=connections, max_keepalive_connections=connections)
    timeout = httpx2.Timeout(DEFAULT_TIMEOUT.read, connect=DEFAULT_TIMEOUT.connect, pool=pool_timeout)
    return AsyncOpenAI(
        max_retries=max_retries,
        timeout=timeout,
        default_headers={"x-client-tag": tag} if tag else None,
        http_client=DefaultAsyncHttpxClient(limits=limits, timeout=timeout),
    )


def mock_snapshot(url: str, token: str, settle: float = 0.1) -> dict[str, Any]:
    """The mock's stats (`GET /_mock/stats`) taken between two of the learner's calls, while every object they
    left behind is still alive: requests still in flight and connections still open are seen as they are, not
    as the end of the process leaves them. `token` is the mock's control token, passed by the grader. The
    `settle` seconds first let the server finish recording a hang-up that has just happened (a connection the
    code closed is then closed at the mock too), while whatever the code still holds stays held."""
    import json
    import time
    import urllib.request

    time.sleep(settle)
    request = urllib.request.Request(url.rstrip("/") + "/_mock/stats", headers={"x-mock-control-token": token})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def open_session(module_name: str, attribute: str = "app") -> Any:
    """Enter `with TestClient(app)` on the learner's app (its lifespan's startup runs), as a test suite does;
    the session is returned for `ask` and `close_session`. Run it with the driver's `hold_gc`, so that a client
    the app leaves open stays open until the process ends instead of whenever a collection happens to run."""
    from fastapi.testclient import TestClient

    module = sys.modules[module_name]  # the driver imported the learner's file under its own name
    app = getattr(module, attribute, None)
    if app is None:
        raise AttributeError(f"{module_name}.py has no `{attribute}`: name your FastAPI application `{attribute}`")
    session = TestClient(app)
    session.__enter__()
    return session


def ask(session: Any, queries: list[str], together: bool = False) -> list[dict[str, Any]]:
    """`GET /chat?q=...` for each query (one after another, or all at once from threads); for each, the status
    and the JSON's `answer`, or the exception the app raised (TestClient re-raises it in the caller)."""
    from concurrent.futures import ThreadPoolExecutor

    def one(q: str) -> dict[str, Any]:
        try:
            response = session.get("/chat", params={"q": q})
        except BaseException as exc:  # the app's own exception, as a test would see it
            return {"error": f"{type(exc).__name__}: {exc}"[:300]}
        try:
            body = response.json()
        except ValueError:
            body = None
        answer = body.get("answer") if isinstance(body, dict) else None
        return {"status": response.status_code, "answer": answer if isinstance(answer, str) else None}

    if not together:
        return [one(q) for q in queries]
    with ThreadPoolExecutor(max_workers=len(queries)) as pool:
        return list(pool.map(one, queries))


def close_session(session: Any, marker: str, wait: float = 5.0, model: str = "gpt-4o-mini") -> dict[str, Any]:
    """Leave the `with TestClient(app)` block (the lifespan's shutdown runs), then send one request of the
    course's own, `marker`, which the mock records after the session's end: whatever the app's client still
    had open then, it left open. Returns what the shutdown raised, if anything, or that it had not finished
    after `wait` seconds: the process then ends itself half a second later (its event loop's thread, stuck in
    the shutdown, would keep it from exiting until the time limit)."""
    import os
    import threading

    from openai import OpenAI

    raised: list[str] = []
    done = threading.Event()

    def leave() -> None:
        try:
            session.__exit__(None, None, None)
        except BaseException as exc:
            raised.append(f"{type(exc).__name__}: {exc}"[:300])
        finally:
            done.set()

    threading.Thread(target=leave, name="leave-session", daemon=True).start()
    if not done.wait(wait):
        ending = threading.Timer(0.5, os._exit, (0,))
        ending.daemon = True
        ending.start()
        return {"hung": wait, "raised": None}
    with OpenAI(max_retries=0) as client:
        client.chat.completions.create(model=model, messages=[{"role": "user", "content": marker}])
    return {"hung": None, "raised": raised[0] if raised else None}
