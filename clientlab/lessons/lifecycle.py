"""Helpers for lesson 06 (production lifecycle): code that needs an event loop of its own, FastAPI's test
sessions, an app served in a thread on a chosen loop, `uvicorn --workers N` as a real command, per-worker
figures from the mock's records, and the fork demo in a child process of its own."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..mock import MockServer, Record
from ..mock.server import bind_socket
from ..mock.stats import peak_in_flight
from ..procs import Sandbox
from .timeouts import Outcome, run

STARTED = "Application startup complete."
STOPPED = "Application shutdown complete."


def describe(error: BaseException | None) -> str:
    """`builtins.RuntimeError: Event loop is closed`: where an exception's class lives, and its message."""
    if error is None:
        return "-"
    cls = type(error)
    return f"{cls.__module__}.{cls.__qualname__}: {str(error)[:90]}"


def in_a_thread_of_its_own(call: Callable[[], Any]) -> Outcome:
    """Run `call()` in a new thread, which has no event loop yet: there `asyncio.run()` works as in a
    script (this notebook's own thread already runs Jupyter's loop). Returns what happened."""
    outcomes: list[Outcome] = []
    thread = threading.Thread(target=lambda: outcomes.append(run(call)), name="no-loop-yet")
    thread.start()
    thread.join()
    return outcomes[0]


def left_open(mock: MockServer) -> int:
    """How many of the connections that carried a request since the mock's last reset are still open."""
    stats = mock.stats()
    used = {r.conn for r in stats.records}
    return sum(1 for c in stats.connections if c["open"] and c["id"] in used)


def open_connections(mock: MockServer, settle: float = 0.25, wait: float = 5.0) -> int:
    """`left_open(mock)` once unchanged for `settle` seconds (or after `wait`): the server notices a closed
    socket a moment after the client closes it."""
    deadline = time.monotonic() + wait
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now_open = left_open(mock)
        if now_open != last:
            last, since = now_open, time.monotonic()
        elif time.monotonic() - since >= settle:
            break
        time.sleep(0.02)
    return last


# -- FastAPI's TestClient: one event loop per `with TestClient(app)` -----------------------------------
@dataclass(frozen=True)
class Session:
    """One `with TestClient(app):` block: its `GET /chat` and what the mock still held open after it."""

    result: str
    error: BaseException | None
    open_after: int


def testclient_sessions(app: Any, mock: MockServer, count: int = 2) -> list[Session]:
    """`count` TestClient sessions one after another, each sending one `GET /chat`, as a test suite does."""
    from fastapi.testclient import TestClient

    sessions = []
    for number in range(1, count + 1):
        error: BaseException | None = None
        with TestClient(app) as http:
            try:
                response = http.get("/chat", params={"q": f"session {number}"})
                result = f"HTTP {response.status_code} {response.json()['answer']!r}"
            except Exception as exc:  # the endpoint's own exception: TestClient raises it here
                error, result = exc, describe(exc)
        sessions.append(Session(result, error, open_connections(mock)))
    return sessions


# -- an app served in a thread of this process, on a chosen event loop --------------------------------
@contextlib.contextmanager
def served_in_a_thread(app: Any, loop: str) -> Iterator[str]:
    """Serve `app` with uvicorn on `loop` ("asyncio" or "uvloop") in a thread; yields its URL. On exit the
    server shuts down (the lifespan's end runs) and its loop closes, while this process lives on."""
    import uvicorn

    sock = bind_socket()
    config = uvicorn.Config(app, loop=loop, lifespan="on", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{loop}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn on {loop} did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


# -- uvicorn --workers N, a real command --------------------------------------------------------------
@dataclass
class Workers:
    """A running `uvicorn ... --workers N`: its URL, and what it logged."""

    url: str
    expected: int
    box: Sandbox
    log: str = ""

    def count(self, text: str) -> int:
        """How many times `text` was logged (so far, or until the server stopped)."""
        return (self.log or self.box.output).count(text)


@contextlib.contextmanager
def uvicorn_workers(
    target: str, *, env: dict[str, str], workers: int | None = None, startup_timeout: float = 30.0
) -> Iterator[Workers]:
    """Run `python -m uvicorn TARGET [--workers N]` on a socket of ours (a free 127.0.0.1 port), with `env`
    added to this process's environment. Yields once every worker has run its lifespan startup. On exit:
    SIGTERM, so uvicorn stops its workers gracefully (each runs the lifespan's shutdown). It runs under the
    course's supervisor (`clientlab.procs.Sandbox`): whatever is still running 15 s later is killed, and if
    this process dies first, the server and its workers go with it. `workers=None` leaves the count to
    uvicorn (its default is $WEB_CONCURRENCY)."""
    expected = workers or int(env.get("WEB_CONCURRENCY", "1"))
    sock = bind_socket()
    sock.listen(2048)
    os.set_inheritable(sock.fileno(), True)
    cmd = [sys.executable, "-m", "uvicorn", target, "--fd", str(sock.fileno()), "--log-level", "info"]
    cmd += ["--no-access-log", *(["--workers", str(workers)] if workers else [])]
    with Sandbox(cmd, env=env, pass_fds=(sock.fileno(),), stop_grace=15.0) as box:
        served = Workers(f"http://127.0.0.1:{sock.getsockname()[1]}", expected, box)
        try:
            box.start()
            deadline = time.monotonic() + startup_timeout
            while served.count(STARTED) < expected:
                if not box.running or time.monotonic() > deadline:
                    raise RuntimeError("uvicorn's workers did not start:\n" + box.output[-2000:])
                time.sleep(0.05)
            yield served
        finally:
            sock.close()
            if box.report is None and box.pid is not None:
                box.stop()
            served.log = box.output


def staggered_load(url: str, n: int, gap: float = 0.01, timeout: float = 30.0) -> int:
    """`n` GET requests to `url`, one started every `gap` seconds, each on a new connection; how many got a
    200. Connections that arrive one at a time are shared out between uvicorn's workers more evenly than a
    burst, which the first worker to wake up may accept all at once."""
    import asyncio

    import aiohttp

    async def go() -> int:
        connector = aiohttp.TCPConnector(force_close=True, limit=0)
        async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)) as http:

            async def one(index: int) -> int:
                await asyncio.sleep(index * gap)
                try:
                    async with http.get(url) as response:
                        await response.read()
                        return response.status
                except (aiohttp.ClientError, TimeoutError):
                    return 0

            return list(await asyncio.gather(*(one(i) for i in range(n)))).count(200)

    return asyncio.run(go())


# -- per-worker figures from the mock's records -------------------------------------------------------
@dataclass(frozen=True)
class WorkerFigures:
    """What one worker process did, as the mock recorded it (its requests carry its tag)."""

    requests: int
    connections: int
    peak: int


def per_worker(records: Sequence[Record]) -> dict[str, WorkerFigures]:
    """Figures per `x-client-tag`, in the order of the tags (worker-<pid>)."""
    tags = sorted({r.client_tag for r in records if r.client_tag})
    figures = {}
    for tag in tags:
        mine = [r for r in records if r.client_tag == tag]
        figures[tag] = WorkerFigures(len(mine), len({r.conn for r in mine}), peak_in_flight(mine))
    return figures


def worker_names(figures: dict[str, WorkerFigures]) -> dict[str, WorkerFigures]:
    """The same figures named `worker 1`, `worker 2`... (PIDs differ from run to run)."""
    return {f"worker {n}": f for n, f in enumerate(figures.values(), 1)}


# -- the fork demo ------------------------------------------------------------------------------------
def fork_scenarios(mock: MockServer, scenarios: Sequence[tuple[str, str]], time_limit: float = 40.0) -> list[dict]:
    """Run `clientlab.lessons.fork_demo` once per (when, giver), at the same time, each in a process of its
    own under the course's supervisor (ended with everything it forked at `time_limit`, or if this process
    dies); their reports, in order."""
    boxes = []
    try:
        for when, giver in scenarios:
            cmd = [sys.executable, "-m", "clientlab.lessons.fork_demo", mock.base_url, when, giver, f"{when}/{giver}"]
            boxes.append(Sandbox(cmd, time_limit=time_limit).start())
        reports = []
        for box in boxes:
            report = box.wait()
            lines = [line for line in box.output.splitlines() if line.startswith("{")]
            if report.timed_out or report.returncode != 0 or not lines:
                raise RuntimeError(f"the fork demo failed ({report}):\n{box.output[-1500:]}")
            reports.append(json.loads(lines[-1]))
        return reports
    finally:
        for box in boxes:
            box.close()
