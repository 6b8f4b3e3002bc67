"""What the recorder saw, as Python objects: `Stats` (counters) holding `Record`s (one per request)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Record:
    """One request to the API as the mock server saw it. Times are seconds since the last reset."""

    id: int
    conn: int | None
    method: str
    path: str
    model: str | None
    stream: bool
    start: float
    end: float
    status: int | None
    outcome: str
    attempt: int
    retry_count: int | None
    read_timeout: float | None
    idempotency_key: str | None
    is_async: bool | None
    client_tag: str | None
    user_agent: str | None

    @property
    def duration(self) -> float:
        """Seconds from the request's arrival to its end."""
        return self.end - self.start

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
            end=data["end"],
            status=data.get("status"),
            outcome=data.get("outcome", "ok"),
            attempt=data.get("attempt", 0),
            retry_count=data.get("retry_count"),
            read_timeout=data.get("read_timeout"),
            idempotency_key=data.get("idempotency_key"),
            is_async=data.get("async"),
            client_tag=data.get("client_tag"),
            user_agent=data.get("user_agent"),
        )


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
