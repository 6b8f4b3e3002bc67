"""Grader of exercise 05: `stream_text` reads a stream to its end, `first_words` hangs up once it has its words.

One run of the learner's module against one mock server that streams one word per chunk:

* a probe builds the client the learner's functions get, in the learner's process: an `AsyncOpenAI` with a pool
  of 2 connections, a 1 s pool timeout and no retries, tagged so the mock tells its requests apart;
* `stream_text` ×3 (short answers), `first_words` ×2 (long answers, chunks 80 ms apart), a checkpoint, then
  `first_words` ×2, a checkpoint, `stream_text` once more. A checkpoint is a probe that reads the mock's stats
  between two calls, while whatever the learner's code left behind is still alive;
* the driver holds the garbage collector: a stream dropped without closing keeps its connection (it holds
  itself in a reference cycle), whatever the collector's timing, so the third `first_words` finds the pool full.

Evidence of a right answer: every request streamed, from the given client (async, tagged); the three
`stream_text` calls share one connection (read to the end, the SDK reads the end of the body and keeps it); each
`first_words` request ends with the client hanging up mid-stream; at both checkpoints nothing is in flight and
at most one connection is open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..grading.checks import check_model, model_records
from ..grading.harness import Grading
from ..grading.learner import Call, LearnerError, Outcome, Ref
from ..mock import Record, Stats, answer_for

MODEL = "gpt-4o-mini"
POOL = 2  # connections in the given client's pool
POOL_TIMEOUT_S = 1.0  # how long a call waits for a free connection before APITimeoutError
TAG = "clientlab-ex05"
N = 3  # first_words' n
STREAM_INTERVAL_MS = 10  # between chunks of stream_text's short answers
WORDS_INTERVAL_MS = 80  # between chunks of first_words' long answers: time to hang up long before the end
WORDS_MARK = "first words, please:"
RUN_LIMIT_S = 20.0
SETTLE_S = 3.0  # after the run, for the mock to record the streams the process's end hung up on
HANGUP = "disconnected_mid_stream"
PROBE = "clientlab.graders.probes:"

STREAM_QS = [
    "Stream question 1: what is a stream?",
    "Stream question 2: when is a stream over?",
    "Stream question 3: who closes a stream?",
    "Stream question 4: is the pool still usable?",
]
_LONG = "tell me all about connection pools, keep-alive, chunked transfer encoding and server-sent events"
WORDS_QS = [f"Question {i}, {WORDS_MARK} {_LONG}" for i in range(1, 5)]

HINT_CLOSE = (
    "close the stream as soon as you have the words: `async with await client.chat.completions.create(..., "
    "stream=True) as stream:` around the loop (leaving the block by break or return closes it), or `await "
    "stream.close()` in a `finally:`. Leaving the loop does not close it, and neither does dropping it: the "
    "stream holds itself in a reference cycle, so only the garbage collector would, some time later"
)
RUN_HINTS = {
    "does not support the asynchronous context manager protocol": (
        "create(...) is a coroutine: await it first, then enter the stream it returns: `async with await "
        "client.chat.completions.create(..., stream=True) as stream:`"
    ),
    "client has been closed": (
        "a call found the client closed: your code closed the client it was given (client.close()), which ends "
        "its whole pool for every later caller. Close the stream instead: `await stream.close()`, or leave an "
        "`async with ... as stream:` block"
    ),
    "expected str instance, NoneType found": (
        "some chunks carry no text: chunk.choices[0].delta.content is None in the last one (finish_reason "
        '"stop") and "" in the first; skip those (`if delta.content:`) before joining'
    ),
    "object is not iterable": (
        "an AsyncOpenAI stream is read with `async for chunk in stream:`, not `for`; and create(...) must be "
        "awaited first"
    ),
}


NEVER_AWAITED = re.compile(r"coroutine '((?:\w+\.)*a?close)' was never awaited")


def expected_words(question: str, n: int = N) -> str:
    """What first_words must return: the answer's first n words, joined by single spaces."""
    return " ".join(answer_for(question).split()[:n])


@dataclass(frozen=True)
class Step:
    """One call of the script: which function, which question, and what it must return."""

    fn: str
    question: str | None = None

    @property
    def expected(self) -> str | None:
        if self.question is None:
            return None
        return answer_for(self.question) if self.fn == "stream_text" else expected_words(self.question)


# The script, after the probe that builds the client (call 0); a checkpoint reads the mock's stats.
SCRIPT: list[Step] = [
    *(Step("stream_text", q) for q in STREAM_QS[:3]),
    *(Step("first_words", q) for q in WORDS_QS[:2]),
    Step("checkpoint"),
    *(Step("first_words", q) for q in WORDS_QS[2:]),
    Step("checkpoint"),
    Step("stream_text", STREAM_QS[3]),
]


def plan(mock_url: str, token: str) -> list[Call]:
    """The calls: the probe building the client, then the script (the checkpoints read the mock's stats)."""
    calls = [Call(PROBE + "small_pool_client", [POOL, POOL_TIMEOUT_S, 0, TAG])]
    for step in SCRIPT:
        if step.fn == "checkpoint":
            calls.append(Call(PROBE + "mock_snapshot", [mock_url, token]))
        elif step.fn == "first_words":
            calls.append(Call(step.fn, [Ref(0), step.question, N]))
        else:
            calls.append(Call(step.fn, [Ref(0), step.question]))
    return calls


@dataclass
class Evidence:
    """What the run left: each step's result or error, the records of each question, the checkpoints."""

    outcome: Outcome
    records: list[Record]

    def index(self, step: int) -> int:
        return step + 1  # call 0 is the probe

    def returned(self, step: int) -> bool:
        return self.index(step) in self.outcome.returned

    def value(self, step: int) -> object:
        return self.outcome.returned.get(self.index(step))

    def of(self, question: str) -> list[Record]:
        return [r for r in self.records if r.prompt == question]

    def steps(self, fn: str) -> list[int]:
        return [i for i, s in enumerate(SCRIPT) if s.fn == fn]

    def records_of(self, fn: str) -> list[Record]:
        return [r for i in self.steps(fn) for r in self.of(SCRIPT[i].question or "")]

    @property
    def checkpoints(self) -> list[tuple[int, Stats]]:
        """(how many first_words calls came before, the stats then) for each checkpoint the run reached."""
        out = []
        for i in self.steps("checkpoint"):
            data = self.value(i)
            if isinstance(data, dict) and "in_flight" in data:
                before = sum(1 for s in SCRIPT[:i] if s.fn == "first_words")
                out.append((before, Stats.from_dict(data)))
        return out

    @property
    def pool_ran_out(self) -> tuple[str, LearnerError] | None:
        """The call that raised APITimeoutError waiting for a connection of the given pool, if one did."""
        for index, error in sorted(self.outcome.raised.items()):
            step = index - 1
            if 0 <= step < len(SCRIPT) and error.message.startswith("APITimeoutError"):
                return SCRIPT[step].fn, error
        return None


def grade(g: Grading) -> None:
    rules = [{"match": WORDS_MARK, "behaviour": {"chunk_interval_ms": WORDS_INTERVAL_MS}}]
    mock = g.mock(chunk_interval_ms=STREAM_INTERVAL_MS, rules=rules)
    outcome = g.run_calls(plan(mock.url, mock.control_token), mock, time_limit=RUN_LIMIT_S, hold_gc=True)
    ev = Evidence(outcome, model_records(mock.settled_stats(SETTLE_S).records))
    if not _check_ran(g, ev):
        return
    _check_answers(g, ev)
    check_model(g, ev.records, MODEL, "your calls")
    streamed = _check_streams(g, ev)
    _check_given_client(g, ev)
    # Whether the connection is kept is the pool's business: judged only on the given client's streams.
    if "stream_text" in streamed and all(r.client_tag == TAG for r in ev.records_of("stream_text")):
        _check_stream_text_connection(g, ev)
    leaked = _check_nothing_left_open(g, ev)
    if not leaked and "first_words" in streamed:
        _check_hangs_up(g, ev)


# -- the checks --------------------------------------------------------------------------------------------
def _check_ran(g: Grading, ev: Evidence) -> bool:
    """Every call returned; a call that found the pool full is the leak check's evidence, not a crash."""
    outcome = ev.outcome
    ran_out = ev.pool_ran_out
    if ran_out is not None and outcome.error is not None and outcome.error.message.startswith("APITimeoutError"):
        fn, _ = ran_out
        return g.check(
            "your code ran",
            True,
            f"{g.filename} imported and its calls returned until a call of {fn} found the pool full (below)",
        )
    return g.ran(outcome, RUN_HINTS)


def _check_answers(g: Grading, ev: Evidence) -> bool:
    name = "it returns the answers' text"
    done = [(i, s) for i, s in enumerate(SCRIPT) if s.question is not None and ev.returned(i)]
    objects = sorted(
        {
            v["$object"].rsplit(".", 1)[-1]
            for v in (ev.value(i) for i, _ in done)
            if isinstance(v, dict) and "$object" in v
        }
    )
    if objects:
        return g.check(
            name,
            False,
            f"your functions returned a {', '.join(objects)} object, not text",
            "collect the text of each chunk, chunk.choices[0].delta.content, and return it as a str",
        )
    for i, step in done:
        got = ev.value(i)
        if got == step.expected:
            continue
        call = f"{step.fn}(client, {step.question!r}{', ' + str(N) if step.fn == 'first_words' else ''})"
        evidence = f"{call} returned {got!r}; the mock's answer gives {step.expected!r}"
        if step.fn == "stream_text":
            hint = (
                "join the text of every chunk, chunk.choices[0].delta.content (skipping None and empty ones), "
                "exactly as it comes: the deltas carry their own spaces"
            )
        else:
            hint = (
                "collect the text as it streams and split it into words (text.split()); return the first n, "
                "joined by single spaces (' '.join(words[:n])): a chunk is not a word (the first one is empty, "
                "and a real model splits words across chunks)"
            )
        return g.check(name, False, evidence, hint)
    asked = sum(1 for s in SCRIPT if s.question is not None)
    if len(done) < asked:
        return g.check(name, True, f"the {len(done)} calls that returned gave the right text")
    return g.check(name, True, f"stream_text returned the whole answers, first_words their first {N} words")


def _check_streams(g: Grading, ev: Evidence) -> set[str]:
    """Which functions streamed every request (the check fails for any that did not)."""
    name = "every call streams"
    streamed: set[str] = set()
    plain = []
    for fn in ("stream_text", "first_words"):
        records = ev.records_of(fn)
        if records and all(r.stream for r in records):
            streamed.add(fn)
        elif records:
            plain.append(f"{fn} ({sum(not r.stream for r in records)} of {len(records)} requests)")
    if not plain:
        g.check(name, True, "every request of stream_text and first_words asked for stream=True")
        return streamed
    g.check(
        name,
        False,
        f"requests without stream=True: {', '.join(plain)}: the whole answer was generated and sent before your "
        "code saw its first word",
        "pass stream=True to client.chat.completions.create(...) and read the chunks as they come: without it, "
        "first_words can only cut the words out of an answer the server has already sent in full",
    )
    return streamed


def _check_given_client(g: Grading, ev: Evidence) -> bool:
    name = "it uses the client it is given"
    records = ev.records
    sync = [r for r in records if r.is_async is False]
    other = [r for r in records if r.client_tag != TAG]
    if not other and not sync:
        return g.check(name, True, f"all {len(records)} requests came from the given AsyncOpenAI")
    conns = len({r.conn for r in other})
    if sync:
        evidence = (
            f"{len(sync)} of {len(records)} requests came from a sync OpenAI client of your own "
            f"(x-stainless-async: false), on {conns} connection(s), not through the given AsyncOpenAI"
        )
        hint = (
            "use the `client` argument, an AsyncOpenAI: `await client.chat.completions.create(...)` and `async "
            "for`. A sync client blocks the event loop while it waits, and a sync chat stream throws its connection "
            "away even when read to the end"
        )
    else:
        evidence = (
            f"{len(other)} of {len(records)} requests did not come from the given client (its tag was missing), "
            f"on {conns} connection(s): your code made a client of its own"
        )
        hint = (
            "use the `client` argument your functions receive: its owner chose its pool and settings, and a client "
            "made per call opens a new connection each time and leaves it open until it is collected"
        )
    return g.check(name, False, evidence, hint)


def _check_stream_text_connection(g: Grading, ev: Evidence) -> None:
    name = "stream_text reads to the end and keeps the connection"
    steps = ev.steps("stream_text")[:3]
    records = [r for i in steps for r in ev.of(SCRIPT[i].question or "")]
    if len(records) < 3:
        return
    conns = len({r.conn for r in records})
    outcomes = sorted({r.outcome or "in flight" for r in records})
    if conns == 1 and outcomes == ["ok"]:
        g.check(name, True, "stream_text's 3 calls in a row streamed on one connection, each to its end")
        return
    sent = ", ".join(f"{r.chunks_sent} of {chunks_of(r.prompt or '')}" for r in records)
    said = f"stream_text's 3 calls in a row came on {conns} connections (chunks sent: {sent}; {', '.join(outcomes)})"
    if all(ev.value(i) == SCRIPT[i].expected for i in steps):
        g.check(
            name,
            False,
            f"{said}: it returned each whole answer but stopped reading before the stream's end, so the "
            "connection could not be reused",
            'read until the stream ends: after the chunk with finish_reason "stop" comes "data: [DONE]", and only '
            "then does the SDK read the end of the body, which is what lets it keep the connection. Do not break "
            'at finish_reason == "stop"; let `async for` end by itself',
        )
        return
    g.check(
        name,
        False,
        f"{said}: stream_text hung up before the answer was over",
        "read the stream to its end with `async for chunk in stream:`, no break: stream_text returns the whole answer",
    )


def chunks_of(question: str) -> int:
    """How many chunks the mock streams for a question: the role, a word each, finish_reason, [DONE]."""
    return len(answer_for(question).split()) + 3


def _check_nothing_left_open(g: Grading, ev: Evidence) -> bool:
    """Whether first_words (or a client made per call) left connections behind; returns True if so."""
    name = "nothing is left open between calls"
    points = ev.checkpoints
    ran_out = ev.pool_ran_out
    leaks = [(before, s) for before, s in points if held(s) or s.connections_open > 1]
    if ran_out is None and not leaks:
        seen = "; ".join(
            f"after {before} first_words: {len(held(s))} stream(s) in flight, {s.connections_open} connection(s) open"
            for before, s in points
        )
        if len(points) < len(ev.steps("checkpoint")):
            return False  # the run ended early for another reason, said above
        g.check(name, True, seen)
        return False
    described = [_describe_checkpoint(before, s) for before, s in (leaks or points[:1])]
    unawaited = NEVER_AWAITED.search(ev.outcome.output)
    hint = HINT_CLOSE
    if unawaited:
        described.append(f"and Python warned: coroutine {unawaited.group(1)!r} was never awaited")
        hint = (
            f"{unawaited.group(1)}() is a coroutine: without `await` it never runs, so nothing was closed. Write "
            "`await stream.close()`, or let `async with await client.chat.completions.create(..., stream=True) as "
            "stream:` close it"
        )
    if ran_out is not None:
        fn, error = ran_out
        count = sum(1 for i in ev.steps(fn) if ev.returned(i))
        evidence = (
            f"after {count} call(s) of {fn}, the next one waited {POOL_TIMEOUT_S:g} s for one of the pool's "
            f"{POOL} connections and raised {error.message.split(':', 1)[0]}"
        )
        if described:
            evidence += "; " + "; ".join(described)
        if fn == "stream_text" and not unawaited:
            hint = (
                "stream_text left its streams unfinished and open, each holding a connection: read the stream to "
                'its end (the chunk with finish_reason "stop" is not the end: "data: [DONE]" follows), and close '
                "it whatever happens: `async with await client.chat.completions.create(..., stream=True) as stream:`"
            )
        g.check(name, False, evidence, hint)
        return True
    streaming = any(held(s) for _, s in leaks)
    evidence = "; ".join(described)
    if streaming:
        g.check(name, False, evidence + ": streams your code no longer reads, still holding connections", hint)
    else:
        g.check(
            name,
            False,
            evidence + ", with no request on them: idle connections of clients that were never closed",
            "use the client you are given, and build no client per call: each keeps its connections open until "
            "the garbage collector gets to it (if you must make one, close it: `async with AsyncOpenAI() as c:`)",
        )
    return True


def held(stats: Stats) -> list[Record]:
    """Requests still in flight on a connection still open: streams the client holds. (One whose connection
    is already closed is a hang-up the mock has not finished recording.)"""
    open_conns = {c["id"] for c in stats.connections if c.get("open")}
    return [r for r in stats.open_records if r.conn in open_conns]


def _describe_checkpoint(before: int, stats: Stats) -> str:
    said = f"after {before} first_words the mock had {stats.connections_open} connection(s) open"
    flying = held(stats)
    if flying:
        sent = ", ".join(str(r.chunks_sent) for r in flying)
        said += f" and {len(flying)} stream(s) still being sent (chunks sent so far: {sent})"
    return said


def _check_hangs_up(g: Grading, ev: Evidence) -> None:
    name = "first_words hangs up once it has its words"
    records = ev.records_of("first_words")
    if not records:
        return
    hung_up = [r for r in records if r.outcome == HANGUP]
    total = chunks_of(WORDS_QS[0])
    sent = ", ".join(str(r.chunks_sent) for r in records)
    late = [r for r in hung_up if r.chunks_sent > total // 2]
    if len(hung_up) == len(records) and not late:
        g.check(
            name,
            True,
            f"the client hung up on each of first_words' {len(records)} streams after {sent} of about {total} chunks",
        )
        return
    if len(hung_up) == len(records):
        g.check(
            name,
            False,
            f"the client hung up on first_words' streams after {sent} of about {total} chunks: {len(late)} of "
            f"them read on long after the first {N} words (more than half of the answer)",
            "stop reading as soon as the text so far has n words (`len(text.split()) >= n`), not at the end of "
            "the answer or after a while: every chunk after the n-th word is time the caller waits for nothing. "
            + HINT_CLOSE[0].upper()
            + HINT_CLOSE[1:],
        )
        return
    conns = len({r.conn for r in records})
    reuse = f", on {conns} connection(s)" if conns < len(records) else ""
    g.check(
        name,
        False,
        f"{len(records) - len(hung_up)} of first_words' {len(records)} streams were sent to the end ({sent} of "
        f"about {total} chunks{reuse}): first_words read the whole answer, then took its words",
        "stop reading once you have n words, and close the stream there: the rest of the answer is wasted time "
        "and tokens, and the connection stays busy until it is over. " + HINT_CLOSE[0].upper() + HINT_CLOSE[1:],
    )
