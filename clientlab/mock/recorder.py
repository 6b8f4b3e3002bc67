"""The recorder: exact counts of what the client under test did, kept inside the server process.

Connections come from the server's own connection events (see `protocol.py`), not from guesses. A
connection is counted when it carries its first request to the API: connections and requests that only
carry `/_mock/` control calls are not counted. Memory stays flat: records (each bounded in bytes, see
`records.py`, and kept as compact tuples once finished) and closed connections are kept in bounded
deques, attempt counters in a bounded LRU map.

Requests in flight are tracked by id, across resets: one that started before a reset is still in flight
after it, counts toward the new peak while it lasts, and is finished exactly once.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

MAX_RECORDS = 20_000
MAX_CONNECTION_LOG = 5_000
MAX_ATTEMPT_KEYS = 20_000


@dataclass
class Connection:
    """One TCP connection as the server saw it."""

    peer: tuple[str, int]
    opened_at: float
    id: int = 0
    counted: bool = False
    closed_at: float | None = None
    requests: int = 0
    transport: Any = field(default=None, repr=False)

    def to_dict(self, epoch: float) -> dict[str, Any]:
        return {
            "id": self.id,
            "opened": round(self.opened_at - epoch, 6),
            "closed": None if self.closed_at is None else round(self.closed_at - epoch, 6),
            "open": self.closed_at is None,
            "requests": self.requests,
        }


class Recorder:
    """Counters, connection tracking, requests in flight and a bounded log of finished requests."""

    def __init__(self, max_records: int = MAX_RECORDS) -> None:
        self.max_records = max_records
        self._by_peer: dict[tuple[str, int], Connection] = {}
        self._open: dict[int, dict[str, Any]] = {}  # requests in flight, by record id; survives resets
        self._next_conn_id = 1
        self._next_request_id = 1
        self._keys: tuple[str, ...] = ()
        self.reset()

    def reset(self) -> None:
        """Start counting afresh. Open connections stay open; requests in flight stay in flight."""
        self.epoch = time.perf_counter()
        self.epoch_wall = time.time()
        self.connections_opened = 0
        self.requests_total = 0
        self.peak_in_flight = len(self._open)
        self.status_counts: dict[str, int] = {}
        self.outcome_counts: dict[str, int] = {}
        self.records: deque[tuple[Any, ...]] = deque(maxlen=self.max_records)  # values, in `_keys` order
        self.records_dropped = 0
        self.closed_connections: deque[Connection] = deque(maxlen=MAX_CONNECTION_LOG)
        self._attempts: OrderedDict[str, int] = OrderedDict()
        for conn in self._by_peer.values():
            conn.requests = 0

    @property
    def in_flight(self) -> int:
        return len(self._open)

    # -- connection events (called by the protocol) -------------------------------------------------
    def connection_made(self, peer: tuple[str, int], transport: Any) -> None:
        self._by_peer[peer] = Connection(peer=peer, opened_at=time.perf_counter(), transport=transport)

    def connection_lost(self, peer: tuple[str, int]) -> None:
        conn = self._by_peer.pop(peer, None)
        if conn is not None and conn.counted:
            conn.closed_at = time.perf_counter()
            conn.transport = None
            self.closed_connections.append(conn)

    @property
    def connections_open(self) -> int:
        return sum(1 for c in self._by_peer.values() if c.counted)

    def connection_for(self, peer: tuple[str, int] | None) -> Connection | None:
        return self._by_peer.get(peer) if peer else None

    # -- requests (called by the app) --------------------------------------------------------------
    def attempt_index(self, key: str) -> int:
        """How many attempts of the request with this key came before (0 for the first)."""
        seen = self._attempts.pop(key, 0)
        self._attempts[key] = seen + 1
        if len(self._attempts) > MAX_ATTEMPT_KEYS:
            self._attempts.popitem(last=False)
        return seen

    def request_started(self, peer: tuple[str, int] | None, record: dict[str, Any]) -> dict[str, Any]:
        """Count a request to the API and open its record; returns the record to finish later."""
        conn = self._by_peer.get(peer) if peer else None
        if conn is not None:
            if not conn.counted:
                conn.counted = True
                conn.id = self._next_conn_id
                self._next_conn_id += 1
                conn.opened_at = max(conn.opened_at, self.epoch)
                self.connections_opened += 1
            conn.requests += 1
        record["id"] = rid = self._next_request_id
        self._next_request_id += 1
        record["conn"] = conn.id if conn is not None else None
        record["_t0"] = time.perf_counter()
        self._open[rid] = record
        self.requests_total += 1
        if len(self._open) > self.peak_in_flight:
            self.peak_in_flight = len(self._open)
        return record

    def request_finished(self, record: dict[str, Any], status: int | None, outcome: str) -> None:
        """Close a record: the status sent (None if none was) and how the request ended. Idempotent."""
        if self._open.pop(record["id"], None) is None:
            return
        record["start"] = round(record.pop("_t0") - self.epoch, 6)
        record["end"] = round(time.perf_counter() - self.epoch, 6)
        record["status"] = status
        record["outcome"] = outcome
        key = str(status) if status is not None else outcome
        self.status_counts[key] = self.status_counts.get(key, 0) + 1
        self.outcome_counts[outcome] = self.outcome_counts.get(outcome, 0) + 1
        if len(self.records) == self.records.maxlen:
            self.records_dropped += 1
        if not self._keys:  # every record has the same keys in the same order (records.new_record)
            self._keys = tuple(record)
        self.records.append(tuple(record.values()))

    # -- reporting ---------------------------------------------------------------------------------
    def snapshot(self, *, with_records: bool = True) -> dict[str, Any]:
        """Everything as JSON-able data (what `GET /_mock/stats` returns).

        Records of requests still in flight come last, with `end`, `status` and `outcome` null.
        """
        now = time.perf_counter()
        data: dict[str, Any] = {
            "connections_opened": self.connections_opened,
            "connections_open": self.connections_open,
            "requests_total": self.requests_total,
            "in_flight": self.in_flight,
            "peak_in_flight": self.peak_in_flight,
            "status_counts": dict(self.status_counts),
            "outcome_counts": dict(self.outcome_counts),
            "records_dropped": self.records_dropped,
            "since": self.epoch_wall,
            "uptime": now - self.epoch,
        }
        if with_records:
            keys = self._keys
            records = [dict(zip(keys, values, strict=True)) for values in self.records]
            records.extend(_open_view(r, self.epoch) for r in self._open.values())
            data["records"] = records
            open_now = [c for c in self._by_peer.values() if c.counted]
            data["connections"] = sorted(
                (c.to_dict(self.epoch) for c in [*self.closed_connections, *open_now]), key=lambda c: c["id"]
            )
        return data


def _open_view(record: dict[str, Any], epoch: float) -> dict[str, Any]:
    out = {k: v for k, v in record.items() if k != "_t0"}
    out.update(start=round(record["_t0"] - epoch, 6), end=None, status=None, outcome=None)
    return out
