"""Exercise 05's grader is proven: the solution passes, the stub fails, every answer in tests/answers gets its
verdict (the cases of `python -m clientlab check 05`), and each wrong answer fails exactly the checks that
describe its mistake, no more, so its hint is the one a learner needs."""

from __future__ import annotations

import pytest
from proofs import PROOFS_TIMEOUT, results_fixture

from clientlab.graders.ex05 import SCRIPT, WORDS_QS, chunks_of, expected_words
from clientlab.grading import get_exercise
from clientlab.grading.proofs import Case, Result, cases

EX05 = get_exercise("ex05")
CASES = cases([EX05])
results = results_fixture("ex05", threads=4)

RAN = "your code ran"
TEXT = "it returns the answers' text"
STREAMS = "every call streams"
GIVEN = "it uses the client it is given"
KEEPS = "stream_text reads to the end and keeps the connection"
OPEN = "nothing is left open between calls"
HANGS_UP = "first_words hangs up once it has its words"

# The checks each wrong answer fails: all of them, every time (under load too).
FAILS: dict[str, set[str]] = {
    "ex05-stub": {RAN},
    "ex05_background_drain": {OPEN},
    "ex05_break_on_stop": {KEEPS},
    "ex05_break_without_close": {OPEN},
    "ex05_client_per_call": {GIVEN, OPEN},
    "ex05_close_not_awaited": {OPEN},
    "ex05_closes_the_client": {RAN},
    "ex05_del_stream": {OPEN},
    "ex05_first_n_chunks": {TEXT},
    "ex05_join_none": {RAN},
    "ex05_missing_await": {RAN},
    "ex05_not_streamed": {STREAMS},
    "ex05_read_all_then_slice": {HANGS_UP},
    "ex05_reads_to_finish_then_trims": {HANGS_UP},
    "ex05_sync_client": {GIVEN},
    "ex05_stop_without_close": {OPEN},
    "ex05_sync_for_loop": {RAN},
}

EVERY_CHECK = {RAN, TEXT, "it asks for the named model", STREAMS, GIVEN, KEEPS, OPEN, HANGS_UP}


def test_ex05_has_wrong_answers_and_other_right_ones() -> None:
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
    assert result.seconds < 20, f"{case.label}: graded in {result.seconds:.1f} s\n{verdict.to_text()}"
    failed = {c.name for c in verdict.failed}
    if case.expect == "pass":
        assert {c.name for c in verdict.checks} == EVERY_CHECK, verdict.to_text()
    elif case.label in FAILS:
        assert failed == FAILS[case.label], verdict.to_text()


def test_the_script_and_the_words_it_expects() -> None:
    """Two first_words before the first checkpoint: with a pool of 2, a leak of each fills it, and the third
    call finds it full; the long answers leave most of their chunks to hang up on."""
    fns = [s.fn for s in SCRIPT]
    assert fns.index("checkpoint") == fns.index("first_words") + 2
    assert expected_words("one two three four") == "You said: one"
    assert chunks_of(WORDS_QS[0]) > 20


def test_every_step_of_the_ladder_names_a_check_of_the_grader() -> None:
    assert set(EX05.ladder) <= EVERY_CHECK
