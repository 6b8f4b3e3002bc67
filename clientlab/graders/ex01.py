"""Grader of exercise 01: 21 calls in one process must share one client and one connection; only the quick
call carries a 5 s read timeout, set with `with_options`, and the SDK's other defaults stay.

The mock provokes what a timeout and retries are for, so the verdict rests on behaviour, not only on the
headers the client writes about itself: in the script, one ordinary call first gets a transient 503 (it
must be retried); after it, two more calls at the same time: the quick call's first answer takes 8 s (its 5 s
timeout must cut it, and the retry must answer), and an ordinary call is answered more slowly than the
quick timeout (it must survive without a retry).
"""

from __future__ import annotations

from ..grading.checks import check_model, model_records
from ..grading.harness import Grading
from ..grading.learner import Call
from ..grading.verdict import Verdict
from ..mock import Record, answer_for

ASKS = 20
QUICK_AT = 10  # ask_quick is the 11th call: 10 `ask` before it, 10 after
QUICK_TIMEOUT = 5.0
DEFAULT_TIMEOUT = 600.0
MODEL = "gpt-4o-mini"
STALL_MS = 8000  # ask_quick's first answer: its 5 s timeout must cut it (a 600 s one waits it out)
SLOW_MS = 5500  # an ordinary answer slower than the quick timeout: ask must wait for it
FLAKY_AT = 5  # the 6th ask first gets a 503
LATE_QUESTION = "A quick one, answered late: are you there?"
SLOW_QUESTION = "A slow one: what does a connection pool keep?"


def questions() -> list[tuple[str, str]]:
    """The script of calls, as (function, question), in the order the grader makes them."""
    asks = [("ask", f"Question {i + 1}: what does a connection pool keep?") for i in range(ASKS)]
    return [*asks[:QUICK_AT], ("ask_quick", "A quick one: are you there?"), *asks[QUICK_AT:]]


CLOSED_COPY = (
    "The first call after ask_quick found the client closed. A `with client.with_options(...) as quick:` block closes "
    "the copy when it ends, and the copy shares the client's HTTP client, so the whole pool is closed (lesson "
    "01, section 3). Call client.with_options(timeout=5).chat.completions.create(...) directly, with no `with`."
)


RETRIES_OFF = (
    "The mock answered one ask with a transient 503, and your client gave up at once. The SDK retries 408, 409, "
    "429 and 5xx twice by default: keep max_retries at its default (OpenAI() with no max_retries=)."
)


def grade(g: Grading) -> None:
    script = questions()
    mock = g.mock(
        rules=[
            {"match": script[FLAKY_AT][1], "attempts": [0], "behaviour": {"status": 503}},
            {"match": LATE_QUESTION, "attempts": [0], "behaviour": {"latency_ms": STALL_MS}},
            {"match": SLOW_QUESTION, "attempts": [0], "behaviour": {"latency_ms": SLOW_MS}},
        ]
    )
    plan = [Call(fn, [q]) for fn, q in script]
    plan += [Call("ask_quick", [LATE_QUESTION], together=True), Call("ask", [SLOW_QUESTION], together=True)]
    outcome = g.run_calls(plan, mock)
    stats = mock.stats()
    closed_after_quick = len(outcome.results) == QUICK_AT + 1
    if len(outcome.results) >= len(script):  # the script ran; the two calls after it are judged by their records
        outcome.error = None
        outcome.results = outcome.results[: len(script)]
    hints = {"InternalServerError": RETRIES_OFF}
    if closed_after_quick:
        hints["client has been closed"] = CLOSED_COPY
    if not g.ran(outcome, hints):
        return
    verdict = g.verdict
    _check_answers(verdict, outcome.results, script)
    every = model_records(stats.records)
    attempts = [r for r in every if r.prompt not in (LATE_QUESTION, SLOW_QUESTION)]
    calls = [r for r in attempts if r.attempt == 0]
    one_each = g.check(
        "one request per call",
        len(calls) == len(script),
        f"your {len(script)} calls sent {len(calls)} request(s) to the model, and {len(attempts) - len(calls)} retries",
        "ask and ask_quick must each send exactly one request: client.chat.completions.create(...), "
        "with no extra calls at import time",
    )
    check_model(g, attempts, MODEL, "your calls")
    _check_connections(verdict, calls if one_each else None, len(script), attempts)
    if one_each:
        _check_timeouts(verdict, calls)
        late = [r for r in every if r.prompt == LATE_QUESTION]
        slow = [r for r in every if r.prompt == SLOW_QUESTION]
        _check_behaviour(g, script, attempts, late, slow)


ABANDONED = ("disconnected", "stalled")  # attempts the client gave up on (its connection is closed)


def _tries(attempts: list[Record], question: str) -> list[Record]:
    return [r for r in attempts if r.prompt and question.startswith(r.prompt)]


def _check_behaviour(
    g: Grading, script: list[tuple[str, str]], attempts: list[Record], quick: list[Record], slow: list[Record]
) -> None:
    """What the provoked misbehaviour shows: the quick timeout cut a late answer, the slow answer was waited
    for, the transient 503 was retried."""
    cut = [r for r in quick if r.outcome in ABANDONED]
    waited = cut[0].duration if cut else None
    g.check(
        "the quick call gives up on a stalled answer",
        bool(cut) and quick[-1].status == 200,
        f"ask_quick's first answer was {STALL_MS // 1000} s late; your client gave up after {waited:.1f} s and its "
        "retry was answered"
        if waited is not None
        else f"ask_quick's first answer was {STALL_MS // 1000} s late and your client waited for it "
        f"({len(quick)} attempt(s)): its timeout is longer than 5 s",
        "ask_quick's call needs its own 5 s timeout: client.with_options(timeout=5).chat.completions.create(...)",
    )
    g.check(
        "ordinary calls wait for a slow answer",
        len(slow) == 1 and slow[0].status == 200,
        f"one ask was answered after {SLOW_MS / 1000:g} s (longer than the quick timeout); "
        + (
            "your client waited for it"
            if len(slow) == 1
            else f"your client gave up after {slow[0].duration:.1f} s and asked again ({len(slow)} attempts)"
        ),
        "only ask_quick may have the short timeout: a timeout on the whole client (OpenAI(timeout=5)) cuts every "
        "call that takes longer; keep OpenAI() at its defaults and use with_options in ask_quick alone",
    )
    flaky = _tries(attempts, script[FLAKY_AT][1])
    statuses = [r.status for r in flaky]
    g.check(
        "a transient error is retried",
        statuses[-1:] == [200] and len(flaky) >= 2,
        f"one ask first got a 503; the mock then saw the statuses {statuses} for it",
        RETRIES_OFF,
    )


def _check_answers(verdict: Verdict, results: list[object], script: list[tuple[str, str]]) -> None:
    objects = sorted({r["$object"].rsplit(".", 1)[-1] for r in results if isinstance(r, dict) and "$object" in r})
    if objects:
        verdict.add(
            "it returns the answers' text",
            False,
            f"your functions returned a {', '.join(objects)} object, not text",
            "return completion.choices[0].message.content: the text, not the whole response",
        )
        return
    wrong = [(fn, q, r) for (fn, q), r in zip(script, results, strict=True) if r != answer_for(q)]
    if not wrong:
        verdict.add("it returns the answers' text", True, f"all {len(script)} answers match what the mock answered")
        return
    fn, q, got = wrong[0]
    verdict.add(
        "it returns the answers' text",
        False,
        f"{len(wrong)} of {len(script)} answers differ: for {fn}({q!r}) you returned {got!r}, "
        f"the mock answered {answer_for(q)!r}",
        "send the question as the user message and return the answer's text unchanged",
    )


def _check_connections(verdict: Verdict, calls: list[Record] | None, n: int, attempts: list[Record]) -> None:
    """The script's calls (not the two at the same time after it) share one connection."""
    fresh = len({r.conn for r in attempts})
    evidence = f"your {n} calls opened {fresh} connection{'s' if fresh != 1 else ''}"
    name = "one connection for every call"
    if fresh <= 1:
        verdict.add(name, True, f"{evidence}: one client, one pool, reused by every call")
        return
    if fresh >= n:
        verdict.add(
            name,
            False,
            f"{evidence}: you build a client per call",
            "create the client once, at module level (or cache it), and reuse it in ask and ask_quick: every "
            "new OpenAI(...) or http_client= brings a new connection pool, so nothing is reused",
        )
        return
    if calls is not None:
        quick_question = calls[QUICK_AT].prompt or ""
        quick = {r.conn for r in attempts if r.prompt == quick_question}
        others = {r.conn for r in attempts if r.prompt != quick_question}
        if quick.isdisjoint(others):
            verdict.add(
                name,
                False,
                f"ask's calls used {len(others)} connection(s) and ask_quick's attempts {len(quick)} other(s): "
                "ask_quick's requests came on a connection of its own, from a second client or a second pool",
                "client.with_options(timeout=5) returns a copy that shares the client's connection pool: use it "
                "in ask_quick instead of a second OpenAI(timeout=5) or a new http_client=",
            )
            return
    verdict.add(
        name,
        False,
        f"{evidence}: some calls got a new client or a new pool",
        "keep one client for the module and reuse it; for per-call settings use client.with_options(...), "
        "which shares the pool (a new OpenAI(...) or http_client= does not)",
    )


def _seconds(value: float | None) -> str:
    return "no read-timeout header" if value is None else f"{value:g} s"


def _check_timeouts(verdict: Verdict, calls: list[Record]) -> None:
    quick = calls[QUICK_AT].read_timeout
    asks = [r.read_timeout for i, r in enumerate(calls) if i != QUICK_AT]
    ask_values = sorted({a for a in asks if a is not None}) + ([None] if None in asks else [])
    ask_text = ", ".join(_seconds(a) for a in ask_values)
    evidence = f"read timeouts the mock saw: {_seconds(quick)} on ask_quick's request, {ask_text} on ask's"
    name = "only the quick call has a 5 s timeout"
    if quick == QUICK_TIMEOUT and ask_values == [DEFAULT_TIMEOUT]:
        verdict.add(name, True, evidence)
        return
    if quick == QUICK_TIMEOUT and ask_values == [QUICK_TIMEOUT]:
        verdict.add(
            name,
            False,
            f"{evidence}: every call got the short timeout, so it is set on the whole client",
            "use with_options for the one call, not the whole client: keep OpenAI() at its defaults and call "
            "client.with_options(timeout=5) only in ask_quick",
        )
        return
    if quick != QUICK_TIMEOUT:
        if quick in ask_values:
            hint = (
                "ask_quick sends its request like ask does, with the client's timeout: make its call through "
                "client.with_options(timeout=5).chat.completions.create(...)"
            )
        else:
            hint = "ask_quick's timeout must be 5 seconds: client.with_options(timeout=5)"
        verdict.add(name, False, f"{evidence}: ask_quick's should be 5 s", hint)
        return
    verdict.add(
        name,
        False,
        f"{evidence}: ask's calls should keep the SDK's default of 600 s",
        "leave the client's timeout at its default (OpenAI() with no timeout=); only ask_quick changes it, with "
        "client.with_options(timeout=5)",
    )
