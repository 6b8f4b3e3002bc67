"""Grader of exercise 01: 21 calls in one process must share one client and one connection; only the quick
call carries a 5 s read timeout, set with `with_options`."""

from __future__ import annotations

from ..grading.checks import check_model, model_records
from ..grading.harness import Grading
from ..grading.learner import Call
from ..grading.verdict import Verdict
from ..mock import Record, Stats, answer_for

ASKS = 20
QUICK_AT = 10  # ask_quick is the 11th call: 10 `ask` before it, 10 after
QUICK_TIMEOUT = 5.0
DEFAULT_TIMEOUT = 600.0
MODEL = "gpt-4o-mini"


def questions() -> list[tuple[str, str]]:
    """The script of calls, as (function, question), in the order the grader makes them."""
    asks = [("ask", f"Question {i + 1}: what does a connection pool keep?") for i in range(ASKS)]
    return [*asks[:QUICK_AT], ("ask_quick", "A quick one: are you there?"), *asks[QUICK_AT:]]


CLOSED_COPY = (
    "The first call after ask_quick found the client closed. A `with client.with_options(...) as quick:` block closes "
    "the copy when it ends, and the copy shares the client's HTTP client, so the whole pool is closed (lesson "
    "01, section 3). Call client.with_options(timeout=5).chat.completions.create(...) directly, with no `with`."
)


def grade(g: Grading) -> None:
    script = questions()
    mock = g.mock()
    outcome = g.run_calls([Call(fn, [q]) for fn, q in script], mock)
    stats = mock.stats()
    closed_after_quick = len(outcome.results) == QUICK_AT + 1
    if not g.ran(outcome, {"client has been closed": CLOSED_COPY} if closed_after_quick else None):
        return
    verdict = g.verdict
    _check_answers(verdict, outcome.results, script)
    calls = model_records(stats.records)
    one_each = g.check(
        "one request per call",
        len(calls) == len(script),
        f"your {len(script)} calls sent {len(calls)} request(s) to the model",
        "ask and ask_quick must each send exactly one request: client.chat.completions.create(...), "
        "with no extra calls at import time",
    )
    check_model(g, calls, MODEL, "your calls")
    _check_connections(verdict, stats, calls if one_each else None, len(script))
    if one_each:
        _check_timeouts(verdict, calls)


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


def _check_connections(verdict: Verdict, stats: Stats, calls: list[Record] | None, n: int) -> None:
    opened = stats.connections_opened
    evidence = f"your {n} calls opened {opened} connection{'s' if opened != 1 else ''}"
    name = "one connection for every call"
    if opened == 1:
        verdict.add(name, True, f"{evidence}: one client, one pool, reused by every call")
        return
    if opened >= n:
        verdict.add(
            name,
            False,
            f"{evidence}: you build a client per call",
            "create the client once, at module level (or cache it), and reuse it in ask and ask_quick: every "
            "new OpenAI(...) or http_client= brings a new connection pool, so nothing is reused",
        )
        return
    if calls is not None:
        quick = calls[QUICK_AT]
        others = {r.conn for i, r in enumerate(calls) if i != QUICK_AT}
        if len(others) == 1 and quick.conn not in others:
            verdict.add(
                name,
                False,
                f"{evidence}: ask shared one, but ask_quick's request came on a connection of its own, from a "
                "second client or a second pool",
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
