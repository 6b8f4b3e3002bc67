"""Grader of exercise 04: a normal path with the SDK's defaults and a fast path within a 2 s budget.

One run of the learner's module against one mock server whose rules give each question its scenario:

* normal (answers take 100 ms): `ask`, `ask_fast`, `ask`, `ask_fast`, one after the other: the answers,
  the read timeout each path announces (`x-stainless-read-timeout`), one connection for the four calls;
* then four calls at the same time, each in a thread of its own, so that one that hangs hides nothing:
  - stalled (the mock never answers): `ask_fast` must return FALLBACK; its attempts show its read timeout T
    and its retries R. The run's time limit keeps a fast path that waits on the SDK's 600 s from holding the
    grade: being stopped there is evidence, not a failure of the grader;
  - recovering (one 503, then the answer): `ask_fast` must retry once and return the answer;
  - rate-limited (429 on every attempt, no Retry-After): `ask_fast` must return FALLBACK, not raise;
  - failing (a steady 503): `ask` must raise after the SDK's 3 attempts. The mock sends `retry-after-ms: 1`
    so that those retries don't wait; the settings under test, not the clock, are what count.

The worst case of the fast path is computed from what its requests announced, never timed:
(R + 1) * T + the backoffs before retries 1..R (0.5 s, 1 s, 2 s..., at most 8 s each) <= BUDGET_S.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..grading.checks import check_model, model_records
from ..grading.harness import Grading
from ..grading.learner import Call, LearnerError, Outcome
from ..mock import Record, answer_for

MODEL = "gpt-4o-mini"
BUDGET_S = 2.0
FALLBACK = "Sorry, I can't answer that right now."
SDK_TIMEOUT = 600.0
SDK_RETRIES = 2
INITIAL_BACKOFF_S = 0.5
MAX_BACKOFF_S = 8.0
LATENCY_MS = 100  # the normal scenario: a model that answers, not instantly
# The whole run: a right answer takes about 4 s (start, import, the normal calls, then <= 2 s), 7 s with 4 CPU
# burners; a fast path that waits on a stalled server is stopped here.
RUN_LIMIT_S = 15.0
SETTLE_S = 3.0  # after the run, for the mock to record the attempts the client hung up on

NORMAL = [
    ("ask", "Normal path, question 1: what does a read timeout bound?"),
    ("ask_fast", "Fast path, question 2: are you there?"),
    ("ask", "Normal path, question 3: how many retries by default?"),
    ("ask_fast", "Fast path, question 4: still there?"),
]
STALLED_Q = "Fast path against a stalled model: anyone home?"
RECOVER_Q = "Fast path against one transient 503: answer after the retry?"
LIMITED_Q = "Fast path against a rate limit: too many requests?"
FAILING_Q = "Normal path against a steady 503: what reaches the caller?"
# The scenarios made together after the normal calls: name, function, question, the mock's rule for it.
TOGETHER: list[tuple[str, str, str, dict[str, object]]] = [
    ("stalled", "ask_fast", STALLED_Q, {"behaviour": {"stall": True}}),
    ("recovering", "ask_fast", RECOVER_Q, {"attempts": [0], "behaviour": {"status": 503}}),
    ("limited", "ask_fast", LIMITED_Q, {"behaviour": {"status": 429}}),
    ("failing", "ask", FAILING_Q, {"behaviour": {"status": 503, "retry_after_ms": "1"}}),
]

HINT_FAST_SETTINGS = (
    "give ask_fast its own settings on a copy of the module's client: client.with_options(timeout=T, "
    "max_retries=R), with R >= 1 and (R + 1) * T + the backoffs (0.5 s before retry 1, 1 s before retry 2...) "
    "<= 2.0 s, e.g. timeout=0.7, max_retries=1: 1.9 s"
)
HINT_CATCH = (
    "around the fast call, catch openai.APIError (it covers timeouts, connection errors and every error "
    "status, after the SDK's retries) and return FALLBACK"
)


@dataclass
class Run:
    """One scenario of the run: its calls' place in the script, what they gave back, what the mock recorded."""

    name: str
    first: int  # the index of its first call in the script
    count: int  # how many calls
    outcome: Outcome
    records: list[Record]

    @property
    def cut_off(self) -> bool:
        """The run was stopped by its time limit (every call may still have returned: a process that can't exit)."""
        return self.outcome.timed_out

    @property
    def returned(self) -> bool:
        return all(i in self.outcome.returned for i in range(self.first, self.first + self.count))

    @property
    def value(self) -> object:
        """What the scenario's single call returned (None if it did not)."""
        return self.outcome.returned.get(self.first)

    @property
    def raised(self) -> LearnerError | None:
        return self.outcome.raised.get(self.first)

    @property
    def error(self) -> LearnerError | None:
        """Why the call never settled (the time limit, a crash), if it did not."""
        settled = self.returned or self.raised is not None
        return None if settled else self.outcome.stopped

    @property
    def connections(self) -> int:
        return len({r.conn for r in self.records})

    @property
    def retry_counts(self) -> list[int]:
        return [r.retry_count if r.retry_count is not None else 0 for r in self.records]

    @property
    def by_hand(self) -> bool:
        """Several attempts that each look like a first one: retries of the learner's own, not the SDK's."""
        counts = self.retry_counts
        return len(counts) > 1 and len(set(counts)) < len(counts)


def grade(g: Grading) -> None:
    mock = g.mock(latency_ms=LATENCY_MS, rules=[{"match": q, **rule} for _, _, q, rule in TOGETHER])
    plan = [Call(fn, [q]) for fn, q in NORMAL] + [Call(fn, [q], together=True) for _, fn, q, _ in TOGETHER]
    outcome = g.run_calls(plan, mock, time_limit=RUN_LIMIT_S)
    records = model_records(mock.settled_stats(SETTLE_S).records)
    mine = {q: [r for r in records if r.prompt == q] for _, _, q, _ in TOGETHER}
    asked = {q for _, q in NORMAL}
    normal = Run("normal", 0, len(NORMAL), outcome, [r for r in records if r.prompt in asked])
    runs = {name: Run(name, len(NORMAL) + i, 1, outcome, mine[q]) for i, (name, _, q, _) in enumerate(TOGETHER)}
    normal_part = Outcome(
        outcome.results[: len(NORMAL)],
        None if len(outcome.results) >= len(NORMAL) else outcome.error,
        outcome.output,
        outcome.strays,
    )
    if not g.ran(normal_part):
        return
    if not _check_answers(g, normal):
        return
    check_model(g, records, MODEL, "your calls")
    _check_connections(g, normal, runs["recovering"])
    _check_normal_defaults(g, normal, runs["failing"])
    _check_propagates(g, runs["failing"])
    fast = Fast.from_runs(normal, runs["stalled"], runs["limited"], runs["recovering"])
    within = _check_budget(g, fast, runs["stalled"])
    _check_stalled(g, runs["stalled"], within)
    _check_recovers(g, runs["recovering"])
    _check_rate_limited(g, runs["limited"], runs["stalled"].value == FALLBACK)


# -- what the records say --------------------------------------------------------------------------------
def per_call(normal: Run) -> list[tuple[str, list[Record]]]:
    """The normal run's records by call: each first attempt (retry count 0) starts the next call."""
    groups: list[list[Record]] = []
    for record in normal.records:
        if record.retry_count in (0, None) or not groups:
            groups.append([])
        groups[-1].append(record)
    return [(fn, group) for (fn, _), group in zip(NORMAL, groups, strict=False)]


def records_of(normal: Run, fn: str) -> list[Record]:
    return [r for name, group in per_call(normal) if name == fn for r in group]


def _seconds(value: float | None) -> str:
    return "no read timeout" if value is None else f"{value:g} s"


def _timeouts(records: list[Record]) -> str:
    values = sorted({r.read_timeout for r in records}, key=lambda t: (t is None, t or 0.0))
    return ", ".join(_seconds(t) for t in values) or "nothing"


def _attempts(n: int) -> str:
    return f"{n} attempt{'s' if n != 1 else ''}"


def backoff(n: int) -> float:
    """The longest the SDK sleeps before retry n (1-based): 0.5 s, 1 s, 2 s..., at most 8 s."""
    return min(INITIAL_BACKOFF_S * 2 ** (n - 1), MAX_BACKOFF_S)


def worst_case(timeout: float | None, retries: int) -> float:
    """(R + 1) * T + the backoffs before retries 1..R; infinite without a read timeout."""
    if timeout is None:
        return float("inf")
    return (retries + 1) * timeout + sum(backoff(n) for n in range(1, retries + 1))


def arithmetic(timeout: float | None, retries: int) -> str:
    """The worst case written out: `(1 + 1) × 0.7 s + 0.5 s = 1.9 s`."""
    if timeout is None:
        return "no read timeout: a stalled server holds every attempt forever"
    sleeps = "".join(f" + {backoff(n):g} s" for n in range(1, retries + 1))
    total = worst_case(timeout, retries)
    minutes = f" ({total / 60:.0f} minutes)" if total >= 120 else ""
    return f"({retries} + 1) × {timeout:g} s{sleeps} = {round(total, 3):g} s{minutes}"


@dataclass(frozen=True)
class Fast:
    """The fast path's settings, as its requests announced them across the scenarios."""

    timeout: float | None  # T: the longest read timeout its requests announced
    retries: int  # R: the highest retry count seen (all of them when a run went to its end)
    exact: bool  # False: a run was stopped early, so R is a lower bound
    by_hand: Run | None  # a run whose attempts all looked like first ones (a retry loop of its own)
    normal_timeout: float | None  # what ask announced

    @classmethod
    def from_runs(cls, normal: Run, stalled: Run, limited: Run, recovering: Run) -> Fast:
        fast_records = records_of(normal, "ask_fast")
        fast_records += stalled.records + limited.records + recovering.records
        announced = [r.read_timeout for r in fast_records]
        timeout = None if None in announced or not announced else max(t for t in announced if t is not None)
        retries = max([0, *stalled.retry_counts, *limited.retry_counts, *recovering.retry_counts])
        # The rate-limited run answers at once, so its attempts are all R + 1 of them when the call ended.
        exact = (limited.returned or limited.raised is not None) or (stalled.returned and not stalled.cut_off)
        hand = next((r for r in (stalled, limited, recovering) if r.by_hand), None)
        asks = records_of(normal, "ask")
        normal_timeout = asks[0].read_timeout if asks else SDK_TIMEOUT
        return cls(timeout, retries, exact, hand, normal_timeout)

    @property
    def worst(self) -> float:
        return worst_case(self.timeout, self.retries)


# -- the checks --------------------------------------------------------------------------------------------
def _check_answers(g: Grading, normal: Run) -> bool:
    results = normal.outcome.results[: normal.count]
    objects = sorted({r["$object"].rsplit(".", 1)[-1] for r in results if isinstance(r, dict) and "$object" in r})
    name = "it returns the answers' text"
    if objects:
        return g.check(
            name,
            False,
            f"your functions returned a {', '.join(objects)} object, not text",
            "return completion.choices[0].message.content: the text, not the whole response",
        )
    wrong = [(fn, q, r) for (fn, q), r in zip(NORMAL, results, strict=True) if r != answer_for(q)]
    if not wrong:
        firsts = sum(r.retry_count in (0, None) for r in normal.records)
        if not g.check(
            "one request per call",
            firsts == len(NORMAL),
            f"your {len(NORMAL)} calls sent {firsts} request(s) to the model (retries not counted)",
            "ask and ask_fast must each send one chat completion, client.chat.completions.create(...), and nothing "
            "else: no calls at import time, no second request per call",
        ):
            return False
        return g.check(name, True, f"ask and ask_fast returned the mock's {len(NORMAL)} answers")
    fn, q, got = wrong[0]
    evidence = f"against a mock answering in {LATENCY_MS} ms, {fn}({q!r}) returned {got!r}"
    if fn == "ask_fast" and got == FALLBACK:
        timeouts = _timeouts([r for r in normal.records if r.read_timeout is not None])
        return g.check(
            name,
            False,
            f"{evidence}: the fallback, though the model answered (read timeouts announced: {timeouts})",
            "the fast path must still return the model's answer when it comes in time: a read timeout of a few "
            "tenths of a second leaves room for a normal answer; return FALLBACK only when the call fails",
        )
    return g.check(
        name,
        False,
        f"{evidence}; the mock answered {answer_for(q)!r}",
        "send the question as the user message and return completion.choices[0].message.content unchanged",
    )


def _check_connections(g: Grading, normal: Run, recovering: Run) -> None:
    n, opened = len(NORMAL), normal.connections
    evidence = f"your {n} calls opened {opened} connection{'s' if opened != 1 else ''}"
    name = "one client, one connection pool"
    if opened == 1:
        g.check(name, True, f"{evidence}: ask and ask_fast share one pool")
        return
    fast_conns = [r.conn for r in records_of(normal, "ask_fast")]
    ask_conns = {r.conn for r in records_of(normal, "ask")}
    if len(set(fast_conns)) == len(fast_conns) and not ask_conns & set(fast_conns):
        evidence += ": each ask_fast came on a connection of its own, a new client for every call"
        if recovering.by_hand:
            evidence += f" (and against one 503, a new connection for each of its {len(recovering.records)} tries)"
        g.check(
            name,
            False,
            evidence,
            "build the fast path once, from the module's client: client.with_options(timeout=..., max_retries=...) "
            "returns a copy that shares the client's connection pool (a new OpenAI(...) per call pays for a new "
            "client and a new connection every time, and is never closed)",
        )
        return
    if len(ask_conns) == 1 and len(set(fast_conns)) == 1 and not ask_conns & set(fast_conns):
        g.check(
            name,
            False,
            f"{evidence}: ask shared one and ask_fast another, from a second client or a second pool",
            "make the fast path a copy of the module's client, client.with_options(timeout=..., max_retries=...): "
            "it shares the client's connection pool, where a second OpenAI(...) (or http_client=) opens its own",
        )
        return
    g.check(
        name,
        False,
        f"{evidence}: some calls got a new client or a new pool",
        "keep one client for the module; for the fast path's settings use client.with_options(...), which "
        "shares the pool (a new OpenAI(...) or http_client= does not)",
    )


def _check_normal_defaults(g: Grading, normal: Run, failing: Run) -> None:
    asks = records_of(normal, "ask")
    fasts = records_of(normal, "ask_fast")
    ask_t = sorted({r.read_timeout for r in asks + failing.records}, key=lambda t: (t is None, t or 0.0))
    fast_t = {r.read_timeout for r in fasts}
    attempts = len(failing.records)
    name = "ask keeps the SDK's defaults (600 s, 2 retries)"
    said = f"ask's requests announced a read timeout of {', '.join(_seconds(t) for t in ask_t)}"
    tries = f"against a steady 503 it made {_attempts(attempts)}"
    if ask_t == [SDK_TIMEOUT] and attempts == SDK_RETRIES + 1:
        g.check(name, True, f"{said}; {tries} (the first and 2 retries)")
        return
    if ask_t != [SDK_TIMEOUT] and fast_t and set(ask_t) == fast_t:
        g.check(
            name,
            False,
            f"{said}, the same as ask_fast's; {tries}: a short timeout on the whole client, so the normal path "
            "gives up as fast as the fast one",
            "keep OpenAI() at its defaults (no timeout= or max_retries= there) and give only ask_fast its settings, "
            "on a copy: client.with_options(timeout=..., max_retries=...)",
        )
        return
    if ask_t != [SDK_TIMEOUT]:
        g.check(
            name,
            False,
            f"{said}: the normal path does not keep the SDK defaults (600 s per read); {tries}",
            "call the module's client as it is in ask, with no timeout= on the call or the client: a long answer "
            "may take the model minutes to start, and the normal path's caller is willing to wait",
        )
        return
    g.check(
        name,
        False,
        f"{said}, but {tries} instead of 3: the normal path does not keep the SDK defaults (2 retries)",
        "leave max_retries at its default for ask: no max_retries= on OpenAI(...) or on ask's call",
    )


def _check_propagates(g: Grading, failing: Run) -> None:
    name = "ask lets errors propagate"
    raised = failing.raised
    if raised is not None:
        exc = raised.message.split(":", 1)[0]
        g.check(name, True, f"against a steady 503, ask raised {exc} after {_attempts(len(failing.records))}")
        return
    if failing.returned:
        got = failing.value
        if got == FALLBACK:
            evidence = (
                f"against a steady 503 ask returned the fallback after {_attempts(len(failing.records))}: the normal "
                "path hides its errors behind the fallback"
            )
        else:
            evidence = f"against a steady 503 ask returned {got!r} instead of raising"
        g.check(
            name,
            False,
            evidence,
            "catch nothing in ask: its caller must see the failure (openai.InternalServerError here) to log it, "
            "retry later or show an error; only ask_fast turns failures into FALLBACK (and an `except Exception` "
            "also hides bugs such as a TypeError in your own code)",
        )
        return
    error = failing.error
    assert error is not None
    g.check(
        name,
        False,
        f"against a steady 503, {error.describe(g.filename)}",
        "ask should raise the SDK's error after its retries (openai.InternalServerError here), and nothing else",
    )


def _check_budget(g: Grading, fast: Fast, stalled: Run) -> bool:
    name = f"ask_fast fits the {BUDGET_S:g} s budget"
    if fast.by_hand is not None:
        run = fast.by_hand
        return g.check(
            name,
            False,
            f"against the {run.name} server one call of ask_fast made {_attempts(len(run.records))} of "
            f"{_timeouts(run.records)} on {len({r.conn for r in run.records})} connection(s), with retry counts "
            f"{run.retry_counts}: each looked like a first attempt, so these are retries done by hand, which no SDK "
            "setting announces: the worst case can't be computed from your settings (and your waits between tries "
            "come on top)",
            "retries done by hand, with a new client and time.sleep, are the SDK's job: set max_retries on the fast "
            "path's copy, client.with_options(timeout=T, max_retries=R); its retries reuse the pool, back off with "
            f"jitter and count in (R + 1) * T + the backoffs <= {BUDGET_S:g} s",
        )
    bound = "" if fast.exact else "at least "
    settings = (
        f"ask_fast's requests announced a read timeout T = {_seconds(fast.timeout)} and made up to "
        f"R = {fast.retries} retr{'y' if fast.retries == 1 else 'ies'}"
    )
    shown = f"worst case {bound}{arithmetic(fast.timeout, fast.retries)}"
    if fast.worst <= BUDGET_S + 1e-9:
        return g.check(name, True, f"{settings}: {shown} <= {BUDGET_S:g} s")
    over = f"{settings}: {shown}, over the {BUDGET_S:g} s budget"
    # FALLBACK before the SDK could have given up (a read timeout longer than the run, or fewer attempts than R + 1):
    # something other than the SDK's settings stopped the waiting.
    early = fast.timeout is None or fast.timeout > RUN_LIMIT_S or (fast.exact and len(stalled.records) <= fast.retries)
    if early and stalled.returned and stalled.value == FALLBACK:
        stuck = (
            f" and your process could not exit until the grader stopped it after {RUN_LIMIT_S:g} s"
            if stalled.cut_off
            else ""
        )
        return g.check(
            name,
            False,
            f"{over}; yet against the stalled server ask_fast returned FALLBACK while its request was still waiting "
            f"at the mock{stuck}: a guard stopped the waiting, not the call",
            "a wall-clock guard instead of SDK settings (a thread with a timeout, an asyncio deadline around a sync "
            "call, a signal) stops your waiting, not the call: the request runs on with its read timeout and "
            f"retries, holding a connection and a thread. Bound the call itself: {HINT_FAST_SETTINGS}",
        )
    if fast.timeout is None or fast.timeout == fast.normal_timeout:
        still = (
            f"; against the stalled server it was still waiting when the grader stopped it after {RUN_LIMIT_S:g} s"
            if stalled.cut_off
            else ""
        )
        return g.check(
            name,
            False,
            f"{over}: the same read timeout as ask{still}",
            "the fast path keeps the SDK's defaults, so nothing bounds the call; a wall-clock guard around it (a "
            "thread with a timeout, an asyncio deadline around a sync call, a signal) would stop your waiting, not "
            f"the call. Bound the call itself: {HINT_FAST_SETTINGS}",
        )
    if fast.timeout > BUDGET_S:
        return g.check(
            name,
            False,
            f"{over}: a stalled server holds every attempt for the whole read timeout",
            "T is the read timeout, what a silent model makes you wait for: with an httpx2.Timeout(60.0, "
            "connect=0.5) only the connect timeout is short, the read timeout is not (the first number sets read, "
            f"write and pool). {HINT_FAST_SETTINGS[0].upper()}{HINT_FAST_SETTINGS[1:]}",
        )
    return g.check(
        name,
        False,
        f"{over}: a {fast.timeout:g} s timeout that fits, but every retry gets it again, after a backoff",
        "the timeout is not a deadline: it bounds each attempt, and each of the R retries starts a new one after a "
        "backoff. Choose T and R together: max_retries=1 and timeout <= 0.75 s gives (1 + 1) × 0.75 + 0.5 = 2.0 s",
    )


def _check_stalled(g: Grading, stalled: Run, within_budget: bool) -> None:
    """Whether the fast path turns a stall into FALLBACK. A run stopped by its time limit says nothing about that
    when the budget check has already shown settings that can wait that long: no second failure for one cause."""
    name = "ask_fast returns FALLBACK when the model stalls"
    tried = f"{_attempts(len(stalled.records))} of {_timeouts(stalled.records)}"
    if stalled.returned:
        got = stalled.value
        g.check(
            name,
            got == FALLBACK,
            f"against a server that never answers, ask_fast returned {'FALLBACK' if got == FALLBACK else repr(got)} "
            f"after {tried}",
            "return the module's FALLBACK, unchanged, when the call fails",
        )
        return
    if stalled.raised is not None:
        g.check(
            name,
            False,
            f"against a server that never answers, {stalled.raised.message.split(':', 1)[0]} escaped ask_fast after "
            f"{tried}",
            HINT_CATCH,
        )
        return
    error = stalled.error
    if stalled.cut_off and not within_budget:
        return
    if stalled.cut_off:
        evidence = (
            f"against a server that never answers, ask_fast was still waiting when the grader stopped it after "
            f"{RUN_LIMIT_S:g} s ({tried} so far)"
        )
    else:
        evidence = f"against a server that never answers, {error.describe(g.filename) if error else 'no result'}"
    g.check(
        name,
        False,
        evidence,
        "with a read timeout and retries that fit the budget, the SDK gives up in time and raises: catch that and "
        "return FALLBACK",
    )


def _check_recovers(g: Grading, recovering: Run) -> None:
    name = "ask_fast survives one transient 503"
    counts = recovering.retry_counts
    answer = answer_for(RECOVER_Q)
    if recovering.returned and recovering.value == answer:
        g.check(name, True, f"after one 503, ask_fast's retry got the answer ({_attempts(len(counts))})")
        return
    got = "raised " + recovering.raised.message.split(":", 1)[0] if recovering.raised else None
    if got is None:
        got = f"returned {'FALLBACK' if recovering.value == FALLBACK else repr(recovering.value)}"
    if recovering.by_hand:
        g.check(
            name,
            False,
            f"against one 503, ask_fast made {_attempts(len(counts))} on {recovering.connections} connection(s), each "
            f"announcing x-stainless-retry-count {', '.join(map(str, counts))} (a first attempt every time, so the "
            f"mock failed each one), and {got}: retries done by hand, with a new client per try",
            "let the SDK retry: client.with_options(timeout=..., max_retries=1) numbers its attempts, reuses the "
            "pool and backs off; a loop of your own with a new client per try does none of that",
        )
        return
    if len(counts) <= 1 and not recovering.cut_off:
        g.check(
            name,
            False,
            f"against one 503 then an answer, ask_fast made {_attempts(len(counts))} and {got}: no retries, so one "
            "transient error fails the call although the model would have answered the next attempt",
            "give the fast path one retry, max_retries=1 (and a read timeout that keeps the worst case within "
            "2.0 s): a single 503 is common and the retry costs only a short backoff",
        )
        return
    g.check(
        name,
        False,
        f"against one 503 then an answer, ask_fast made {_attempts(len(counts))} and {got}",
        "after one transient 503 the SDK's retry gets the answer: return it",
    )


def _check_rate_limited(g: Grading, limited: Run, stalled_fallback: bool) -> None:
    name = "ask_fast returns FALLBACK when rate-limited"
    tried = _attempts(len(limited.records))
    if limited.returned:
        got = limited.value
        g.check(
            name,
            got == FALLBACK,
            f"against a server answering 429 to every attempt, ask_fast returned "
            f"{'FALLBACK' if got == FALLBACK else repr(got)} after {tried}",
            "return the module's FALLBACK, unchanged, when the call fails",
        )
        return
    if limited.raised is not None:
        exc = limited.raised.message.split(":", 1)[0]
        escaped = f"against a server answering 429 to every attempt, {exc} escaped ask_fast after {tried}"
        if stalled_fallback:
            escaped += ", though its timeouts became FALLBACK: only timeouts are caught, so a 429 escapes"
        g.check(
            name,
            False,
            escaped,
            "a rate limit is an error status (openai.RateLimitError, an APIStatusError), not a timeout: " + HINT_CATCH,
        )
        return
    error = limited.error
    g.check(
        name,
        False,
        f"against a server answering 429 to every attempt, {error.describe(g.filename) if error else 'no result'}",
        HINT_CATCH,
    )
