"""A small hey-like HTTP load generator for the course, built on aiohttp.

The model is *closed-loop*: ``concurrency`` workers share a budget of ``n`` requests and each
worker fires its next request as soon as its previous one has finished, over one keep-alive
``aiohttp.ClientSession`` whose connector allows exactly ``concurrency`` connections. So at most
``concurrency`` requests are ever in flight and connections are reused, like ``hey -n N -c C``.

Why aiohttp and not httpx: a load generator must be much faster than the server it measures,
otherwise it measures itself. Measured on this course's 2-core machine (client and server share
the cores) against a raw ASGI app returning a small JSON under uvicorn (httptools + uvloop,
separate process), closed loop at ``-c 50`` with keep-alive, default asyncio loop in the client:

    measured 2026-11: aiohttp 3.14 ~7,900 req/s (median of 6 runs, 5,200-9,400)
                      vs httpx 0.28 AsyncClient ~390 req/s (median of 6 runs, 340-500)

So the claim holds: httpx 0.28 caps near 400 req/s and would report its own ceiling, not the
server's. Even aiohttp is client-bound against such a trivial app (``wrk -t2 -c50`` got ~30,000
req/s from the same server), so use wrk for raw-server throughput; this generator is for
realistic endpoints, latency distributions and per-request checks.

Use it from Python (``run_load`` also works inside a running loop, e.g. a Jupyter cell)::

    from clientlab.load import run_load
    result = run_load("http://127.0.0.1:8000/health", n=1000, concurrency=50)
    print(result.summary())

or from the shell: ``python -m clientlab load URL -n 1000 -c 50``.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

__all__ = ["LoadResult", "main", "run_load", "run_load_async"]

Body = bytes | str | dict | None

_DIST_PERCENTILES = (10, 25, 50, 75, 90, 95, 99)
_HIST_BUCKETS = 10
_BAR_WIDTH = 40


def _percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list (nan when empty)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def _nan_to_none(x: float) -> float | None:
    return None if math.isnan(x) else x


@dataclass
class LoadResult:
    """Outcome of one load run; times are in seconds."""

    n: int
    concurrency: int
    elapsed: float
    latencies: list[float] = field(default_factory=list)
    status_counts: dict[int, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    bodies: list[bytes | None] | None = None
    starts: list[float] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._sorted: list[float] | None = None

    def _sorted_latencies(self) -> list[float]:
        if self._sorted is None or len(self._sorted) != len(self.latencies):
            self._sorted = sorted(self.latencies)
        return self._sorted

    def percentile(self, p: float) -> float:
        """Nearest-rank latency percentile in seconds (nan if nothing completed)."""
        return _percentile(self._sorted_latencies(), p)

    @property
    def completed(self) -> int:
        """Requests that got an HTTP response (any status)."""
        return len(self.latencies)

    @property
    def failed(self) -> int:
        """Requests that got no response (timeouts, connection errors, ...)."""
        return sum(self.errors.values())

    @property
    def ok(self) -> int:
        """Requests answered with a 2xx status."""
        return sum(c for s, c in self.status_counts.items() if 200 <= s < 300)

    @property
    def rps(self) -> float:
        """Completed responses per second of wall time."""
        return self.completed / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p90(self) -> float:
        return self.percentile(90)

    @property
    def p99(self) -> float:
        return self.percentile(99)

    @property
    def max(self) -> float:
        s = self._sorted_latencies()
        return s[-1] if s else math.nan

    @property
    def min(self) -> float:
        s = self._sorted_latencies()
        return s[0] if s else math.nan

    @property
    def mean(self) -> float:
        return sum(self.latencies) / len(self.latencies) if self.latencies else math.nan

    def _histogram_lines(self) -> list[str]:
        lat = self._sorted_latencies()
        if not lat:
            return ["  (no responses)"]
        lo, hi = lat[0], lat[-1]
        if hi == lo:
            return [f"  {hi:.4f} [{len(lat)}]\t|{'■' * _BAR_WIDTH}"]
        width = (hi - lo) / _HIST_BUCKETS
        counts = [0] * _HIST_BUCKETS
        for x in lat:
            counts[min(int((x - lo) / width), _HIST_BUCKETS - 1)] += 1
        top = max(counts)
        lines = []
        for i, c in enumerate(counts):
            bar = "■" * (max(1, round(_BAR_WIDTH * c / top)) if c else 0)
            lines.append(f"  {lo + width * (i + 1):.4f} [{c}]\t|{bar}")
        return lines

    def summary(self) -> str:
        """A hey-like multi-line text report."""
        out = [
            "",
            "Summary:",
            f"  Total:\t{self.elapsed:.4f} secs",
            f"  Slowest:\t{self.max:.4f} secs",
            f"  Fastest:\t{self.min:.4f} secs",
            f"  Average:\t{self.mean:.4f} secs",
            f"  Requests/sec:\t{self.rps:.4f}",
            f"  Requests:\t{self.n} sent, {self.completed} answered, {self.ok} 2xx, "
            f"{self.failed} failed (concurrency {self.concurrency})",
            "",
            "Response time histogram:",
            *self._histogram_lines(),
            "",
            "Latency distribution:",
        ]
        if self.latencies:
            out += [f"  {p}% in {self.percentile(p):.4f} secs" for p in _DIST_PERCENTILES]
        else:
            out.append("  (no responses)")
        out += ["", "Status code distribution:"]
        out += [f"  [{s}]\t{c} responses" for s, c in sorted(self.status_counts.items())]
        if self.errors:
            out += ["", "Error distribution:"]
            out += [f"  [{c}]\t{e}" for e, c in sorted(self.errors.items(), key=lambda kv: -kv[1])]
        out.append("")
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary (latencies in seconds, nan shown as None)."""
        return {
            "n": self.n,
            "concurrency": self.concurrency,
            "elapsed": self.elapsed,
            "completed": self.completed,
            "ok": self.ok,
            "failed": self.failed,
            "rps": self.rps,
            "latency": {
                "min": _nan_to_none(self.min),
                "mean": _nan_to_none(self.mean),
                "max": _nan_to_none(self.max),
                **{f"p{p}": _nan_to_none(self.percentile(p)) for p in _DIST_PERCENTILES},
            },
            "status_counts": {str(s): c for s, c in sorted(self.status_counts.items())},
            "errors": dict(self.errors),
        }


def _error_key(exc: BaseException) -> str:
    """Short 'ClassName: message' label used to group errors."""
    name = type(exc).__name__
    msg = str(exc).strip()
    if len(msg) > 160:
        msg = msg[:157] + "..."
    return f"{name}: {msg}" if msg else name


def _request_kwargs(body: Body) -> dict[str, Any]:
    if body is None:
        return {}
    if isinstance(body, dict):
        return {"json": body}
    if isinstance(body, str):
        return {"data": body.encode()}
    return {"data": body}


async def run_load_async(
    url: str,
    *,
    n: int,
    concurrency: int,
    method: str = "GET",
    body: Body = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
    keep_bodies: bool = False,
    url_for: Callable[[int], str] | None = None,
    body_for: Callable[[int], Body] | None = None,
) -> LoadResult:
    """Send ``n`` requests with ``concurrency`` closed-loop workers over keep-alive connections.

    ``url_for(i)`` / ``body_for(i)`` override ``url`` / ``body`` for request index ``i``.
    ``dict`` bodies go out as JSON. Failures (timeouts, refused connections, ...) are counted in
    ``errors``; they never raise. Each request has a total timeout of ``timeout`` seconds.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    if concurrency < 1:
        raise ValueError("concurrency must be >= 1")
    method = method.upper()
    nan = math.nan
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    starts = [nan] * n
    ends = [nan] * n
    bodies: list[bytes | None] | None = [None] * n if keep_bodies else None
    next_index = 0

    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    session = aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=timeout),
        cookie_jar=aiohttp.DummyCookieJar(),
        headers=headers,
    )
    clock = time.perf_counter
    t0 = clock()

    async def worker() -> None:
        nonlocal next_index
        while next_index < n:
            i = next_index
            next_index += 1
            start = clock()
            try:
                req_url = url_for(i) if url_for is not None else url
                kwargs = _request_kwargs(body_for(i) if body_for is not None else body)
                async with session.request(method, req_url, **kwargs) as resp:
                    data = await resp.read()
                    status = resp.status
            except Exception as exc:  # a load generator records failures, it does not stop on them
                errors[_error_key(exc)] += 1
                continue
            end = clock()
            latencies.append(end - start)
            statuses[status] += 1
            starts[i] = start - t0
            ends[i] = end - t0
            if bodies is not None:
                bodies[i] = data

    try:
        await asyncio.gather(*(worker() for _ in range(min(concurrency, max(n, 1)))))
    finally:
        elapsed = clock() - t0
        await session.close()

    return LoadResult(
        n=n,
        concurrency=concurrency,
        elapsed=elapsed,
        latencies=latencies,
        status_counts=dict(statuses),
        errors=dict(errors),
        bodies=bodies,
        starts=starts,
        ends=ends,
    )


def run_load(
    url: str,
    *,
    n: int,
    concurrency: int,
    method: str = "GET",
    body: Body = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
    keep_bodies: bool = False,
    url_for: Callable[[int], str] | None = None,
    body_for: Callable[[int], Body] | None = None,
) -> LoadResult:
    """Synchronous ``run_load_async``; inside a running event loop it runs in a worker thread."""

    def go() -> LoadResult:
        return asyncio.run(
            run_load_async(
                url,
                n=n,
                concurrency=concurrency,
                method=method,
                body=body,
                headers=headers,
                timeout=timeout,
                keep_bodies=keep_bodies,
                url_for=url_for,
                body_for=body_for,
            )
        )

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return go()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="run_load") as pool:
        return pool.submit(go).result()


def _parse_header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"header must look like 'Name: value', got {text!r}")
    return name.strip(), value.strip()


def _build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m clientlab load",
        description="hey-like closed-loop HTTP load generator (aiohttp, keep-alive).",
    )
    p.add_argument("url", help="target URL")
    p.add_argument("-n", type=int, default=200, help="total number of requests (default 200)")
    p.add_argument("-c", type=int, default=50, help="concurrent workers/connections (default 50)")
    p.add_argument("-m", "--method", default=None, help="HTTP method (default GET, or POST with a body)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--json", metavar="BODY", help="JSON request body (sets Content-Type)")
    group.add_argument("-d", "--data", metavar="BODY", help="raw request body")
    p.add_argument(
        "-H",
        dest="headers",
        action="append",
        type=_parse_header,
        default=[],
        metavar="'Name: value'",
        help="extra header, repeatable",
    )
    p.add_argument("-t", "--timeout", type=float, default=30.0, help="per-request timeout in seconds")
    p.add_argument("--output-json", action="store_true", help="print a JSON summary instead of text")
    return p


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; returns 0 when every request got a 2xx answer, else 1."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("-n must be >= 1")
    if args.c < 1:
        parser.error("-c must be >= 1")
    headers = dict(args.headers)
    body: str | None = None
    if args.json is not None:
        body = args.json
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json"
    elif args.data is not None:
        body = args.data
    method = args.method or ("POST" if body is not None else "GET")
    result = run_load(
        args.url,
        n=args.n,
        concurrency=args.c,
        method=method,
        body=body,
        headers=headers or None,
        timeout=args.timeout,
    )
    if args.output_json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(result.summary())
    return 0 if result.ok == result.n else 1


if __name__ == "__main__":
    sys.exit(main())
