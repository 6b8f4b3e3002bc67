"""Helpers for lesson 04 (timeouts and retries): counting attempts, the worst-case formula, misbehaving
sockets for the connect and write phases, and running independent experiments at the same time."""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx2
import openai
from openai._constants import INITIAL_RETRY_DELAY, MAX_RETRY_DELAY

from ..mock import MockServer, Record, Stats

MODEL = "gpt-4o-mini"
K = TypeVar("K", bound=Hashable)


def ask(client: openai.OpenAI, question: str, **options: Any) -> str:
    """One chat completion through `client`; the answer's text. `options` go to `create(...)`."""
    completion = client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": question}], **options
    )
    return completion.choices[0].message.content or ""


def counted_http_client(**options: Any) -> tuple[httpx2.Client, list[httpx2.Request]]:
    """The SDK's own HTTP client (`openai.DefaultHttpxClient`) plus a list it appends every request to,
    just before sending it: one entry per attempt, whether the attempt reaches a server or not."""
    sent: list[httpx2.Request] = []
    return openai.DefaultHttpxClient(event_hooks={"request": [sent.append]}, **options), sent


# -- the worst case -----------------------------------------------------------------------------------
def backoff_range(retry: int) -> tuple[float, float]:
    """The SDK's sleep before retry number `retry` (1 for the first): min(0.5 * 2^(n-1), 8) s, less up to 25 %."""
    nominal = min(INITIAL_RETRY_DELAY * 2 ** (retry - 1), MAX_RETRY_DELAY)
    return 0.75 * nominal, nominal


def worst_case(timeout: float, max_retries: int) -> tuple[float, float]:
    """How long a call can take against a server that never answers: (R+1)·T plus R backoffs.

    Returns the range the jitter allows (shortest, longest backoffs). Connect time and the server's
    Retry-After (up to 120 s per retry) come on top.
    """
    sleeps = [backoff_range(n) for n in range(1, max_retries + 1)]
    attempts = (max_retries + 1) * timeout
    return attempts + sum(lo for lo, _ in sleeps), attempts + sum(hi for _, hi in sleeps)


# -- running experiments -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """What one call did: its value or the exception it raised, and how long it took."""

    value: Any
    error: BaseException | None
    seconds: float

    @property
    def raised(self) -> str:
        """The exception as `APITimeoutError (cause: ReadTimeout)`, or `-` when the call returned."""
        if self.error is None:
            return "-"
        return describe(self.error)


def describe(error: BaseException) -> str:
    """An exception's class, with the class of its cause when it has one."""
    cause = error.__cause__
    return type(error).__name__ + (f" (cause: {type(cause).__name__})" if cause is not None else "")


def run(call: Callable[[], Any]) -> Outcome:
    """Call `call()` and keep what happened, exception included."""
    started = time.perf_counter()
    try:
        value, error = call(), None
    except Exception as exc:
        value, error = None, exc
    return Outcome(value, error, time.perf_counter() - started)


def at_once(calls: Mapping[K, Callable[[], Any]]) -> dict[K, Outcome]:
    """Run independent calls at the same time, one thread each (they mostly wait, so this saves wall time
    without changing what each one measures); outcomes by name, in the order given."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = {name: pool.submit(run, call) for name, call in calls.items()}
        return {name: future.result() for name, future in futures.items()}


def settle(mock: MockServer, wait: float = 5.0) -> Stats:
    """The mock's stats once no request is in flight any more, or after `wait` seconds."""
    return mock.settled_stats(wait)


def gaps(records: Sequence[Record]) -> list[float]:
    """Seconds between the end of each attempt and the start of the next, on the server's clock."""
    rows = sorted(records, key=lambda r: r.start)
    return [later.start - earlier.end for earlier, later in itertools.pairwise(rows)]


def seconds(values: Sequence[float]) -> str:
    """`0.43 s, 0.91 s`: measured durations, two decimals each."""
    return ", ".join(f"{v:.2f} s" for v in values)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Rows as aligned text columns."""
    cells = [[str(h) for h in headers], *([str(c) for c in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells)


# -- sockets that misbehave on purpose (127.0.0.1, a free port each) ---------------------------------
@contextlib.contextmanager
def unanswered_port(fillers: int = 3) -> Iterator[int]:
    """A port whose listening socket's accept queue is full: the kernel drops new connection attempts
    (SYNs) without answering, so a client's connect hangs until its connect timeout."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    queued = []
    try:
        for _ in range(fillers):  # connections nobody accepts: they fill the queue
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            queued.append(filler)
        time.sleep(0.1)
        yield port
    finally:
        for filler in queued:
            filler.close()
        server.close()


@contextlib.contextmanager
def deaf_server() -> Iterator[tuple[int, list[socket.socket]]]:
    """A server that accepts connections and never reads from them: once the socket buffers are full, a
    client sending a large body blocks until its write timeout. Yields the port and the accepted sockets."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)  # small buffers, inherited when accepted
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []

    def accept_forever() -> None:
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:
                return

    thread = threading.Thread(target=accept_forever, name="deaf-server", daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], accepted
    finally:
        server.close()
        for conn in accepted:
            conn.close()
        thread.join(timeout=1)


def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def retry_sleeps_recorded() -> Iterator[list[float]]:
    """Inside the block, the SDK's sleeps between attempts (made by this thread) are recorded instead of
    slept: the list shows how long the SDK *would* have waited, and the retry happens at once."""
    from openai import _base_client  # the module whose `time.sleep` the sync client calls between attempts

    real_sleep = _base_client.time.sleep
    caller = threading.current_thread()
    asked: list[float] = []

    def sleep(secs: float) -> None:
        if threading.current_thread() is caller:
            asked.append(secs)
        else:
            real_sleep(secs)

    _base_client.time.sleep = sleep  # type: ignore[attr-defined]
    try:
        yield asked
    finally:
        _base_client.time.sleep = real_sleep  # type: ignore[attr-defined]
