"""Waves of concurrent requests to an app, measured at the mock: shared by the ex02 grader and the doctor.

A wave sends N requests at once to an app served against the mock (`clientlab.load.run_load`), while a
loop probe asks the app for a page it does not have half a model latency in. The mock's records then say
how many model calls were in flight at once (the peak), how far apart they reached the model (the
spread), which connections carried them (reuse across waves), and whether the client was sync. The
peak tells the anti-patterns apart, each far below a right answer's ~100: a blocking call on the event
loop gives 1, `asyncio.to_thread` around the sync client the default executor's size (6 on 2 cores), a
`def` endpoint FastAPI's 40 threads, a small `limits=` on the client its pool size, a lock 1 with the
loop free. MIN_PEAK sits between those and 100.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..load import LoadResult, run_load
from ..mock import MockServer, Record, Stats, peak_in_flight
from .checks import model_records

CHAT = "/v1/chat/completions"

LATENCY_MS = 500
WAVE = 100
MIN_PEAK = 60  # of WAVE, in the better wave: measured 97-100 for right answers with 4 CPU burners
SLACK_S = 4.0  # a wave may take the latency plus this: measured 0.9 s quiet, up to 2.8 s with 4 CPU burners
CUTOFF_S = 6.0  # per request: a wave that cannot finish by then is stopped and diagnosed
SPREAD_S = 1.5  # first to last arrival at the mock: 0.6-0.9 s with 4 CPU burners; 20 ms of blocking each: 2.6 s
LOOP_FREE_S = 1.0  # a 404 mid-wave behind a lock: 10-500 ms (4 CPU burners); behind blocking calls: seconds
MAX_NEW_CONNECTIONS = 10  # in the second wave, when one client (one pool) serves both
DEF_THREADS = 40  # anyio's default thread limiter, which runs FastAPI's `def` endpoints
LOOP_PROBE_PATH = "/__clientlab_loop_probe"


@dataclass
class Wave:
    """One batch of requests and what the mock saw during it."""

    name: str
    queries: list[str]
    result: LoadResult
    stats: Stats
    loop_lag: float | None = None  # seconds the app took to answer a 404 mid-wave (None: no answer)
    paths: tuple[str, ...] = (CHAT,)  # the model endpoints whose records count
    open_before: frozenset[int] = frozenset()  # connections the mock held open when the wave began

    @property
    def complete(self) -> bool:
        return self.result.completed == len(self.queries)

    @property
    def chats(self) -> list[Record]:
        return model_records(self.stats.records, self.paths)

    @property
    def peak(self) -> int:
        """Model requests in flight at once (other endpoints the app may call do not count)."""
        return peak_in_flight(self.chats)

    @property
    def connections(self) -> set[int | None]:
        """The connections that carried this wave's model requests."""
        return {r.conn for r in self.chats}

    @property
    def spread(self) -> float | None:
        """Seconds from the first model request's arrival to the last's (None: none arrived)."""
        starts = [r.start for r in self.chats]
        return max(starts) - min(starts) if starts else None

    @property
    def sync(self) -> bool:
        """Whether the sync client sent any of the wave's requests (openai-python's x-stainless-async)."""
        return any(r.is_async is False for r in self.chats)


def run_wave(
    name: str,
    mock: MockServer,
    app_url: str,
    queries: list[str],
    url_for: Callable[[str], str],
    *,
    concurrency: int,
    timeout: float,
    latency_ms: int = LATENCY_MS,
    paths: tuple[str, ...] = (CHAT,),
    settle: float = 0.0,
) -> Wave:
    """Reset the mock, send one request per query (`url_for(query)`), `concurrency` at a time, and keep what
    the mock saw; with concurrency, a loop probe runs half a model latency in. With `settle`, wait up to that
    long for the model calls still open to end (a call the client gave up on is recorded when the mock sees
    the hang-up)."""
    mock.reset()
    open_before = frozenset(c["id"] for c in mock.stats().connections if c.get("open"))
    lag = LoopProbe(app_url, latency_ms / 2000) if concurrency > 1 else None
    result = run_load(
        app_url,
        n=len(queries),
        concurrency=concurrency,
        url_for=lambda i: url_for(queries[i]),
        keep_bodies=True,
        timeout=timeout,
    )
    stats = mock.settled_stats(settle) if settle else mock.stats()
    return Wave(name, queries, result, stats, lag.result() if lag else None, paths, open_before)


class LoopProbe:
    """Half a model latency into a wave, ask the app for a page it does not have: FastAPI answers 404 at once
    if its event loop is free (requests wait on the model or on the client's pool), late if something blocks
    the loop. Run in a thread beside the wave."""

    def __init__(self, url: str, delay: float) -> None:
        self.seconds: float | None = None
        self._thread = threading.Thread(target=self._probe, args=(url, delay), daemon=True)
        self._thread.start()

    def _probe(self, url: str, delay: float) -> None:
        time.sleep(delay)
        started = time.monotonic()
        try:
            urllib.request.urlopen(url + LOOP_PROBE_PATH, timeout=CUTOFF_S)
        except urllib.error.HTTPError:
            pass  # the 404 is the answer
        except OSError:
            return
        self.seconds = time.monotonic() - started

    def result(self) -> float | None:
        self._thread.join(CUTOFF_S + 1)
        return self.seconds


def answers_of(wave: Wave) -> list[Any]:
    """Each response's `answer` (None when the body is not JSON with an answer)."""
    out: list[Any] = []
    for body in wave.result.bodies or []:
        try:
            data = json.loads(body or b"")
        except ValueError:
            data = None
        out.append(data.get("answer") if isinstance(data, dict) else None)
    return out


def new_connections(first: Wave, second: Wave) -> int:
    """Connections the second wave opened that the first had not used."""
    return len(second.connections - first.connections)


def closed_between(first: Wave, second: Wave) -> int:
    """Connections the first wave used that the client had closed before the second began (the mock keeps idle
    connections 75 s, so only the client closes them: keep-alive below the pool's limit, or a client closed)."""
    return len({c for c in first.connections if c is not None} - second.open_before)


@dataclass(frozen=True)
class Diagnosis:
    """What holds a wave's requests back, in the course's terms: `kind` (one of KINDS), the peak, evidence."""

    kind: str
    peak: int
    evidence: str


KINDS = {
    "sync-in-async": "the sync client blocks the event loop in an `async def` endpoint",
    "serialized": "the requests wait for each other (a lock) while the loop stays free",
    "blocking": "a blocking call holds the event loop",
    "def-threads": "a `def` endpoint runs in FastAPI's 40-thread pool",
    "thread-pool": "the sync client runs in a small thread pool",
    "cap": "something lets only a few requests through at once (a small connection pool, a semaphore)",
}


def diagnose(wave: Wave) -> Diagnosis:
    """What the wave's peak (and the loop probe) say is holding the requests back."""
    peak = wave.peak
    lag = wave.loop_lag
    loop_free = lag is not None and lag <= LOOP_FREE_S
    probe = "no answer" if lag is None else f"{lag * 1000:.0f} ms"
    if peak <= 1 and wave.sync:
        evidence = "one at a time (peak 1 in flight): the sync OpenAI client blocks the event loop in `async def chat`"
        return Diagnosis("sync-in-async", peak, evidence)
    if peak <= 1 and loop_free:
        evidence = (
            f"one at a time (peak 1 in flight) while the event loop stayed free (a 404 mid-wave took {probe}): "
            "the requests wait for each other"
        )
        return Diagnosis("serialized", peak, evidence)
    if peak <= 1:
        return Diagnosis(
            "blocking", peak, f"one at a time (peak 1 in flight; a 404 mid-wave took {probe}): a blocking call"
        )
    if wave.sync and DEF_THREADS - 5 <= peak <= DEF_THREADS:
        return Diagnosis(
            "def-threads", peak, f"at most {peak} in flight: a `def` endpoint runs in FastAPI's 40-thread pool"
        )
    if wave.sync:
        evidence = f"at most {peak} in flight, the size of a thread pool: the sync client runs in threads"
        return Diagnosis("thread-pool", peak, evidence)
    # With the async client, blocking calls still let the requests pile up at the mock (each task blocks, then
    # sends), so a low plateau is a cap: a small pool, or a semaphore.
    return Diagnosis("cap", peak, f"at most {peak} in flight: something lets only {peak} through at once")
