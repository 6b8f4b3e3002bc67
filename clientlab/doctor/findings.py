"""From what the mock recorded to findings in the lessons' terms: each with its evidence and its lesson.

Every finding is derived from the wire (records of the model calls the probes caused), never from the
app's source. The wave diagnosis is the ex02 grader's (`clientlab.grading.waves.diagnose`), with its
thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..grading.waves import (
    LATENCY_MS,
    LOOP_FREE_S,
    MIN_PEAK,
    SLACK_S,
    SPREAD_S,
    WAVE,
    Wave,
    closed_between,
    diagnose,
    new_connections,
)
from ..mock import Record
from .probes import SLOW_MS, Evidence

SDK_TIMEOUT_S = 600.0
SDK_AGENT = "OpenAI/Python"  # openai-python's user agent (sync and async clients)

LESSONS = {
    "01": "lesson 01, notebooks/01_one_client_per_process.ipynb",
    "02": "lesson 02, notebooks/02_event_loop_trap.ipynb",
    "03": "lesson 03, notebooks/03_connection_limits.ipynb",
    "04": "lesson 04, notebooks/04_timeouts_and_retries.ipynb",
}

# id -> (title, lesson): the one list of what the doctor can find.
KINDS: dict[str, tuple[str, str]] = {
    "client-per-request": ("a new client for every request", "01"),
    "event-loop-blocked": ("a blocking call on the event loop", "02"),
    "requests-serialized": ("requests wait for each other (a lock)", "02"),
    "def-endpoint-threads": ("a `def` endpoint: FastAPI's 40-thread cap", "02"),
    "thread-pool-cap": ("the sync client in a small thread pool", "02"),
    "fails-under-load": ("errors under concurrent requests", "02"),
    "pool-limit": ("a cap on calls in flight (a small connection pool)", "03"),
    "connection-churn": ("connections closed and reopened between bursts", "03"),
    "redirects-not-followed": ("redirects not followed (a plain http client)", "03"),
    "no-retries": ("a transient error is not retried", "04"),
    "custom-timeout": ("a read timeout other than the SDK's 600 s", "04"),
    "no-timeout": ("no read timeout: a stalled upstream hangs the request", "04"),
}

WAVE_KINDS = {
    "sync-in-async": "event-loop-blocked",
    "blocking": "event-loop-blocked",
    "serialized": "requests-serialized",
    "def-threads": "def-endpoint-threads",
    "thread-pool": "thread-pool-cap",
    "cap": "pool-limit",
}


@dataclass(frozen=True)
class Finding:
    """One problem: its id (a key of KINDS), what the wire showed, the number that names it, the lesson."""

    id: str
    evidence: str
    value: float | None = None

    @property
    def title(self) -> str:
        return KINDS[self.id][0]

    @property
    def lesson(self) -> str:
        return LESSONS[KINDS[self.id][1]]

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "evidence": self.evidence,
            "value": self.value,
            "lesson": self.lesson,
        }


def find(ev: Evidence) -> list[Finding]:
    """Every finding the evidence supports, in the order of the phases that showed it."""
    found: list[Finding] = []
    per_request = _client_per_request(ev)
    found += per_request
    found += _retries(ev)
    found += _redirects(ev)
    found += _timeouts(ev)
    under_load = _waves(ev)
    if per_request:  # building a client per request is what blocks the loop and churns the connections
        folded = [f for f in under_load if f.id in ("event-loop-blocked", "connection-churn") and not _sync(ev)]
        if folded:
            found[0] = Finding(
                "client-per-request",
                found[0].evidence + "; under load: " + "; ".join(f.evidence for f in folded),
                found[0].value,
            )
        under_load = [f for f in under_load if f not in folded]
    return found + under_load


def _sdk(records: list[Record]) -> list[Record]:
    return [r for r in records if SDK_AGENT in (r.user_agent or "")]


def _sync(ev: Evidence) -> bool:
    return any(w.sync for w in ev.waves)


def _client_per_request(ev: Evidence) -> list[Finding]:
    calls = ev.sequential.chats
    opened = len(ev.sequential.connections)
    n = len(ev.sequential.queries)
    if len(calls) < 2 or opened < len(calls):
        return []
    return [
        Finding(
            "client-per-request",
            f"{n} requests in a row made {len(calls)} model calls over {opened} connections: a new connection "
            "for every call, as a client built per request opens (one client keeps one connection alive)",
            opened,
        )
    ]


def _app_status(wave: Wave) -> str:
    statuses = sorted(wave.result.status_counts)
    if statuses:
        return f"HTTP {statuses[0]}"
    return f"no answer ({next(iter(wave.result.errors), 'no response')})"


def _answered(wave: Wave) -> bool:
    return any(200 <= s < 300 for s in wave.result.status_counts)


def _wire(records: list[Record]) -> str:
    return ", ".join(str(r.status) if r.status is not None else (r.outcome or "open") for r in records)


def _retries(ev: Evidence) -> list[Finding]:
    calls = ev.failing.chats
    if _answered(ev.failing) or len(calls) != 1 or calls[0].status != 503:
        return []
    return [
        Finding(
            "no-retries",
            f"the upstream answered 503 to the first attempt and would have answered the second: the mock saw "
            f"[{_wire(calls)}], one attempt, no retry, and the app answered {_app_status(ev.failing)} "
            "(the SDK retries twice by default; max_retries=0 turns that off)",
            0,
        )
    ]


def _redirects(ev: Evidence) -> list[Finding]:
    calls = ev.redirect.chats
    if not any(r.status == 307 for r in calls) or any(r.redirected for r in calls):
        return []
    return [
        Finding(
            "redirects-not-followed",
            f"the upstream answered 307 Temporary Redirect; the mock saw [{_wire(calls)}] and no request to the "
            f"new location, and the app answered {_app_status(ev.redirect)}: the SDK's own http client follows "
            "redirects, a plain httpx2/httpx client passed as http_client= does not",
        )
    ]


def _timeouts(ev: Evidence) -> list[Finding]:
    records = _sdk([r for w in (ev.sequential, ev.failing, ev.redirect, ev.slow) for r in w.chats])
    if not records:
        return []
    slow = slow_summary(ev)
    if any(r.read_timeout is None for r in records):
        return [
            Finding(
                "no-timeout",
                "the SDK's requests carried no x-stainless-read-timeout: timeout=None, so a stalled upstream holds "
                f"the request (and its connection) forever; {slow}",
            )
        ]
    timeouts = sorted({r.read_timeout for r in records if r.read_timeout is not None})
    if timeouts == [SDK_TIMEOUT_S]:
        return []
    shown = ", ".join(f"{t:g} s" for t in timeouts)
    return [
        Finding(
            "custom-timeout",
            f"the SDK's requests announced a read timeout of {shown} (x-stainless-read-timeout), not the SDK's "
            f"600 s; {slow}. A timeout set on the http client replaces the SDK's for every call: set a short one "
            "per call with with_options(timeout=...) where a fallback exists",
            timeouts[0],
        )
    ]


def slow_summary(ev: Evidence) -> str:
    """What the client did with a slow (2 s) upstream, as the mock saw it."""
    calls = ev.slow.chats
    took = f"{ev.slow.result.elapsed:.1f} s"
    gave_up = [r for r in calls if r.outcome in ("disconnected", "stalled")]
    if not gave_up:
        return f"a {SLOW_MS / 1000:g} s answer was waited out and the app answered {_app_status(ev.slow)} in {took}"
    waited = ", ".join(f"{r.duration:.1f} s" for r in gave_up)
    return (
        f"a {SLOW_MS / 1000:g} s answer was given up on after {waited} ({len(calls)} attempt(s): "
        f"{len(calls) - 1} retries) and the app answered {_app_status(ev.slow)} after {took}"
    )


def _waves(ev: Evidence) -> list[Finding]:
    if not ev.waves:
        return []
    n = ev.wave_size
    found: list[Finding] = []
    bad = {s: c for w in ev.waves for s, c in w.result.status_counts.items() if not 200 <= s < 300}
    if bad:
        status = min(bad)
        found.append(
            Finding(
                "fails-under-load",
                f"under {n} concurrent requests the app answered HTTP {status} {bad[status]} time(s)",
                status,
            )
        )
    best = max(ev.waves, key=lambda w: w.peak)
    min_peak = MIN_PEAK * n // WAVE
    cut = "" if best.complete else f"; the wave was cut off after {best.result.elapsed:.1f} s"
    lag = best.loop_lag
    if best.peak == 0 and (lag is None or lag > LOOP_FREE_S):
        probe = "got no answer" if lag is None else f"took {lag:.1f} s"
        evidence = (
            f"none of {n} concurrent requests reached the model before the wave was cut off after "
            f"{best.result.elapsed:.1f} s, and a 404 mid-wave {probe}: something in the handler holds the event loop"
        )
        found.append(Finding("event-loop-blocked", evidence, 0))
    elif best.peak < min_peak:
        diagnosis = diagnose(best)
        kind = WAVE_KINDS[diagnosis.kind]
        evidence = f"{n} concurrent requests: {diagnosis.evidence}"
        if kind == "pool-limit":
            evidence += (
                f" (over {len(best.connections)} connections: a pool with max_connections={diagnosis.peak}, or a "
                "semaphore)"
            )
        evidence += cut
        found.append(Finding(kind, evidence, diagnosis.peak))
    else:
        found += _blocking(ev.waves, n)
    if len(ev.waves) == 2:
        found += _churn(ev.waves[0], ev.waves[1], n)
    return found


def _blocking(waves: list[Wave], n: int) -> list[Finding]:
    """Requests that overlap at the model but reach it late or far apart: the loop stops before each call."""
    spread = min(w.spread or 0.0 for w in waves)
    fastest = min(w.result.elapsed for w in waves)
    limit = LATENCY_MS / 1000 + SLACK_S
    lag = min((w.loop_lag for w in waves if w.loop_lag is not None), default=None)
    probe = "no answer" if lag is None else f"{lag * 1000:.0f} ms"
    if spread > SPREAD_S:
        why = f"the {n} requests reached the model over {spread:.2f} s ({spread / n * 1000:.0f} ms of the loop each)"
    elif fastest > limit or not all(w.complete for w in waves):
        why = f"a wave of {n} took {fastest:.2f} s against a {LATENCY_MS} ms upstream"
    else:
        return []
    return [Finding("event-loop-blocked", f"{why}; a 404 mid-wave took {probe}: something in the handler blocks")]


def _churn(first: Wave, second: Wave, n: int) -> list[Finding]:
    closed = closed_between(first, second)
    fresh = new_connections(first, second)
    if not closed or not fresh:
        return []
    return [
        Finding(
            "connection-churn",
            f"the first wave of {n} used {len(first.connections)} connections; the client closed {closed} of them "
            f"while idle (the mock keeps idle connections 75 s) and the second wave opened {fresh} new ones: "
            "max_keepalive_connections is below the pool's use",
            closed,
        )
    ]
