"""Helpers for lesson 01 (one client per process): timing calls and waiting for the mock to see a close."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from ..mock import MockServer


def time_calls(call: Callable[[str], object], n: int) -> list[float]:
    """Make `n` calls of `call(question)` one after another; milliseconds each took."""
    times = []
    for i in range(n):
        started = time.perf_counter()
        call(f"question {i + 1}")
        times.append((time.perf_counter() - started) * 1000)
    return times


def median_ms(values: list[float]) -> float:
    """The median of a list of milliseconds."""
    return statistics.median(values)


def open_connections(mock: MockServer, expect: int, wait: float = 3.0) -> int:
    """The mock's count of open connections, once it equals `expect` (a closed socket takes the server a
    moment to notice) or after `wait` seconds, whichever comes first."""
    deadline = time.monotonic() + wait
    while True:
        now_open = mock.stats(records=False).connections_open
        if now_open == expect or time.monotonic() > deadline:
            return now_open
        time.sleep(0.02)


def seen(mock: MockServer) -> str:
    """What the mock saw since its last reset, in the two counts this lesson talks about."""
    stats = mock.stats(records=False)
    return f"the mock saw {stats.requests_total} request(s); new connections opened: {stats.connections_opened}"
