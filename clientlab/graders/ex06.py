"""Grader of exercise 06: a FastAPI service that owns its AsyncOpenAI (lifespan) and splits a connection budget.

Two scenarios against one mock server, which tells the requests apart by their prompts:

- In one learner process (env WEB_CONCURRENCY=3, CLIENTLAB_BUDGET=14: a share of 4), the app in FastAPI's
  TestClient twice, as a test suite runs it. Session 1: three requests in a row (one connection: one
  client), one redirected and one answered 503 first (the SDK's own HTTP client follows and retries), two
  bursts of 8 (peak 4 at the mock; the second burst reuses the first's connections); session 2: one
  request (a client made at import time is bound to session 1's closed loop). After each session the course
  sends a marker request: every connection the session used must have closed before the mock saw it.
- The app served by uvicorn as two worker processes (WEB_CONCURRENCY=2, CLIENTLAB_BUDGET=5: a share of 2),
  each on a port of its own, so the grader, not the kernel, decides where the load goes: 6 requests at once to
  each (peak 2 per worker), then a graceful stop that holds the processes alive: each worker's connections must
  be closed by its lifespan's shutdown, not by the process's exit.

Two different shares (4 and 2) catch a limit that does not follow the environment, including one computed
from the grading machine's CPU count.
"""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..grading.app_server import AppServer, AppServerError, Shutdown
from ..grading.checks import hint_for, model_records
from ..grading.harness import Grading
from ..grading.learner import Call, LearnerError, Outcome, Ref
from ..mock import MockServer, Record, answer_for, peak_in_flight
from ..mock.stats import Stats

PROBES = "clientlab.graders.probes:"
CHAT = "/v1/chat/completions"
SDK_TIMEOUT = 600.0
LATENCY_MS = 250  # for the bursts and the workers' wave: every request overlaps the others
# Budgets that do not divide evenly: rounding up or to the nearest, or a float share, overshoots.
IN_PROCESS = {"WEB_CONCURRENCY": "3", "CLIENTLAB_BUDGET": "14"}  # a share of 4
WORKERS = {"WEB_CONCURRENCY": "2", "CLIENTLAB_BUDGET": "5"}  # a share of 2
BURST = 8
WAVE = 6  # requests sent at once to each worker
# Worker processes started. Each costs a grade about 1.4 s of CPU (measured: the proofs took 65 s of CPU with 2,
# 40 s with 1), and a second one fails no answer the first lets through: it runs the same code, same environment.
SERVED = 2
SHUTDOWN_S = 5.0  # a lifespan's shutdown that takes longer is reported as hanging
SESSION_TIME_LIMIT = 20.0

SEQUENTIAL = [f"Session 1, question {i}: what does a lifespan own?" for i in (1, 2, 3)]
MOVED = "Session 1, redirected: where did the model go?"
FLAKY = "Session 1, flaky: is the model there?"
BURST_A = [f"Burst A, question {i}: how many connections may I open?" for i in range(1, BURST + 1)]
BURST_B = [f"Burst B, question {i}: how many connections may I open?" for i in range(1, BURST + 1)]
# Session 2 sends a burst too (slow, like the others): what the app made in session 1's loop and still uses,
# such as an asyncio.Semaphore made at import, fails once requests wait on it.
SECOND = [f"Session 2, Burst C, question {i}: is the client still usable?" for i in range(1, BURST + 1)]
MARKERS = ("Marker after session 1", "Marker after session 2")


def _worker_queries(name: str) -> list[str]:
    return [f"Worker {name}, question {i}: what is my share of the budget?" for i in range(1, WAVE + 1)]


def _share(env: dict[str, str]) -> int:
    return max(1, int(env["CLIENTLAB_BUDGET"]) // int(env["WEB_CONCURRENCY"]))


def rules() -> list[dict[str, object]]:
    slow = {"latency_ms": LATENCY_MS}
    return [
        {"match": MOVED, "attempts": [0], "behaviour": {"redirect": True}},
        {"match": FLAKY, "attempts": [0], "behaviour": {"status": 503, "retry_after_ms": "20"}},
        {"match": "Burst ", "behaviour": slow},
        {"match": "Worker ", "behaviour": slow},
    ]


HINT_EVENT_LOOP = (
    "A client created at import time (or cached across app starts) belongs to the event loop of the first "
    "session; each `with TestClient(app)` (each asyncio.run) has a loop of its own. Create the AsyncOpenAI in the "
    "app's lifespan, so every start of the app gets a client on its own loop: `async with AsyncOpenAI(...) as "
    "client: app.state.client = client; yield`."
)
HINT_CLOSE = (
    "Close the client when the app stops: after the lifespan's `yield`, `await client.close()` (or wrap the yield "
    "in `async with AsyncOpenAI(...) as client:`). An AsyncOpenAI that is only dropped keeps its connections "
    "open until the garbage collector finds it."
)
HINT_PER_REQUEST = (
    "Create the client once per worker, in the lifespan, and reuse it in every request "
    "(request.app.state.client): a client per request opens a new pool and a new connection every time, and "
    "none of them counts against the budget."
)
HINT_DEFAULTS = (
    "Pass the limits through the SDK's own HTTP client, openai.DefaultAsyncHttpx2Client(limits=...): a plain "
    "httpx2.AsyncClient drops the SDK's settings (it follows no redirects), and timeout= or max_retries= of your "
    "own replace the SDK's 600 s and 2 retries."
)

HINT_HANGS = (
    "The code after the lifespan's `yield` never finishes: close the client (`await client.close()`), and cancel "
    "any task you started before awaiting it (`task.cancel()`), so that the app can stop."
)


@dataclass(frozen=True)
class Worker:
    """One uvicorn worker of the second scenario, and what the mock saw of it."""

    name: str
    records: list[Record]
    statuses: list[int | str]
    shutdown: Shutdown | None = None
    open_after: int = 0

    @property
    def peak(self) -> int:
        return peak_in_flight(self.records)

    @property
    def connections(self) -> set[int]:
        return {r.conn for r in self.records if r.conn is not None}


def grade(g: Grading) -> None:
    mock = g.mock(rules=rules())
    servers = _launch_workers(g, mock)  # they start while the TestClient sessions run
    outcome = _run_sessions(g, mock)
    stats = mock.stats()
    hung = _shutdown_hung(outcome)
    if not hung and not g.ran(outcome, {"no `app`": "Name your FastAPI application `app` at module level."}):
        return
    records = model_records(stats.records, (CHAT,))
    if not _check_answers(g, outcome):
        return
    if not hung:
        _check_second_session(g, outcome.results[6])
    burst_a = [r for r in records if (r.prompt or "") in BURST_A]
    burst_b = [r for r in records if (r.prompt or "") in BURST_B]
    capped = max(peak_in_flight(burst_a), peak_in_flight(burst_b)) <= _share(IN_PROCESS)
    _check_one_client(g, [r for r in records if r.prompt in SEQUENTIAL], capped)
    _check_defaults(g, outcome.results[1], [r for r in records if r.prompt not in MARKERS])
    _check_sessions_close(g, stats, records, outcome, hung)
    workers = _run_workers(g, mock, servers)
    if workers is None:
        return
    _check_budget(g, peak_in_flight(burst_a), peak_in_flight(burst_b), workers)
    _check_kept_alive(g, burst_a, burst_b)
    _check_stopped(g, workers)


# -- scenario 1: two TestClient sessions in one process ---------------------------------------------------------
def _run_sessions(g: Grading, mock: MockServer) -> Outcome:
    module = g.path.stem
    calls = [
        Call(PROBES + "open_session", [module]),
        Call(PROBES + "ask", [Ref(0), [*SEQUENTIAL, MOVED, FLAKY]]),
        Call(PROBES + "ask", [Ref(0), BURST_A, True]),
        Call(PROBES + "ask", [Ref(0), BURST_B, True]),
        Call(PROBES + "close_session", [Ref(0), MARKERS[0], SHUTDOWN_S]),
        Call(PROBES + "open_session", [module]),
        Call(PROBES + "ask", [Ref(5), SECOND, True]),
        Call(PROBES + "close_session", [Ref(5), MARKERS[1], SHUTDOWN_S]),
    ]
    # the collector held off: a client the app leaves open stays open until the process ends
    return g.run_calls(calls, mock, time_limit=SESSION_TIME_LIMIT, hold_gc=True, env=IN_PROCESS)


def _shutdown_hung(outcome: Outcome) -> bool:
    """Leaving a `with TestClient(app)` block did not finish in time: the lifespan's shutdown hung (the probe
    then ends the process, so the rest of the script never runs)."""
    return any(isinstance(r := outcome.returned.get(i), dict) and r.get("hung") for i in (4, 7))


def _failure(result: dict[str, Any], query: str) -> str | None:
    """What went wrong with one GET /chat, in words (None: it answered the model's text)."""
    if "error" in result:
        return f"your app raised {result['error']}"
    if result.get("status") != 200:
        return f"it answered HTTP {result.get('status')}"
    if result.get("answer") is None:
        return "it answered JSON without an `answer` text"
    if result["answer"] != answer_for(query):
        return f"it answered {result['answer'][:60]!r}; the model said {answer_for(query)!r}"
    return None


def _hint_for_error(text: str, filename: str) -> str:
    if "Event loop is closed" in text:
        return HINT_EVENT_LOOP
    if "bound to a different event loop" in text:
        return (
            "An asyncio object made at import time (a Semaphore, a Lock, a client) belongs to the first event loop "
            "that waits on it; each `with TestClient(app)` runs a loop of its own. Make it in the lifespan, next to "
            "the client, or cap the connections in the client's pool instead (lesson 03)."
        )
    if "app.state" in text or "'State' object has no attribute" in text:
        return (
            "The endpoint looked for the client where the lifespan did not put it: store it in the lifespan "
            "(app.state.client = client) and read it from request.app.state.client."
        )
    return hint_for(LearnerError("exception", text), filename)


def _check_answers(g: Grading, outcome: Outcome) -> bool:
    """Session 1's ordinary requests: three in a row, then the bursts (the redirect and the 503 are judged apart)."""
    results = outcome.results
    asked = [*zip(SEQUENTIAL, results[1][:3], strict=True), *zip(BURST_A, results[2], strict=True)]
    asked += list(zip(BURST_B, results[3], strict=True))
    failed = [(q, why) for q, r in asked if (why := _failure(r, q))]
    if not failed:
        return g.check(
            "GET /chat answers",
            True,
            f"{len(asked)} requests in the first TestClient session got the model's answer as {{'answer': text}}",
        )
    query, why = failed[0]
    evidence = f"{len(failed)} of {len(asked)} requests failed; GET /chat?q={query[:30]!r}...: {why}"
    error = next((r["error"] for q, r in asked if q == query and "error" in r), None)
    if error:
        hint = _hint_for_error(error, g.filename)
    elif "HTTP 404" in why:
        hint = "Declare the endpoint with @app.get('/chat'): the app has no GET /chat route."
    elif "HTTP 422" in why:
        hint = "Name the query parameter `q`: `async def chat(q: str, request: Request)`."
    else:
        hint = "Return {'answer': text} from `chat`, text being completion.choices[0].message.content for this q."
    return g.check("GET /chat answers", False, evidence, hint)


def _check_second_session(g: Grading, results: list[dict[str, Any]]) -> None:
    failures = [
        (why, result) for result, query in zip(results, SECOND, strict=False) if (why := _failure(result, query))
    ]
    if not failures and len(results) == len(SECOND):
        g.check(
            "the app works in a second TestClient session",
            True,
            f"a second `with TestClient(app)` in the same process answered too ({len(SECOND)} requests at once)",
        )
        return
    why, first = failures[0] if failures else ("not every request got an answer", {})
    error = first.get("error", "")
    g.check(
        "the app works in a second TestClient session",
        False,
        f"the first `with TestClient(app)` block worked; in a second one in the same process, {len(failures)} of "
        f"{len(SECOND)} requests at once failed: {why}",
        _hint_for_error(error, g.filename) if error else "Each start of the app must make the endpoint work again.",
    )


def _check_one_client(g: Grading, records: list[Record], capped: bool) -> None:
    """One connection for requests in a row; several, with the bursts still held to one pool's cap, is one client
    whose pool keeps no idle connection (told by the keep-alive check), not a client per request."""
    opened = len({r.conn for r in records})
    seen = f"{len(SEQUENTIAL)} requests in a row opened {opened} connection(s) to the model"
    if opened > 1 and capped:
        seen += ", but the bursts stayed within one pool's cap: one client, whose pool does not keep its connections"
    elif opened > 1:
        seen += ": a new client (a new pool) per request"
    g.check("one client per worker", opened == 1 or capped, seen, HINT_PER_REQUEST)


def _check_defaults(g: Grading, results: list[dict[str, Any]], records: list[Record]) -> None:
    """The SDK's own HTTP client, as the wire shows it: the read timeout it announces, a redirect followed, a 503
    retried (a plain httpx2 client loses the redirects; a max_retries or timeout of your own shows up here)."""
    moved, flaky = results[3], results[4]
    problems = []
    if _failure(moved, MOVED):
        problems.append(f"a request answered with a 307 redirect failed ({_failure(moved, MOVED)})")
    if _failure(flaky, FLAKY):
        problems.append(f"a request answered 503 once failed ({_failure(flaky, FLAKY)})")
    timeouts = sorted({r.read_timeout for r in records}, key=lambda t: (t is None, t or 0.0))
    if timeouts != [SDK_TIMEOUT]:
        shown = ", ".join("none" if t is None else f"{t:g} s" for t in timeouts)
        problems.append(f"requests carried a read timeout of {shown}, not the SDK's 600 s")
    g.check(
        "the SDK's defaults are kept",
        not problems,
        "; ".join(problems) or "a redirect was followed, a 503 retried, and every request carried the SDK's 600 s",
        HINT_DEFAULTS,
    )


def _closed_by(stats: Stats, conns: set[int], moment: float) -> list[int]:
    """The connections among `conns` that were still open at `moment` (the mock's clock)."""
    log = {c["id"]: c for c in stats.connections}
    left = []
    for conn in sorted(conns):
        closed = log.get(conn, {}).get("closed")
        if closed is None or closed > moment:
            left.append(conn)
    return left


def _check_sessions_close(g: Grading, stats: Stats, records: list[Record], outcome: Outcome, hung: bool) -> None:
    if hung:
        g.check(
            "the lifespan closes the client",
            False,
            f"leaving `with TestClient(app)` ran your lifespan's shutdown, which had not finished after "
            f"{SHUTDOWN_S:g} s",
            HINT_HANGS,
        )
        return
    raised = next((r["raised"] for r in (outcome.results[4], outcome.results[7]) if r["raised"]), None)
    if raised:
        g.check(
            "the lifespan closes the client",
            False,
            f"leaving `with TestClient(app)` ran your lifespan's shutdown, which raised {raised}",
            "Fix the code after the lifespan's `yield`: close the client you created, once (`await client.close()`).",
        )
        return
    marks = {r.prompt: r.start for r in records if r.prompt in MARKERS}
    session_1 = {r.conn for r in records if (r.prompt or "").startswith(("Session 1", "Burst"))}
    session_2 = {r.conn for r in records if (r.prompt or "").startswith("Session 2")}
    left_1 = _closed_by(stats, {c for c in session_1 if c is not None}, marks.get(MARKERS[0], 0.0))
    left_2 = _closed_by(stats, {c for c in session_2 if c is not None}, marks.get(MARKERS[1], 0.0))
    if not left_1 and not left_2:
        g.check(
            "the lifespan closes the client",
            True,
            f"after each `with TestClient(app)` block, its {len(session_1)} and {len(session_2)} connection(s) to "
            "the model were closed",
        )
        return
    which = "first" if left_1 else "second"
    g.check(
        "the lifespan closes the client",
        False,
        f"after the {which} `with TestClient(app)` block ended, {len(left_1 or left_2)} of its connection(s) to the "
        "model were still open: the app's shutdown did not close its client",
        HINT_CLOSE,
    )


# -- scenario 2: two uvicorn workers, then a graceful stop -----------------------------------------------------
def _launch_workers(g: Grading, mock: MockServer) -> list[AppServer]:
    """Start the workers' processes (each its own uvicorn, as `uvicorn --workers 2` spawns them)."""
    return g.launch_apps(mock, SERVED, WORKERS, hold=True)


def _run_workers(g: Grading, mock: MockServer, servers: list[AppServer]) -> list[Worker] | None:
    try:
        for server in servers:
            server.wait_ready()
    except AppServerError as exc:
        g.check(
            "the uvicorn workers serve and stop cleanly",
            False,
            f"as one of {SERVED} uvicorn workers (WEB_CONCURRENCY=2): {exc.error.describe(g.filename)}",
            "Your app starts in TestClient but not under uvicorn: read the error above.",
        )
        return None
    names = "ABCD"[: len(servers)]
    queries = {name: _worker_queries(name) for name in names}
    jobs = [(server, q) for server, name in zip(servers, names, strict=True) for q in queries[name]]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        statuses = list(pool.map(lambda job: _get(job[0], job[1]), jobs))
    with ThreadPoolExecutor(max_workers=len(servers)) as pool:
        stops = list(pool.map(lambda s: s.shutdown(SHUTDOWN_S), servers))
    records = model_records(mock.stats().records, (CHAT,))
    workers = []
    for i, name in enumerate(names):
        mine = [r for r in records if (r.prompt or "") in queries[name]]
        workers.append(Worker(name, mine, statuses[i * WAVE : (i + 1) * WAVE], stops[i]))
    return _count_open(mock, workers)


def _get(server: AppServer, query: str) -> int | str:
    try:
        with urllib.request.urlopen(f"{server.url}/chat?q={quote(query)}", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError as exc:
        return type(exc).__name__


def _count_open(mock: MockServer, workers: list[Worker]) -> list[Worker]:
    """Each worker's connections still open after its shutdown (a close takes a moment to reach the mock)."""
    deadline = time.monotonic() + 1.0
    while True:
        stats = mock.stats()  # the connection log comes with the records
        counted = [
            Worker(w.name, w.records, w.statuses, w.shutdown, len(_closed_by(stats, w.connections, float("inf"))))
            for w in workers
        ]
        if all(w.open_after == 0 for w in counted) or time.monotonic() > deadline:
            return counted
        time.sleep(0.05)


def _check_budget(g: Grading, peak_a: int, peak_b: int, workers: list[Worker]) -> None:
    share_1, share_2 = _share(IN_PROCESS), _share(WORKERS)
    peaks = [w.peak for w in workers]
    in_process = max(peak_a, peak_b)
    seen = (
        f"with WEB_CONCURRENCY={IN_PROCESS['WEB_CONCURRENCY']} and CLIENTLAB_BUDGET={IN_PROCESS['CLIENTLAB_BUDGET']}, "
        f"bursts of {BURST} had {in_process} in flight at once (share: {share_1}); as {len(workers)} uvicorn workers "
        f"with WEB_CONCURRENCY={WORKERS['WEB_CONCURRENCY']} and a budget of {WORKERS['CLIENTLAB_BUDGET']}, {WAVE} "
        f"requests at once to each had {_and(peaks)} in flight (share: {share_2})"
    )
    if in_process == share_1 and all(p == share_2 for p in peaks):
        g.check("each worker keeps to its share of the budget", True, seen)
        return
    cpus = os.cpu_count() or 1
    budget_1, budget_2 = int(IN_PROCESS["CLIENTLAB_BUDGET"]), int(WORKERS["CLIENTLAB_BUDGET"])
    if max(peaks) > budget_2:
        why = ": nothing capped the connections"
        hint = (
            "Give the client a pool capped at the worker's share: AsyncOpenAI(http_client="
            "openai.DefaultAsyncHttpx2Client(limits=httpx2.Limits(max_connections=k, max_keepalive_connections=k)))."
        )
    elif _rounded_up(in_process, IN_PROCESS) and all(_rounded_up(p, WORKERS) for p in peaks):
        why = ": the share was rounded up, so all the workers together open more than the budget"
        hint = (
            "Round the share down: max(1, CLIENTLAB_BUDGET // WEB_CONCURRENCY) (integer division), so that every "
            "worker's pool together stays within the budget."
        )
    elif _fits(in_process, max(1, budget_1 // cpus), share_1, BURST) and _fits(
        max(peaks), max(1, budget_2 // cpus), share_2, WAVE
    ):
        why = f": the share follows this machine's {cpus} CPU(s), not the number of workers"
        hint = (
            "Read the number of workers from WEB_CONCURRENCY (uvicorn's own variable), not os.cpu_count(): the "
            "service may run fewer or more workers than CPUs."
        )
    elif max(peaks) > share_2 and in_process > share_1:
        why = ": each worker used the whole budget, so the service uses it once per worker"
        hint = (
            "Divide the budget by the number of workers: max_connections = max(1, CLIENTLAB_BUDGET // "
            "WEB_CONCURRENCY), in every worker, so that all workers together stay within CLIENTLAB_BUDGET."
        )
    else:
        why = ": the limit does not follow the environment"
        hint = (
            "Compute the share from the environment in every worker, max(1, int(CLIENTLAB_BUDGET) // "
            "int(WEB_CONCURRENCY)), not a fixed number."
        )
    g.check("each worker keeps to its share of the budget", False, seen + why, hint)


def _rounded_up(peak: int, env: dict[str, str]) -> bool:
    """Whether a peak is what a share rounded up (or to the nearest, or left a float) gives: at least the share,
    at most the budget divided and rounded up, above the share in one scenario at least (checked by the caller
    through `all`, after the exact match has been ruled out)."""
    budget, workers = int(env["CLIENTLAB_BUDGET"]), int(env["WEB_CONCURRENCY"])
    return _share(env) <= peak <= -(-budget // workers)


def _and(counts: list[int]) -> str:
    return " and ".join(str(c) for c in counts)


def _fits(peak: int, limit: int, share: int, sent: int) -> bool:
    """Whether a peak is what a pool of `limit` gives `sent` requests at once (a peak above the share but below
    the limit also fits: on a loaded machine, fewer requests may overlap)."""
    return peak == min(limit, sent) or share < peak <= limit


def _check_kept_alive(g: Grading, burst_a: list[Record], burst_b: list[Record]) -> None:
    first = {r.conn for r in burst_a}
    fresh = {r.conn for r in burst_b} - first
    g.check(
        "connections are kept alive between bursts",
        not fresh,
        f"the first burst opened {len(first)} connection(s); the second opened {len(fresh)} new one(s)",
        "Keep every connection of the share alive: max_keepalive_connections equal to max_connections, and one "
        "client for the worker's whole life.",
    )


def _check_stopped(g: Grading, workers: list[Worker]) -> None:
    hung = [w for w in workers if w.shutdown is not None and not w.shutdown.finished]
    failed = [w for w in workers if w.shutdown is not None and w.shutdown.error is not None]
    bad_status = [s for w in workers for s in w.statuses if s != 200]
    if bad_status:
        g.check(
            "the uvicorn workers serve and stop cleanly",
            False,
            f"served by uvicorn, GET /chat answered {bad_status[0]} ({len(bad_status)} of "
            f"{WAVE * len(workers)} requests)",
            "Your app works in TestClient but not under uvicorn: look at what differs (the environment is read "
            "where?).",
        )
    elif hung:
        g.check(
            "the uvicorn workers serve and stop cleanly",
            False,
            f"after SIGTERM, your lifespan's shutdown had not finished within {SHUTDOWN_S:g} s",
            HINT_HANGS,
        )
    elif failed:
        error = failed[0].shutdown.error if failed[0].shutdown else None
        g.check(
            "the uvicorn workers serve and stop cleanly",
            False,
            f"after SIGTERM, your lifespan's shutdown raised {error.message if error else 'an error'}",
            "Fix the code after the lifespan's `yield`: close the client you created, once (`await client.close()`).",
        )
    else:
        left = [w.open_after for w in workers]
        g.check(
            "the uvicorn workers serve and stop cleanly",
            not any(left),
            f"after a graceful stop (the process still alive), the workers had {_and(left)} connection(s) to the "
            "model still open",
            HINT_CLOSE,
        )
