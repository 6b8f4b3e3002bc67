"""Exercise 04's grader is proven: the solution passes, the stub fails, every answer in tests/answers gets its
verdict (the cases of `python -m clientlab check 04`), and each wrong answer fails exactly the checks that
describe its mistake, no more, so its hint is the one a learner needs. The worst case is arithmetic on the
announced settings: its numbers are checked here against the contract's."""

from __future__ import annotations

import pytest
from proofs import exact_proof_tests

from clientlab.graders.ex04 import BUDGET_S, arithmetic, backoff, worst_case

BUDGET = "ask_fast fits the 2 s budget"
DEFAULTS = "ask keeps the SDK's defaults (600 s, 2 retries)"
POOL = "one client, one connection pool"
STALLED = "ask_fast returns FALLBACK when the model stalls"
RECOVERS = "ask_fast survives one transient 503"
LIMITED = "ask_fast returns FALLBACK when rate-limited"

# The checks each wrong answer fails: all of them, every time (under load too).
FAILS: dict[str, set[str]] = {
    "ex04-stub": {"your code ran"},
    "ex04_asyncio_wait_for": {BUDGET},
    "ex04_catches_only_timeouts": {LIMITED},
    "ex04_catches_status_only": {STALLED},
    "ex04_client_per_call": {POOL},
    "ex04_client_wide_timeout": {DEFAULTS},
    "ex04_connect_timeout_only": {BUDGET},
    "ex04_daemon_thread_guard": {BUDGET},
    "ex04_fallback_everywhere": {"ask lets errors propagate"},
    "ex04_manual_retry_loop": {POOL, BUDGET, RECOVERS},
    "ex04_no_retries": {RECOVERS},
    "ex04_retries_break_budget": {BUDGET},
    "ex04_returns_none": {STALLED, LIMITED},
    "ex04_second_module_client": {POOL},
    "ex04_thread_guard": {BUDGET},
    "ex04_timeout_equals_budget": {BUDGET},
    "ex04_timeout_on_normal_path": {DEFAULTS},
}

EVERY_CHECK = {
    "your code ran",
    "one request per call",
    "it returns the answers' text",
    "it asks for the named model",
    POOL,
    DEFAULTS,
    "ask lets errors propagate",
    BUDGET,
    STALLED,
    RECOVERS,
    LIMITED,
}

results, test_ex04_has_wrong_answers_and_other_right_ones, test_proof = exact_proof_tests(
    "ex04", threads=6, fails=FAILS, every_check=EVERY_CHECK, max_seconds=30
)


@pytest.mark.parametrize(
    ("timeout", "retries", "worst", "shown"),
    [
        (0.7, 1, 1.9, "(1 + 1) × 0.7 s + 0.5 s = 1.9 s"),
        (0.75, 1, 2.0, "(1 + 1) × 0.75 s + 0.5 s = 2 s"),
        (2.0, 0, 2.0, "(0 + 1) × 2 s = 2 s"),
        (2.0, 2, 7.5, "(2 + 1) × 2 s + 0.5 s + 1 s = 7.5 s"),
        (60.0, 1, 120.5, "(1 + 1) × 60 s + 0.5 s = 120.5 s (2 minutes)"),
        (600.0, 2, 1801.5, "(2 + 1) × 600 s + 0.5 s + 1 s = 1801.5 s (30 minutes)"),
    ],
)
def test_worst_case_is_the_contracts_formula(timeout: float, retries: int, worst: float, shown: str) -> None:
    assert worst_case(timeout, retries) == pytest.approx(worst)
    assert arithmetic(timeout, retries) == shown


def test_backoffs_double_up_to_eight_seconds_and_no_timeout_is_unbounded() -> None:
    assert [backoff(n) for n in range(1, 7)] == [0.5, 1, 2, 4, 8, 8]
    assert worst_case(None, 1) == float("inf")
    assert worst_case(0.75, 1) <= BUDGET_S < worst_case(0.76, 1)
