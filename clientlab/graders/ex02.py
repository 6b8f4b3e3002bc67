"""Grader of exercise 02: a FastAPI `GET /chat` on one AsyncOpenAI, so 100 concurrent requests overlap.

The learner's app runs in its own uvicorn process against a fresh mock server. First a probe of three
requests in a row (mock latency 50 ms) checks that the endpoint works, asks the model and keeps one client
(one connection for all three). Then two waves of 100 concurrent requests (mock latency 500 ms): they must
overlap at the mock (peak in flight), finish in about one latency (nothing blocks the event loop), come from
the async client, and the second wave must reuse the first wave's connections.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..grading.app_server import AppServer, AppServerError
from ..grading.checks import hint_for
from ..grading.registry import get_exercise
from ..grading.verdict import Verdict
from ..load import LoadResult, run_load
from ..mock import MockServer, Stats, answer_for

LATENCY_MS = 500
PROBE_LATENCY_MS = 50
PROBE = 3
WAVE = 100
MIN_PEAK = 90  # of WAVE: the requests overlap at the mock
SLACK_S = 2.0  # a wave may take the latency plus this (the app's own work for 100 requests: 0.5-1.0 s on 2 cores)
CUTOFF_S = 3.0  # per request: a wave that cannot finish by then is stopped and diagnosed
MAX_NEW_CONNECTIONS = 10  # in the second wave, when one client (one pool) serves both

HINT_ASYNC = (
    "In `async def chat`, await an AsyncOpenAI call: `completion = await client.chat.completions.create(...)`. "
    "The sync OpenAI client blocks the event loop while it waits, so the server handles one request at a time."
)
HINT_BLOCKING = (
    "Find the blocking call in `chat` (time.sleep, a sync HTTP or file call, creating a client, heavy CPU work) "
    "and make it async (`await asyncio.sleep(...)`, an async library) or move it off the loop with "
    "`await asyncio.to_thread(...)`; build the client once, not per request."
)


@dataclass
class Wave:
    """One batch of requests and what the mock saw during it."""

    name: str
    queries: list[str]
    result: LoadResult
    stats: Stats

    @property
    def complete(self) -> bool:
        return self.result.completed == len(self.queries)

    @property
    def chats(self) -> list[Any]:
        return [r for r in self.stats.records if r.path == "/v1/chat/completions"]


def grade(path: Path) -> Verdict:
    ex = get_exercise("ex02")
    verdict = Verdict(ex.id, ex.title, path.name)
    with MockServer(latency_ms=PROBE_LATENCY_MS) as mock:
        server = AppServer(path, env=mock.env(), startup_timeout=ex.time_limit)
        try:
            server.start()
        except AppServerError as exc:
            _not_started(verdict, exc, path.name)
            return verdict
        try:
            verdict.add("your app started", True, f"uvicorn serves `app` from {path.name}")
            _grade_running(verdict, mock, server)
        finally:
            server.stop()
    return verdict


def _not_started(verdict: Verdict, exc: AppServerError, filename: str) -> None:
    error = exc.error
    if error.kind == "missing":
        hint = (
            f"Name your FastAPI application `app` at module level in {filename}: the grader serves `app`, "
            "as `uvicorn module:app` would."
        )
    elif error.kind == "startup":
        hint = "Your app's lifespan failed when the app started: fix the code before its `yield`."
    else:
        hint = hint_for(error, filename)
    verdict.add("your app started", False, error.describe(filename), hint)


def _run(name: str, mock: MockServer, server: AppServer, n: int, concurrency: int, timeout: float) -> Wave:
    mock.reset()
    queries = [f"{name} question {i}" for i in range(n)]
    result = run_load(
        server.url + "/chat",
        n=n,
        concurrency=concurrency,
        url_for=lambda i: f"{server.url}/chat?q={quote(queries[i])}",
        keep_bodies=True,
        timeout=timeout,
    )
    return Wave(name, queries, result, mock.stats())


def _answers(wave: Wave) -> list[Any]:
    """Each response's `answer` (None when the body is not JSON with an answer)."""
    out: list[Any] = []
    for body in wave.result.bodies or []:
        try:
            data = json.loads(body or b"")
        except ValueError:
            data = None
        out.append(data.get("answer") if isinstance(data, dict) else None)
    return out


def _grade_running(verdict: Verdict, mock: MockServer, server: AppServer) -> None:
    probe = _run("probe", mock, server, PROBE, 1, 10.0)
    if not _check_probe(verdict, probe, server):
        return
    mock.configure(latency_ms=LATENCY_MS)
    waves = []
    for name in ("wave-1", "wave-2"):
        wave = _run(name, mock, server, WAVE, WAVE, CUTOFF_S)
        if not wave.complete:
            _too_slow(verdict, wave)
            return
        waves.append(wave)
    _check_waves(verdict, waves)


def _check_probe(verdict: Verdict, probe: Wave, server: AppServer) -> bool:
    result = probe.result
    if not probe.complete:
        return verdict.add(
            "GET /chat answers",
            False,
            f"GET /chat?q=... got no answer within 10 s ({next(iter(result.errors), 'no response')})",
            "Your endpoint never answered: look for something it waits on forever.",
        )
    statuses = sorted(result.status_counts)
    if statuses != [200]:
        status = statuses[-1] if statuses[-1] != 200 else statuses[0]
        evidence = f"GET /chat?q=... answered HTTP {status}"
        hint = "Return the answer as a dict, {'answer': text}, from `chat`."
        if status == 404:
            hint = "Declare the endpoint with @app.get('/chat'): the app has no GET /chat route."
        elif status == 422:
            hint = "Name the query parameter `q`: `async def chat(q: str)`."
        elif status >= 500:
            logged = server.last_exception()
            if logged:
                evidence += f"; your app raised {logged}"
            hint = (
                "The stub still raises NotImplementedError: write `chat` in the exercise file."
                if logged and logged.startswith("NotImplementedError")
                else "Your endpoint raised an exception: the app's error is shown above."
            )
        return verdict.add("GET /chat answers", False, evidence, hint)
    answers = _answers(probe)
    if any(a is None for a in answers):
        return verdict.add(
            "GET /chat answers",
            False,
            f"GET /chat?q=... answered {(result.bodies or [b''])[0][:80]!r}, not JSON with an `answer`",
            "Return {'answer': text} from `chat`: FastAPI sends it as JSON.",
        )
    verdict.add("GET /chat answers", True, f"{PROBE} requests in a row got JSON with an `answer`")
    if not verdict.add(
        "it asks the model",
        len(probe.chats) == PROBE,
        f"{PROBE} requests to GET /chat sent {len(probe.chats)} chat request(s) to the model",
        "Each GET /chat must make one chat completion: await client.chat.completions.create(...) with q "
        "as the user message.",
    ):
        return False
    expected = [answer_for(q) for q in probe.queries]
    if not verdict.add(
        "it answers with the model's text",
        answers == expected,
        f"for q={probe.queries[0]!r} it answered {answers[0]!r}; the model said {expected[0]!r}",
        "Return the first choice's text unchanged: completion.choices[0].message.content, for this request's q.",
    ):
        return False
    opened = probe.stats.connections_opened
    return verdict.add(
        "one client for every request",
        opened == 1,
        f"{PROBE} requests in a row opened {opened} connection(s) to the model"
        + ("" if opened == 1 else ": a new client per request (each client opens its own connection pool)"),
        "Create AsyncOpenAI once (module level, the lifespan, or a cached dependency) and reuse it in every "
        "request: a new client per request pays the client's setup and a new connection every time.",
    )


def _too_slow(verdict: Verdict, wave: Wave) -> None:
    """A wave did not finish by the cutoff: say what the mock saw, by anti-pattern."""
    chats = wave.chats
    peak = wave.stats.peak_in_flight
    sync = any(r.is_async is False for r in chats)
    serial_s = WAVE * LATENCY_MS // 1000
    cut = f"cut off after {CUTOFF_S:.0f} s; at {LATENCY_MS} ms each, one at a time they would need {serial_s} s"
    if sync and peak <= 1:
        verdict.add(
            "100 concurrent requests overlap",
            False,
            f"{WAVE} requests reached the mock one at a time (peak 1 in flight): a sync client is blocking the "
            f"event loop in `async def chat` ({cut})",
            HINT_ASYNC,
        )
    elif sync:
        verdict.add(
            "100 concurrent requests overlap",
            False,
            f"{WAVE} concurrent requests did not finish within {CUTOFF_S:.0f} s; the sync OpenAI client sent "
            "them, so each call holds a thread or blocks the event loop",
            HINT_ASYNC,
        )
    else:
        verdict.add(
            "100 concurrent requests overlap",
            False,
            f"{WAVE} concurrent requests did not finish within {CUTOFF_S:.0f} s although the mock answers in "
            f"{LATENCY_MS} ms: something in `chat` blocks the event loop",
            HINT_BLOCKING,
        )


def _check_waves(verdict: Verdict, waves: list[Wave]) -> None:
    bad_status = {s: c for w in waves for s, c in w.result.status_counts.items() if s != 200}
    if bad_status:
        verdict.add(
            "100 concurrent requests are answered",
            False,
            f"under {WAVE} concurrent requests your app answered HTTP {min(bad_status)}",
            "Your endpoint fails under concurrency: look for shared state changed by concurrent requests.",
        )
        return
    wrong = [(q, a) for w in waves for q, a in zip(w.queries, _answers(w), strict=True) if a != answer_for(q)]
    counts = [len(w.chats) for w in waves]
    verdict.add(
        "every answer is for its own q",
        not wrong and counts == [WAVE, WAVE],
        f"{2 * WAVE} concurrent requests sent {sum(counts)} chat requests to the model; {len(wrong)} answers were "
        "not the model's answer to their own q",
        "Use only this request's q and this call's completion: no shared variables between requests.",
    )
    chats = [r for w in waves for r in w.chats]
    sync = sum(r.is_async is False for r in chats)
    peak = min(w.stats.peak_in_flight for w in waves)
    if sync:
        thread_cap = 35 <= peak <= 40
        verdict.add(
            "it uses AsyncOpenAI",
            False,
            f"{sync} of {len(chats)} chat requests came from the sync OpenAI client"
            + (f" (peak {peak} in flight: a `def` endpoint runs in FastAPI's 40-thread pool)" if thread_cap else ""),
            "Make the endpoint `async def` and await AsyncOpenAI: a `def` endpoint with the sync client can never "
            "have more calls in flight than the 40-thread pool."
            if thread_cap
            else HINT_ASYNC,
        )
    else:
        verdict.add("it uses AsyncOpenAI", True, f"all {len(chats)} chat requests came from the async client")
    capped = sync and 35 <= peak <= 40
    verdict.add(
        "100 concurrent requests overlap",
        peak >= MIN_PEAK,
        f"{WAVE} concurrent requests: at most {peak} were in flight at the mock at once"
        + (" (the 40-thread pool of a `def` endpoint)" if capped else ""),
        "Serve every request on the event loop with `async def` and AsyncOpenAI: a `def` endpoint waits for one of "
        "FastAPI's 40-thread pool."
        if capped
        else HINT_ASYNC
        if sync
        else HINT_BLOCKING,
    )
    fastest = min(w.result.elapsed for w in waves)
    limit = LATENCY_MS / 1000 + SLACK_S
    verdict.add(
        "a wave takes about one model latency",
        fastest <= limit,
        f"the faster wave of {WAVE} took {fastest:.2f} s; the mock answers in {LATENCY_MS} ms"
        + ("" if fastest <= limit else f" (allowed: {limit:.1f} s): something in `chat` blocks the event loop"),
        HINT_BLOCKING,
    )
    opened = waves[1].stats.connections_opened
    verdict.add(
        "the second wave reuses the connections",
        opened <= MAX_NEW_CONNECTIONS,
        f"the second wave of {WAVE} opened {opened} new connection(s) to the model"
        + ("" if opened <= MAX_NEW_CONNECTIONS else ": a new client per request"),
        "Keep one AsyncOpenAI for the app's whole life (lifespan or module level): its pool keeps the first "
        "wave's connections alive for the second.",
    )
