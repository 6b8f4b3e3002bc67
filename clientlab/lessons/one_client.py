"""Helpers for lesson 01 (one client per process): timing calls, and what the mock saw in two counts."""

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


def seen(mock: MockServer) -> str:
    """What the mock saw since its last reset, in the two counts this lesson talks about."""
    stats = mock.stats(records=False)
    return f"the mock saw {stats.requests_total} request(s); new connections opened: {stats.connections_opened}"
