"""Building a request's record: what a grader needs to tell calls apart, each field bounded in bytes.

A record never keeps more than a few hundred characters of anything the client sent (a 4 MB model
name or a 60 KB header is cut), so 20,000 records stay within a few megabytes.
"""

from __future__ import annotations

import math
import sys
from typing import Any

MAX_FIELD_CHARS = 200
"""The longest text a record keeps of any one field (model, prompt, user agent, ...)."""

PROMPT_CHARS = 200
"""How much of the prompt a record keeps, enough to tell which call a record belongs to."""


def new_record(method: str, path: str, headers: dict[str, str], request_id: str) -> dict[str, Any]:
    """A request's record as it arrives (the app fills in the rest as it goes).

    The recorder relies on every record having these keys in this order, then id, conn, start, end,
    status and outcome.
    """
    get = headers.get
    return {
        "method": method,
        "path": shared(cut(path)),
        "model": None,
        "prompt": None,
        "stream": False,
        "retry_count": _int_or_none(get("x-stainless-retry-count")),
        "read_timeout": _seconds_or_none(get("x-stainless-read-timeout")),
        "timeout": _seconds_or_none(get("x-stainless-timeout")),
        "idempotency_key": cut(get("idempotency-key")),
        "async": _async_flag(get("x-stainless-async")),
        "client_tag": shared(cut(get("x-client-tag"))),
        "user_agent": shared(cut(get("user-agent"))),
        "organization": shared(cut(get("openai-organization"))),
        "project": shared(cut(get("openai-project"))),
        "attempt": 0,
        "chunks_sent": 0,
        "redirected": False,
        "request_id": request_id,
        "mock_headers_ignored": False,
    }


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
