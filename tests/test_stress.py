"""Verdicts hold on a loaded machine: every reference solution passes and ex02's anti-patterns fail with
their own hints, twice, with CPU burners running each in its own session.

Opt-in (it takes about three minutes on two cores, more than the suite's budget allows):
    .venv/bin/python -m pytest -m stress -n 0 tests/test_stress.py
The same as `python -m clientlab check --stress`.
"""

from __future__ import annotations

import pytest

from clientlab.grading.stress import stress


@pytest.mark.stress
@pytest.mark.timeout(900)
def test_no_verdict_flips_under_cpu_load() -> None:
    results = stress(rounds=2)
    flips = [f"{r.case.label}: {r.problem}" for r in results if not r.ok]
    assert not flips, "\n".join(flips)
