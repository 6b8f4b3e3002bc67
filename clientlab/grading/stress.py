"""Proofs under load: the graders' verdicts must not flip when the machine is busy.

CPU burners run each in its own session: with the kernel's autogroup scheduling, CPU is shared between
sessions first, so burners in the grader's own session would barely load it. The proofs then run
`rounds` times; a verdict that differs from its expectation in any round is a flip.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from .proofs import Case, Result, cases, run
from .registry import EXERCISES, get_exercise

ANTI_PATTERNS = (
    "ex02_sync_in_async",
    "ex02_def_endpoint",
    "ex02_sleep_before_await",
    "ex02_to_thread_sync_client",
    "ex02_small_pool_limits",
)


@contextmanager
def cpu_burners(count: int | None = None) -> Iterator[int]:
    """Busy-loop processes, one per session, for the duration (default: one per core, plus two)."""
    count = count if count is not None else (os.cpu_count() or 2) + 2
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True) for _ in range(count)]
    try:
        yield count
    finally:
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def stress_cases() -> list[Case]:
    """Every reference solution, and the ex02 anti-patterns whose peak a loaded machine could blur."""
    chosen = [c for c in cases(list(EXERCISES)) if c.kind == "solution"]
    ex02 = cases([get_exercise("ex02")])
    chosen += [c for c in ex02 if c.path is not None and c.path.stem in ANTI_PATTERNS]
    return chosen


def stress(rounds: int = 2, burners: int | None = None) -> list[Result]:
    """Run the stress cases `rounds` times under CPU burners; returns every result (check `.ok`)."""
    results: list[Result] = []
    with cpu_burners(burners):
        for _ in range(rounds):
            results.extend(run(case) for case in stress_cases())
    return results
