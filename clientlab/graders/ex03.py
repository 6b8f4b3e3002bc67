"""Grader of exercise 03: an AsyncOpenAI capped at K connections, SDK defaults kept, running a batch.

The script: `make_client(5)`, two batches through it (the second shows whether the pool kept its
connections alive), then `make_client(3)` and one batch (a cap written as a fixed number gets caught
there), then the grader's own burst straight through that client (a cap that lives in `answer_all`, a
semaphore, gets caught there). The mock's latency makes every batch overlap fully, so the peak of
requests in flight equals the cap exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..grading.checks import check_model, model_records
from ..grading.harness import Grading
from ..grading.learner import Call, Outcome, Ref
from ..grading.verdict import Verdict
from ..mock import Record, answer_for, peak_in_flight

LATENCY_MS = 100
SDK_TIMEOUT = 600.0
FIRST_K, FIRST_BATCH = 5, 10
SECOND_K, SECOND_BATCH = 3, 6
CHAT = "/v1/chat/completions"
MODEL = "gpt-4o-mini"
DIAGNOSTIC_BATCH = 110  # more than httpx's default pool of 100, fewer than the SDK's 1000
HTTPX_DEFAULT_POOL = 100
DIRECT_BATCH = 8  # calls the grader sends straight through make_client(SECOND_K)'s client

HINTS = {
    "unexpected keyword argument 'limits'": "AsyncOpenAI has no limits= argument: limits go through http_client=. "
    "Build openai.DefaultAsyncHttpx2Client(limits=httpx2.Limits(max_connections=k, max_keepalive_connections=k)) "
    "and pass it as AsyncOpenAI(http_client=...).",
    "can't be used in 'await' expression": "You awaited a call of the sync OpenAI client: make_client must return "
    "openai.AsyncOpenAI, whose calls are awaitable.",
}


@dataclass(frozen=True)
class Batch:
    """One call of answer_all as the mock saw it."""

    k: int
    prompts: list[str]
    records: list[Record]

    @property
    def peak(self) -> int:
        return peak_in_flight(self.records)

    @property
    def connections(self) -> set[int]:
        return {r.conn for r in self.records}


def _prompts(tag: str, n: int) -> list[str]:
    return [f"Batch {tag}, question {i + 1}: what does a connection pool do?" for i in range(n)]


FLAKY = "Batch F, question 2"  # its first attempt gets a 503: the SDK's retries must answer it
MOVED = "Batch F, question 3"  # its first attempt is redirected (307): the SDK's client follows redirects


def rules() -> list[dict[str, object]]:
    return [
        {"match": FLAKY, "attempts": [0], "behaviour": {"status": 503, "retry_after_ms": "50"}},
        {"match": MOVED, "attempts": [0], "behaviour": {"redirect": True}},
    ]


def grade(g: Grading) -> None:
    plan = [(FIRST_K, _prompts("A", FIRST_BATCH)), (FIRST_K, _prompts("B", FIRST_BATCH))]
    plan.append((SECOND_K, _prompts("C", SECOND_BATCH)))
    calls = [
        Call("make_client", [FIRST_K]),
        Call("answer_all", [Ref(0), plan[0][1]]),
        Call("answer_all", [Ref(0), plan[1][1]]),
        Call("make_client", [SECOND_K]),
        Call("answer_all", [Ref(3), plan[2][1]]),
        Call("clientlab.graders.probes:burst", [Ref(3), _prompts("E", DIRECT_BATCH)]),
        Call("clientlab.graders.probes:each", [Ref(0), _prompts("F", 4)]),
    ]
    mock = g.mock(latency_ms=LATENCY_MS, rules=rules())
    outcome = g.run_calls(calls, mock)
    stats = mock.stats()
    if not g.ran(outcome, HINTS):
        return
    verdict = g.verdict
    every = model_records(stats.records, (CHAT,))
    defaults = [r for r in every if (r.prompt or "").startswith("Batch F")]
    every = [r for r in every if r not in defaults]
    records = [r for r in every if r.status == 200]  # one answered request per prompt
    wanted = sum(len(p) for _, p in plan) + DIRECT_BATCH
    if not g.check(
        "the mock received one request per prompt",
        len(records) == wanted,
        f"3 batches of {len(plan[0][1])}, {len(plan[1][1])} and {len(plan[2][1])} prompts, and {DIRECT_BATCH} calls "
        f"straight through your client, got {len(records)} answered chat completion request(s)",
        "answer_all must send one client.chat.completions.create(...) per prompt, through the client it is given",
    ):
        return
    check_model(g, every, MODEL, "answer_all")
    batches = [Batch(k, prompts, [r for r in records if (r.prompt or "") in prompts]) for k, prompts in plan]
    _check_answers(verdict, outcome, plan)
    if not _check_async(verdict, outcome.results[5], records):
        return
    if _check_peak(g, batches):
        _check_direct(g, [r for r in records if (r.prompt or "").startswith("Batch E")])
    _check_churn(verdict, batches)
    _check_timeout(verdict, every)
    _check_defaults_kept(g, defaults)


def _check_defaults_kept(g: Grading, records: list[Record]) -> None:
    """The SDK's retries and redirects, which a plain http client or max_retries=0 loses, as the wire shows: the
    last batch goes straight through make_client's client; one prompt first gets a 503 and another a redirect
    (the probe keeps each prompt's outcome apart, so one failure does not hide the other)."""
    flaky = [r.status for r in records if (r.prompt or "").startswith(FLAKY)]
    g.check(
        "a transient error is retried",
        flaky[-1:] == [200] and len(flaky) >= 2,
        f"one prompt's first attempt got a 503; the mock then saw {flaky} for it",
        "keep the SDK's retries: max_retries stays at its default of 2 (AsyncOpenAI(http_client=...) with no "
        "max_retries=)",
    )
    moved = [r for r in records if (r.prompt or "").startswith(MOVED)]
    followed = any(r.redirected and r.status == 200 for r in moved)
    g.check(
        "a redirect is followed",
        followed,
        "one prompt's first attempt was answered with 307 Temporary Redirect; "
        + ("your client followed it" if followed else "your client did not follow it"),
        "a plain httpx2/httpx client does not follow redirects, the SDK's does: build it with "
        "openai.DefaultAsyncHttpx2Client(limits=...), or pass follow_redirects=True yourself",
    )


def _uncapped_pool_size(g: Grading) -> int:
    """With more prompts than httpx's own default pool (100), the peak tells which pool sent them: 100 is a
    pool with httpx's defaults (a transport or mount of the learner's own), more is the SDK's (1000)."""
    prompts = _prompts("D", DIAGNOSTIC_BATCH)
    mock = g.mock(latency_ms=LATENCY_MS)
    outcome = g.run_calls([Call("make_client", [FIRST_K]), Call("answer_all", [Ref(0), prompts])], mock)
    if not outcome.ok:
        return 0
    return peak_in_flight(model_records(mock.stats().records, (CHAT,)))


def _check_answers(verdict: Verdict, outcome: Outcome, plan: list[tuple[int, list[str]]]) -> None:
    returned = [outcome.results[1], outcome.results[2], outcome.results[4]]
    for got, (_, prompts) in zip(returned, plan, strict=True):
        expected = [answer_for(p) for p in prompts]
        if isinstance(got, list) and got == expected:
            continue
        if isinstance(got, dict) and "$object" in got:
            evidence = f"answer_all returned a {got['$object'].rsplit('.', 1)[-1]} object, not a list of texts"
        elif not isinstance(got, list) or any(isinstance(g, dict) for g in got):
            evidence = f"answer_all returned {str(got)[:80]!r}, not a list of texts"
        elif sorted(got) == sorted(expected):
            evidence = f"answer_all returned the right {len(got)} answers in another order than the prompts"
        else:
            first = next((i for i, (g, e) in enumerate(zip(got, expected, strict=False)) if g != e), len(expected))
            shown = got[first] if first < len(got) else "nothing"
            evidence = (
                f"for prompt {first + 1} of {len(prompts)} it returned {shown!r}; "
                f"the mock answered {expected[min(first, len(expected) - 1)]!r}"
            )
        verdict.add(
            "answers are correct and in order",
            False,
            evidence,
            "return [completion.choices[0].message.content, ...] in the order of prompts: asyncio.gather keeps it",
        )
        return
    verdict.add("answers are correct and in order", True, f"all {sum(len(p) for _, p in plan)} answers matched")


def _check_async(verdict: Verdict, burst: dict[str, int], records: list[Record]) -> bool:
    """Whether the async client is used, first from what make_client's client gives back to the grader's own
    code: an AsyncOpenAI's create() returns something to await, a sync OpenAI's makes the request and returns
    the answer. The x-stainless-async header is only the client's claim, so it can fail the check, never pass it:
    requests that say they came from a sync client mean answer_all did not use the client it was given."""
    calls, awaitable = burst["answered"], burst["awaitable"]
    sync = sum(r.is_async is False for r in records)
    hint = (
        "make_client must return openai.AsyncOpenAI (with an async http client such as DefaultAsyncHttpx2Client), "
        "and answer_all must await its calls"
    )
    if awaitable < calls:
        evidence = (
            f"the grader called your client {calls} times: {calls - awaitable} call(s) made the request at once and "
            "returned the answer, as the sync OpenAI client does"
        )
        return verdict.add("the async client is used", False, evidence, hint)
    if sync:
        evidence = (
            f"make_client's client is async, but {sync} of {len(records)} requests came from a sync OpenAI client "
            "(x-stainless-async: false): answer_all did not send them through the client it was given"
        )
        hint = (
            "send every request through the client answer_all receives: await client.chat.completions.create(...) "
            "for each prompt, together with asyncio.gather (a sync client in threads has its own pool, uncapped, "
            "and a thread per request)"
        )
        return verdict.add("the async client is used", False, evidence, hint)
    evidence = f"the grader called your client {calls} times: each call returned an awaitable, as AsyncOpenAI's do"
    return verdict.add("the async client is used", True, evidence)


def _check_direct(g: Grading, records: list[Record]) -> bool:
    """The pool itself is capped: the client used directly, not through answer_all, keeps the cap too."""
    peak = peak_in_flight(records)
    return g.check(
        "the client itself is capped",
        peak <= SECOND_K,
        f"{DIRECT_BATCH} calls sent at once straight through make_client({SECOND_K})'s client had {peak} in flight"
        + ("" if peak <= SECOND_K else ": the cap lives in answer_all, not in the client"),
        "cap the client's pool, not the calling code: any other code using this client (a second function, a "
        "retry, a stream) bypasses a semaphore in answer_all. Build the client with "
        "httpx2.Limits(max_connections=k, max_keepalive_connections=k)",
    )


def _check_peak(g: Grading, batches: list[Batch]) -> bool:
    bad = [b for b in batches if b.peak != b.k]
    seen = ", ".join(f"make_client({b.k}): {b.peak} of {len(b.prompts)}" for b in (batches[0], batches[2]))
    if not bad:
        return g.check("peak in flight equals the cap", True, f"requests in flight at once, {seen}")
    first = bad[0]
    if all(b.peak == 1 for b in bad):
        evidence = f"at most 1 request was in flight ({seen}): your batch ran one request at a time"
        hint = "use asyncio.gather: start every prompt's call, then await them together; the pool caps them"
    elif len(bad) == len(batches) and all(b.peak > b.k for b in bad):
        evidence = f"make_client({first.k}) let {first.peak} requests run at once: the cap was not applied"
        pool = _uncapped_pool_size(g)
        if pool == HTTPX_DEFAULT_POOL:
            evidence += (
                f"; a batch of {DIAGNOSTIC_BATCH} then peaked at exactly {pool}, the size of a pool built with "
                "httpx's own defaults"
            )
            hint = (
                "your limits never reached the pool that sent the requests: a transport= or mounts= of your own "
                "brings its own pool (httpx2 then ignores the client's limits= without a word). Give the limits "
                "to that transport, httpx2.AsyncHTTPTransport(limits=...), or drop it"
            )
        else:
            evidence += f"; a batch of {DIAGNOSTIC_BATCH} then peaked at {pool}: the SDK's default pool (1000)"
            hint = (
                "your limits did not reach the pool that sent these requests: give AsyncOpenAI an http_client built "
                "with httpx2.Limits(max_connections=k, max_keepalive_connections=k) (a mounts= entry serves only "
                "the URLs it matches, and the mock is http://)"
            )
    else:
        evidence = f"requests in flight at once, {seen}: the cap does not follow k"
        hint = (
            "build the limits from make_client's argument k (max_connections=k), not a fixed number, and let the "
            "pool do the capping rather than a semaphore in answer_all"
        )
    return g.check("peak in flight equals the cap", False, evidence, hint)


def _check_churn(verdict: Verdict, batches: list[Batch]) -> None:
    first, second, other = batches
    opened = len(first.connections | second.connections)
    fresh = len(second.connections - first.connections)
    if fresh and opened > first.k:
        verdict.add(
            "connections are reused, not churned",
            False,
            f"make_client({first.k}) opened {opened} connections for 2 batches of {len(first.prompts)}: the second "
            f"batch reused {len(second.connections & first.connections)} and had to open {fresh} new one(s)",
            "keep-alive below the limit closes connections as they go idle (between batches on httpx2, even "
            "within one on legacy httpx): set max_keepalive_connections=k, equal to max_connections",
        )
        return
    over = [(b.k, n) for b, n in ((first, opened), (other, len(other.connections))) if n > b.k]
    if over:
        k, count = over[0]
        verdict.add(
            "connections are reused, not churned",
            False,
            f"make_client({k}) opened {count} connections: more than its cap of {k}",
            "cap the pool at k connections: httpx2.Limits(max_connections=k, max_keepalive_connections=k)",
        )
        return
    verdict.add(
        "connections are reused, not churned",
        True,
        f"make_client({first.k}) opened {opened} connection(s) for 2 batches; make_client({other.k}) opened "
        f"{len(other.connections)}",
    )


def _check_timeout(verdict: Verdict, records: list[Record]) -> None:
    timeouts = sorted({r.read_timeout for r in records}, key=lambda t: (t is None, t or 0.0))
    if timeouts == [SDK_TIMEOUT]:
        verdict.add("the SDK's 600 s timeout is kept", True, "every request carried the SDK's 600 s read timeout")
        return
    shown = ", ".join("none (waits forever)" if t is None else f"{t:g} s" for t in timeouts)
    verdict.add(
        "the SDK's 600 s timeout is kept",
        False,
        f"requests carried a read timeout of {shown}: a timeout set on your http client replaces the SDK's 600 s",
        "the SDK adopts an http client's timeout whenever it differs from httpx's default: leave timeout= out "
        "(DefaultAsyncHttpx2Client keeps the SDK's 600 s) or set it to httpx2.Timeout(600, connect=5.0)",
    )
