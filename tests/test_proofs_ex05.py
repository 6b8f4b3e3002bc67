"""Exercise 05's grader is proven: the solution passes, the stub fails, every answer in tests/answers gets its
verdict (the cases of `python -m clientlab check 05`), and each wrong answer fails exactly the checks that
describe its mistake, no more, so its hint is the one a learner needs."""

from __future__ import annotations

from proofs import exact_proof_tests

from clientlab.graders.ex05 import SCRIPT, WORDS_QS, chunks_of, expected_words
from clientlab.grading import get_exercise

EX05 = get_exercise("ex05")

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

results, test_ex05_has_wrong_answers_and_other_right_ones, test_proof = exact_proof_tests(
    "ex05", threads=4, fails=FAILS, every_check=EVERY_CHECK, max_seconds=20
)


def test_the_script_and_the_words_it_expects() -> None:
    """Two first_words before the first checkpoint: with a pool of 2, a leak of each fills it, and the third
    call finds it full; the long answers leave most of their chunks to hang up on."""
    fns = [s.fn for s in SCRIPT]
    assert fns.index("checkpoint") == fns.index("first_words") + 2
    assert expected_words("one two three four") == "You said: one"
    assert chunks_of(WORDS_QS[0]) > 20


def test_every_step_of_the_ladder_names_a_check_of_the_grader() -> None:
    assert set(EX05.ladder) <= EVERY_CHECK
