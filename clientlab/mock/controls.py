"""Behaviour controls: server-wide defaults, overridden per request by `x-mock-*` headers.

A learner or grader sets them from the SDK with `extra_headers=` (one call) or `default_headers=` (a client):

| header | meaning |
|---|---|
| `x-mock-latency-ms` | wait this long before answering (before the first chunk of a stream) |
| `x-mock-status` | answer every attempt with this HTTP status and an OpenAI-style error |
| `x-mock-fail-first` | fail the first N attempts of a request, then answer normally |
| `x-mock-fail-status` | the status of those failures (default 500) |
| `x-mock-retry-after` | send `Retry-After: <seconds>` with error answers |
| `x-mock-retry-after-ms` | send `retry-after-ms: <ms>` with error answers |
| `x-mock-stall` | accept the request and never answer (until the client gives up) |
| `x-mock-drop` | close the connection without answering |
| `x-mock-chunk-interval-ms` | pause between stream chunks |
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from .errors import APIErrorResponse

HEADER_PREFIX = "x-mock-"


@dataclass(frozen=True)
class Behaviour:
    """How the mock answers. Every field can be a server default and a per-request header."""

    latency_ms: float = 0.0
    status: int | None = None
    fail_first: int = 0
    fail_status: int = 500
    retry_after: str | None = None
    retry_after_ms: str | None = None
    stall: bool = False
    drop: bool = False
    chunk_interval_ms: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The behaviour as JSON-able data."""
        return asdict(self)

    def updated(self, values: dict[str, Any]) -> Behaviour:
        """A copy with the given fields changed, each checked and converted like a header value."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise APIErrorResponse(400, f"Unknown mock setting(s): {', '.join(unknown)}. Known: {sorted(known)}.")
        return replace(self, **{k: _convert(k, v) for k, v in values.items()})

    def with_headers(self, headers: dict[str, str]) -> Behaviour:
        """This behaviour overridden by the request's `x-mock-*` headers (names lower-case)."""
        overrides = {
            name[len(HEADER_PREFIX) :].replace("-", "_"): value
            for name, value in headers.items()
            if name.startswith(HEADER_PREFIX)
        }
        return self.updated(overrides) if overrides else self


def _convert(name: str, value: Any) -> Any:
    """Check and convert one setting given as a header string or a Python/JSON value."""
    try:
        if name in ("latency_ms", "chunk_interval_ms"):
            number = float(value)
            if not 0 <= number <= 3_600_000:
                raise ValueError
            return number
        if name in ("status", "fail_status"):
            if value is None or value == "":
                return None if name == "status" else 500
            status = int(value)
            if not 100 <= status <= 599:
                raise ValueError
            return status
        if name == "fail_first":
            count = int(value)
            if count < 0:
                raise ValueError
            return count
        if name in ("stall", "drop"):
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text not in ("1", "0", "true", "false", "yes", "no", ""):
                raise ValueError
            return text in ("1", "true", "yes")
        # retry_after, retry_after_ms: sent back verbatim, so a lesson can also show invalid values
        return None if value is None or value == "" else str(value)
    except (TypeError, ValueError):
        header = HEADER_PREFIX + name.replace("_", "-")
        raise APIErrorResponse(400, f"Invalid value {value!r} for mock setting {name} (header {header}).") from None
