"""Exercise 06's grader is proven: the solution passes, the stub fails, every answer in tests/answers gets its
verdict (the cases of `python -m clientlab check 06`), and each wrong answer fails exactly the checks that
describe its mistake, no more, so its hint is the one a learner needs."""

from __future__ import annotations

from proofs import exact_proof_tests

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

results, test_ex06_has_wrong_answers_and_other_right_ones, test_proof = exact_proof_tests(
    "ex06", threads=3, fails=FAILS, every_check=EVERY_CHECK, max_seconds=40
)
