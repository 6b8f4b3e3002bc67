"""What the recorder saw, as Python objects: `Stats` (counters) holding `Record`s (one per request)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

OUTCOMES = {
    "ok": "answered (status below 400)",
    "error": "answered with an error status",
    "disconnected": "the client went away before the answer began",
    "disconnected_mid_stream": "the client went away while a stream was being sent",
    "dropped": "the mock closed the connection: without answering (drop), or mid-stream (drop_after_chunks)",
    "stalled": "the mock never answered (stall) until the client went away",
    "timed_out": "the client sent its body too slowly; the mock answered 408 and closed",
}
"""Every `Record.outcome` (None while a request is still in flight)."""


@dataclass(frozen=True)
class Record:
    """One request to the API as the mock server saw it. Times are seconds since the last reset.

    A request still in flight when the stats were taken has `end`, `status` and `outcome` None (and its
    `chunks_sent` so far); one that began before the last reset has a negative `start`.
    """

    id: int
    conn: int | None
    method: str
    path: str
    model: str | None
    stream: bool
    start: float
    end: float | None
    status: int | None
    outcome: str | None
    attempt: int
    retry_count: int | None
    read_timeout: float | None
    idempotency_key: str | None
    is_async: bool | None
    client_tag: str | None
    user_agent: str | None
    prompt: str | None = None
    organization: str | None = None
    project: str | None = None
    timeout: float | None = None
    chunks_sent: int = 0
    redirected: bool = False
    request_id: str | None = None
    mock_headers_ignored: bool = False
    key: str | None = None  # a fingerprint of the API key sent (clientlab.mock.records.key_fingerprint)

    @property
    def in_flight(self) -> bool:
        """Whether the request was still open when the stats were taken."""
        return self.end is None

    @property
    def duration(self) -> float:
        """Seconds from the request's arrival to its end (to the snapshot, for one still in flight)."""
        return (self.end if self.end is not None else self.start) - self.start

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        return cls(
            id=data["id"],
            conn=data.get("conn"),
            method=data["method"],
            path=data["path"],
            model=data.get("model"),
            stream=bool(data.get("stream")),
            start=data["start"],
            end=data.get("end"),
            status=data.get("status"),
            outcome=data.get("outcome", "ok") if data.get("end") is not None else data.get("outcome"),
            attempt=data.get("attempt", 0),
            retry_count=data.get("retry_count"),
            read_timeout=data.get("read_timeout"),
            idempotency_key=data.get("idempotency_key"),
            is_async=data.get("async"),
            client_tag=data.get("client_tag"),
            user_agent=data.get("user_agent"),
            prompt=data.get("prompt"),
            organization=data.get("organization"),
            project=data.get("project"),
            timeout=data.get("timeout"),
            chunks_sent=data.get("chunks_sent", 0),
            redirected=bool(data.get("redirected")),
            request_id=data.get("request_id"),
            mock_headers_ignored=bool(data.get("mock_headers_ignored")),
            key=data.get("key"),
        )


def peak_in_flight(records: Iterable[Record]) -> int:
    """The most requests in flight at once among `records`, from their start and end times.

    Requests still in flight count as open to the end; an end at the same instant as a start counts first.
    """
    events: list[tuple[float, int]] = []
    for r in records:
        events.append((r.start, 1))
        if r.end is not None:
            events.append((r.end, -1))
    events.sort()
    peak = current = 0
    for _, step in events:
        current += step
        peak = max(peak, current)
    return peak


@dataclass(frozen=True)
class Stats:
    """Counters since the last reset, exact: connections come from the server's own connection events."""

    connections_opened: int
    connections_open: int
    requests_total: int
    in_flight: int
    peak_in_flight: int
    status_counts: dict[str, int]
    outcome_counts: dict[str, int] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    connections: list[dict[str, Any]] = field(default_factory=list)
    records_dropped: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Stats:
        return cls(
            connections_opened=data["connections_opened"],
            connections_open=data["connections_open"],
            requests_total=data["requests_total"],
            in_flight=data["in_flight"],
            peak_in_flight=data["peak_in_flight"],
            status_counts=dict(data.get("status_counts", {})),
            outcome_counts=dict(data.get("outcome_counts", {})),
            records=[Record.from_dict(r) for r in data.get("records", [])],
            connections=list(data.get("connections", [])),
            records_dropped=data.get("records_dropped", 0),
        )

    @property
    def finished(self) -> list[Record]:
        """Records of requests that had ended when the stats were taken."""
        return [r for r in self.records if r.end is not None]

    @property
    def open_records(self) -> list[Record]:
        """Records of requests still in flight when the stats were taken."""
        return [r for r in self.records if r.end is None]

    def peak(self, paths: Iterable[str] | str | None = None) -> int:
        """The most requests in flight at once, from the records (optionally only those to `paths`)."""
        if paths is None:
            return peak_in_flight(self.records)
        wanted = {paths} if isinstance(paths, str) else set(paths)
        return peak_in_flight(r for r in self.records if r.path in wanted)

    def headline(self) -> dict[str, int]:
        """The four numbers lessons talk about."""
        return {
            "requests": self.requests_total,
            "connections opened": self.connections_opened,
            "connections open now": self.connections_open,
            "peak in flight": self.peak_in_flight,
        }

    def __str__(self) -> str:
        return ", ".join(f"{k}: {v}" for k, v in self.headline().items())

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in self.headline().items())
        return f"<table><tr><th>mock server saw</th><th></th></tr>{rows}</table>"
