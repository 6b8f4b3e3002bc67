"""Grader of exercise 02: a FastAPI `GET /chat` on one AsyncOpenAI, so 100 concurrent requests overlap.

The learner's app runs in its own uvicorn process against a fresh mock server. First a probe of three
requests in a row (mock latency 50 ms) checks that the endpoint works, asks the model and keeps one client
(one connection for all three). Then two waves of 100 concurrent requests (mock latency 500 ms): they must
overlap at the mock (peak of chat requests in flight, the better wave counts) and finish in about one
latency (nothing blocks the event loop), and the second wave must reuse the first wave's connections.

The waves, the loop probe and the diagnosis of a low peak are `clientlab.grading.waves`, which the doctor
(`python -m clientlab doctor`) uses too: what this grader measures is what the doctor reports.
"""

from __future__ import annotations

from urllib.parse import quote

from ..grading.app_server import AppServer, AppServerError
from ..grading.checks import hint_for
from ..grading.harness import Grading
from ..grading.learner import LearnerError
from ..grading.verdict import Verdict
from ..grading.waves import (
    CUTOFF_S,
    LATENCY_MS,
    MAX_NEW_CONNECTIONS,
    MIN_PEAK,
    SLACK_S,
    SPREAD_S,
    WAVE,
    Wave,
    answers_of,
    diagnose,
    new_connections,
    run_wave,
)
from ..mock import MockServer, answer_for

PROBE_LATENCY_MS = 50
PROBE = 3

HINT_ASYNC = (
    "In `async def chat`, await an AsyncOpenAI call: `completion = await client.chat.completions.create(...)`. "
    "The sync OpenAI client blocks the event loop while it waits, so the server handles one request at a time."
)
HINT_DEF = (
    "Make the endpoint `async def` and await AsyncOpenAI: a `def` endpoint with the sync client can never have "
    "more calls in flight than FastAPI's 40-thread pool."
)
HINT_THREADS = (
    "Your requests run on a thread pool: `asyncio.to_thread` (or run_in_executor) puts the sync client on "
    "the default executor, which has only min(32, CPUs + 4) workers. Await AsyncOpenAI instead: "
    "`await client.chat.completions.create(...)` needs no thread at all."
)
HINT_POOL = (
    "Something caps how many calls run at once: a small connection pool (max_connections in the httpx2.Limits "
    "you pass through http_client=; the SDK's default allows 1000) or a semaphore around the call. Let the "
    "100 requests reach the model together."
)
HINT_SERIAL = (
    "Your requests wait for each other without blocking the loop: a lock (or a semaphore of 1) around the call "
    "lets one through at a time. The async client is safe to share: call it without a lock."
)
HINT_BLOCKING = (
    "Find the blocking call in `chat` (time.sleep, a sync HTTP or file call, creating a client, heavy CPU work) "
    "and make it async (`await asyncio.sleep(...)`, an async library) or move it off the loop with "
    "`await asyncio.to_thread(...)`; build the client once, not per request."
)


def grade(g: Grading) -> None:
    mock = g.mock(latency_ms=PROBE_LATENCY_MS)
    try:
        server = g.serve_app(mock)
    except AppServerError as exc:
        _not_started(g.verdict, exc, g.filename)
        return
    g.check("your app started", True, f"uvicorn serves `app` from {g.filename}")
    _grade_running(g.verdict, mock, server)


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
    queries = [f"{name} question {i}" for i in range(n)]
    return run_wave(
        name,
        mock,
        server.url,
        queries,
        lambda q: f"{server.url}/chat?q={quote(q)}",
        concurrency=concurrency,
        timeout=timeout,
    )


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
                hint_for(LearnerError("exception", logged), "the exercise file")
                if logged
                else "Your endpoint raised an exception: the app's error is shown above."
            )
        return verdict.add("GET /chat answers", False, evidence, hint)
    answers = answers_of(probe)
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
    opened = len({r.conn for r in probe.chats})  # only the connections that carried chat requests count
    return verdict.add(
        "one client for every request",
        opened == 1,
        f"{PROBE} requests in a row opened {opened} connection(s) to the model"
        + ("" if opened == 1 else ": a new client per request (each client opens its own connection pool)"),
        "Create AsyncOpenAI once (module level, the lifespan, or a cached dependency) and reuse it in every "
        "request: a new client per request pays the client's setup and a new connection every time.",
    )


HINTS = {
    "sync-in-async": HINT_ASYNC,
    "serialized": HINT_SERIAL,
    "blocking": HINT_BLOCKING,
    "def-threads": HINT_DEF,
    "thread-pool": HINT_THREADS,
    "cap": HINT_POOL,
}


def _diagnose(wave: Wave) -> tuple[str, str]:
    """What the wave's peak (and the loop probe) say is holding the requests back: (evidence, hint)."""
    found = diagnose(wave)
    return found.evidence, HINTS[found.kind]


def _too_slow(verdict: Verdict, wave: Wave) -> None:
    """A wave did not finish by the cutoff: say what the mock saw."""
    why, hint = _diagnose(wave)
    serial_s = WAVE * LATENCY_MS // 1000
    verdict.add(
        "100 concurrent requests overlap",
        False,
        f"{WAVE} concurrent requests were cut off after {CUTOFF_S:.0f} s (one at a time they would need "
        f"{serial_s} s at {LATENCY_MS} ms each); {why}",
        hint,
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
    wrong = [(q, a) for w in waves for q, a in zip(w.queries, answers_of(w), strict=True) if a != answer_for(q)]
    counts = [len(w.chats) for w in waves]
    verdict.add(
        "every answer is for its own q",
        not wrong and counts == [WAVE, WAVE],
        f"{2 * WAVE} concurrent requests sent {sum(counts)} chat requests to the model; {len(wrong)} answers were "
        "not the model's answer to their own q",
        "Use only this request's q and this call's completion: no shared variables between requests.",
    )
    best = max(waves, key=lambda w: w.peak)
    if best.peak >= MIN_PEAK:
        verdict.add(
            "100 concurrent requests overlap",
            True,
            f"{WAVE} concurrent requests: {best.peak} were in flight at the mock at once",
        )
    else:
        why, hint = _diagnose(best)
        verdict.add("100 concurrent requests overlap", False, f"{WAVE} concurrent requests: {why}", hint)
    spread = min(w.spread or 0.0 for w in waves)
    per_request_ms = spread / WAVE * 1000
    verdict.add(
        "the requests reach the model together",
        spread <= SPREAD_S,
        f"in the better wave, the {WAVE} requests reached the mock within {spread:.2f} s of each other "
        f"({per_request_ms:.0f} ms of the event loop per request)"
        + ("" if spread <= SPREAD_S else ": each request blocks the event loop before its call goes out"),
        HINT_BLOCKING,
    )
    fastest = min(w.result.elapsed for w in waves)
    limit = LATENCY_MS / 1000 + SLACK_S
    if fastest < LATENCY_MS / 1000 * 0.9:
        verdict.add(
            "a wave takes about one model latency",
            False,
            f"a wave of {WAVE} finished in {fastest:.2f} s, faster than the mock's own {LATENCY_MS} ms per answer: "
            "impossible for code that waits for the model",
            "Answer every request from its own model call: no cached or precomputed answers.",
        )
    else:
        verdict.add(
            "a wave takes about one model latency",
            fastest <= limit,
            f"the faster wave of {WAVE} took {fastest:.2f} s; the mock answers in {LATENCY_MS} ms"
            + ("" if fastest <= limit else f" (allowed: {limit:.1f} s): something in `chat` blocks the event loop"),
            HINT_BLOCKING,
        )
    opened = new_connections(waves[0], waves[1])
    verdict.add(
        "the second wave reuses the connections",
        opened <= MAX_NEW_CONNECTIONS,
        f"the second wave of {WAVE} opened {opened} new connection(s) to the model"
        + ("" if opened <= MAX_NEW_CONNECTIONS else ": a new client per request"),
        "Keep one AsyncOpenAI for the app's whole life (lifespan or module level): its pool keeps the first "
        "wave's connections alive for the second.",
    )
