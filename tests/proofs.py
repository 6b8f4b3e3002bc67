"""The graders' proofs as pytest tests, one file per exercise (tests/test_proofs_exNN.py), so the two
xdist workers share them out. The cases are the ones `python -m clientlab check` runs.

A grade mostly waits (on the mock's latency, a timeout, a child process starting), so the cases of one
file are graded a few at a time in threads, once, and each test then reads its own result. Exercises
whose grade is CPU-bound (ex02's waves of 100 requests) use one thread.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from clientlab.grading import get_exercise
from clientlab.grading.proofs import Case, Result, cases, run

PROOFS_TIMEOUT = 900
"""Seconds for the first proof of a file, which waits for the fixture grading all of them (pytest-timeout's
per-test limit would otherwise end the worker)."""


def results_fixture(exercise_id: str, threads: int = 3) -> Any:
    """A module fixture: every proof of one exercise graded, `threads` at a time, by case label."""
    chosen = cases([get_exercise(exercise_id)])

    @pytest.fixture(scope="module")
    def results() -> dict[str, Result]:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            return {r.case.label: r for r in pool.map(run, chosen)}

    return results


def proof_tests(exercise_id: str, threads: int = 3) -> tuple[Any, Any]:
    """The results fixture, and a parametrized test that each case got its expected verdict."""
    chosen = cases([get_exercise(exercise_id)])
    results = results_fixture(exercise_id, threads)

    @pytest.mark.parametrize("case", chosen, ids=lambda c: c.label)
    @pytest.mark.timeout(PROOFS_TIMEOUT)
    def test_proof(case: Case, results: dict[str, Result]) -> None:
        result = results[case.label]
        assert result.ok, f"{case.label}: {result.problem}\n{result.verdict.to_text()}"

    return results, test_proof


def exact_proof_tests(
    exercise_id: str, *, threads: int, fails: dict[str, set[str]], every_check: set[str], max_seconds: float
) -> tuple[Any, Any, Any]:
    """The results fixture and two tests for a grader whose wrong answers are pinned to the checks they fail:
    the exercise has at least 10 wrong answers and 3 other right ones, each wrong one listed in `fails`; each
    case gets its verdict within `max_seconds`; a right answer gets exactly `every_check`, and a listed wrong
    one fails exactly its set, no more (so its hint is the one a learner needs), under load too."""
    chosen = cases([get_exercise(exercise_id)])
    results = results_fixture(exercise_id, threads)

    def test_has_wrong_answers_and_other_right_ones() -> None:
        answers = [c for c in chosen if c.kind == "answer"]
        assert sum(c.expect != "pass" for c in answers) >= 10
        assert sum(c.expect == "pass" for c in answers) >= 3
        wrong = {c.label for c in answers if c.expect != "pass"}
        assert wrong <= set(fails), f"say which checks these fail: {sorted(wrong - set(fails))}"

    @pytest.mark.parametrize("case", chosen, ids=lambda c: c.label)
    @pytest.mark.timeout(PROOFS_TIMEOUT)
    def test_proof(case: Case, results: dict[str, Result]) -> None:
        result = results[case.label]
        verdict = result.verdict
        assert result.ok, f"{case.label}: {result.problem}\n{verdict.to_text()}"
        assert result.seconds < max_seconds, f"{case.label}: graded in {result.seconds:.1f} s\n{verdict.to_text()}"
        failed = {c.name for c in verdict.failed}
        if case.expect == "pass":
            assert {c.name for c in verdict.checks} == every_check, verdict.to_text()
        elif case.label in fails:
            assert failed == fails[case.label], verdict.to_text()

    return results, test_has_wrong_answers_and_other_right_ones, test_proof
