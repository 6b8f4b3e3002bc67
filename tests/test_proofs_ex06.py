"""Exercise 06's grader is proven: the solution passes, the stub fails, every answer in tests/answers gets its
verdict (the cases of `python -m clientlab check 06`), and each wrong answer fails exactly the checks that
describe its mistake, no more, so its hint is the one a learner needs."""

from __future__ import annotations

import pytest
from proofs import PROOFS_TIMEOUT, results_fixture

from clientlab.grading import get_exercise
from clientlab.grading.proofs import Case, Result, cases

EX06 = get_exercise("ex06")
CASES = cases([EX06])
results = results_fixture("ex06", threads=3)

ANSWERS = "GET /chat answers"
SECOND = "the app works in a second TestClient session"
ONE = "one client per worker"
DEFAULTS = "the SDK's defaults are kept"
CLOSES = "the lifespan closes the client"
SHARE = "each worker keeps to its share of the budget"
ALIVE = "connections are kept alive between bursts"
STOP = "the uvicorn workers serve and stop cleanly"

# The checks each wrong answer fails: all of them, every time (under load too).
FAILS: dict[str, set[str]] = {
    "ex06-stub": {ANSWERS},
    "ex06_budget_not_divided": {SHARE},
    "ex06_client_per_request": {ONE, SHARE, ALIVE},
    "ex06_close_in_endpoint": {ANSWERS},
    "ex06_cpu_count_workers": {SHARE},
    "ex06_hardcoded_share": {SHARE},
    "ex06_share_rounded_up": {SHARE},
    "ex06_keepalive_zero": {ALIVE},
    "ex06_semaphore_at_import": {SECOND},
    "ex06_keepalive_half": {ALIVE},
    "ex06_lifespan_never_closed": {CLOSES, STOP},
    "ex06_max_retries_zero": {DEFAULTS},
    "ex06_module_level_client": {SECOND, CLOSES, STOP},
    "ex06_plain_httpx2_client": {DEFAULTS},
    "ex06_shutdown_aclose": {CLOSES, STOP},
    "ex06_shutdown_waits_forever": {CLOSES, STOP},
}

EVERY_CHECK = {"your code ran", ANSWERS, SECOND, ONE, DEFAULTS, CLOSES, SHARE, ALIVE, STOP}


def test_ex06_has_wrong_answers_and_other_right_ones() -> None:
    answers = [c for c in CASES if c.kind == "answer"]
    assert sum(c.expect != "pass" for c in answers) >= 10
    assert sum(c.expect == "pass" for c in answers) >= 3
    wrong = {c.label for c in answers if c.expect != "pass"}
    assert wrong <= set(FAILS), f"say which checks these fail: {sorted(wrong - set(FAILS))}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.label)
@pytest.mark.timeout(PROOFS_TIMEOUT)
def test_proof(case: Case, results: dict[str, Result]) -> None:
    result = results[case.label]
    verdict = result.verdict
    assert result.ok, f"{case.label}: {result.problem}\n{verdict.to_text()}"
    assert result.seconds < 40, f"{case.label}: graded in {result.seconds:.1f} s\n{verdict.to_text()}"
    failed = {c.name for c in verdict.failed}
    if case.expect == "pass":
        assert {c.name for c in verdict.checks} == EVERY_CHECK, verdict.to_text()
    elif case.label in FAILS:
        assert failed == FAILS[case.label], verdict.to_text()
