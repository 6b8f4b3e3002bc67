"""Building a request's record: what a grader needs to tell calls apart, each field bounded in bytes.

A record never keeps more than a few hundred characters of anything the client sent (a 4 MB model
name or a 60 KB header is cut), so 20,000 records stay within a few megabytes.
"""

from __future__ import annotations

import hashlib
import math
import sys
from collections.abc import Callable
from typing import Any

MAX_FIELD_CHARS = 200
"""The longest text a record keeps of any one field (model, prompt, user agent, ...)."""

PROMPT_CHARS = 200
"""How much of the prompt a record keeps, enough to tell which call a record belongs to."""


def new_record(method: str, path: str, headers: dict[str, str], request_id: str) -> dict[str, Any]:
    """A request's record as it arrives (the app fills in the rest as it goes).

    The recorder relies on every record having `_TEMPLATE`'s keys in its order, then id, conn, start,
    end, status and outcome.
    """
    record = _TEMPLATE.copy()
    record["method"] = method
    record["path"] = shared(cut(path))
    record["request_id"] = request_id
    for name, value in headers.items():
        field = _FROM_HEADERS.get(name)
        if field is not None:
            record[field[0]] = field[1](value)
    return record


def key_fingerprint(key: str) -> str:
    """A short fingerprint of an API key: enough to tell which key a client sent, never the key itself."""
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()[:12]


def cut(text: str | None, limit: int = MAX_FIELD_CHARS) -> str | None:
    """At most `limit` characters of `text` (None stays None)."""
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 3] + "..."


def shared(text: str | None) -> str | None:
    """One copy of a text many records repeat (user agent, model, path), kept while any record uses it."""
    return None if text is None else sys.intern(text)


def _int_or_none(value: str | None) -> int | None:
    if value is None or len(value) > 9:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _seconds_or_none(value: str | None) -> float | None:
    """A timeout header as seconds: finite and non-negative, else None (never NaN in the stats)."""
    if value is None or len(value) > 32:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _async_flag(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.lower() != "false"


def _text(value: str) -> str | None:
    return shared(cut(value))


_TEMPLATE: dict[str, Any] = {
    "method": "",
    "path": "",
    "model": None,
    "prompt": None,
    "stream": False,
    "retry_count": None,
    "read_timeout": None,
    "timeout": None,
    "idempotency_key": None,
    "async": None,
    "client_tag": None,
    "user_agent": None,
    "organization": None,
    "project": None,
    "attempt": 0,
    "chunks_sent": 0,
    "redirected": False,
    "request_id": None,
    "mock_headers_ignored": False,
    "key": None,
}
_FROM_HEADERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "x-stainless-retry-count": ("retry_count", _int_or_none),
    "x-stainless-read-timeout": ("read_timeout", _seconds_or_none),
    "x-stainless-timeout": ("timeout", _seconds_or_none),
    "idempotency-key": ("idempotency_key", cut),
    "x-stainless-async": ("async", _async_flag),
    "x-client-tag": ("client_tag", _text),
    "user-agent": ("user_agent", _text),
    "openai-organization": ("organization", _text),
    "openai-project": ("project", _text),
    "authorization": ("key", lambda value: key_fingerprint(value.removeprefix("Bearer ").strip())),
}
"""Request headers a record keeps: header -> (record field, conversion)."""
