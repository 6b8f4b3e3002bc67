"""Helpers for lesson 03 (connection limits): reading a client's pool settings, sending batches, churn runs."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx2
import openai

from ..mock import MockServer


def _seconds(value: float | None) -> str:
    return "none (forever)" if value is None else f"{value:g} s"


def describe_timeout(timeout: Any) -> str:
    """A timeout (number, httpx2/httpx Timeout or None) in one short phrase: "600 s (connect 5 s)"."""
    if timeout is None or isinstance(timeout, int | float):
        return _seconds(timeout)
    read, connect = timeout.read, timeout.connect
    return _seconds(read) if connect == read else f"{_seconds(read)} (connect {_seconds(connect)})"


def pool_of(http_client: Any) -> Any:
    """The connection pool inside an httpx2 or httpx client (private attributes: for inspection only)."""
    return http_client._transport._pool


def pool_settings(client: openai.AsyncOpenAI | openai.OpenAI) -> dict[str, Any]:
    """What a client will really do, read from its HTTP client and that client's pool."""
    http_client = client._client
    pool = pool_of(http_client)
    return {  # short column names: the table must fit a notebook without wrapping
        "library": "httpx2" if isinstance(http_client, httpx2.Client | httpx2.AsyncClient) else "httpx",
        "max conn.": pool._max_connections,
        "keep-alive": pool._max_keepalive_connections,
        "expiry": _seconds(pool._keepalive_expiry),
        "its timeout": describe_timeout(http_client.timeout),
        "redirects": "follows" if http_client.follow_redirects else "off",
        "SDK timeout": describe_timeout(client.timeout),
    }


def settings_table(clients: dict[str, openai.AsyncOpenAI | openai.OpenAI]) -> str:
    """One row of `pool_settings` per client, as aligned text."""
    rows = {name: pool_settings(client) for name, client in clients.items()}
    columns = list(next(iter(rows.values())))
    width = max(len(name) for name in rows) + 2
    sizes = [max(len(c), *(len(str(r[c])) for r in rows.values())) + 2 for c in columns]
    lines = ["".ljust(width) + "".join(c.ljust(s) for c, s in zip(columns, sizes, strict=True))]
    for name, row in rows.items():
        lines.append(name.ljust(width) + "".join(str(row[c]).ljust(s) for c, s in zip(columns, sizes, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


async def ask(client: openai.AsyncOpenAI, question: str, **options: Any) -> str:
    """One chat completion through `client`; the answer's text."""
    completion = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": question}], **options
    )
    return completion.choices[0].message.content or ""


async def batch(client: openai.AsyncOpenAI, n: int, tag: str = "q", **options: Any) -> list[Any]:
    """`n` questions at once through `client` (asyncio.gather); answers, or the exceptions raised."""
    return await asyncio.gather(*(ask(client, f"{tag}{i}", **options) for i in range(n)), return_exceptions=True)


@dataclass(frozen=True)
class Run:
    """What the mock saw for one run, and how long the client waited."""

    label: str
    requests: int
    connections: int
    peak: int
    seconds: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


async def measure(mock: MockServer, label: str, client: openai.AsyncOpenAI, n: int, rounds: int = 1) -> Run:
    """Send `rounds` batches of `n` concurrent questions through `client`, one batch after the other."""
    mock.reset()
    started = time.perf_counter()
    for r in range(rounds):
        await batch(client, n, tag=f"round{r}-")
    seconds = time.perf_counter() - started
    stats = mock.stats(records=False)
    return Run(label, stats.requests_total, stats.connections_opened, stats.peak_in_flight, seconds)


def churn_formula(n: int, keepalive: int, rounds: int) -> int:
    """Connections opened by `rounds` rounds of `n` concurrent requests when `keepalive` stay alive between them."""
    kept = min(keepalive, n)
    return n + (rounds - 1) * (n - kept)
