"""The one registry of the mock's behaviour settings, and `Behaviour`, the values in force.

Every setting is declared once in `SETTINGS`: its type, range, help, the `x-mock-*` header that overrides it
for one request (None: server-wide only) and its `serve` flag. The CLI, the headers, `POST /_mock/config`,
`MockServer(**settings)` and the README's table of controls are all generated from it (a test compares the
README with `markdown_table()`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .errors import APIErrorResponse
from .rules import Rule, parse_rules

HEADER_PREFIX = "x-mock-"
MAX_MS = 3_600_000.0
_HEADER_SAFE = re.compile(r"[\x21-\x7e]([\x20-\x7e]{0,62}[\x21-\x7e])?")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


class _Invalid(ValueError):
    """A setting's value is out of its type or range."""


def _number(low: float, high: float) -> Callable[[Any], float]:
    def convert(value: Any) -> float:
        if isinstance(value, bool):
            raise _Invalid
        number = float(value)
        if not math.isfinite(number) or not low <= number <= high:
            raise _Invalid
        return number

    return convert


def _integer(low: int, high: int, optional: bool = False) -> Callable[[Any], int | None]:
    def convert(value: Any) -> int | None:
        if optional and (value is None or value == ""):
            return None
        if isinstance(value, bool) or value is None:
            raise _Invalid
        if isinstance(value, float):
            if not value.is_integer():
                raise _Invalid
            value = int(value)  # OverflowError for inf, caught by the caller
        number = int(value)
        if not low <= number <= high:
            raise _Invalid
        return number

    return convert


def _boolean(optional: bool = False) -> Callable[[Any], bool | None]:
    def convert(value: Any) -> bool | None:
        if isinstance(value, bool):
            return value
        if optional and (value is None or value == ""):
            return None
        if not isinstance(value, str | int):
            raise _Invalid
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise _Invalid

    return convert


def _header_value(value: Any) -> str | None:
    """Sent back verbatim in a header (so a lesson can show odd values), but never CR, LF or controls."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Invalid
    text = str(value)
    if not _HEADER_SAFE.fullmatch(text):
        raise _Invalid
    return text


def _choice(*options: str) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        if value not in options:
            raise _Invalid
        return str(value)

    return convert


@dataclass(frozen=True)
class Setting:
    """One behaviour setting: how it is named, checked and documented everywhere."""

    name: str
    kind: str  # shown in the README and the CLI's metavar
    allowed: str  # the range, in words
    help: str
    convert: Callable[[Any], Any] = field(repr=False)
    per_request: bool = True  # False: server-wide only (no x-mock-* header)

    @property
    def header(self) -> str | None:
        return HEADER_PREFIX + self.name.replace("_", "-") if self.per_request else None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


# fmt: off
SETTINGS: tuple[Setting, ...] = (
    Setting("latency_ms", "ms", "0 to 3,600,000",
            "wait this long before answering (before a stream's first chunk)", _number(0, MAX_MS)),
    Setting("status", "status", "400 to 599",
            "answer every attempt with this status and an OpenAI error body", _integer(400, 599, optional=True)),
    Setting("fail_first", "count", "0 to 1,000,000",
            "fail the first N attempts of a request, then answer normally", _integer(0, 1_000_000)),
    Setting("fail_status", "status", "400 to 599",
            "the status of those failures", _integer(400, 599)),
    Setting("retry_after", "text", "printable ASCII, up to 64 characters",
            "send `Retry-After: <value>` with errors", _header_value),
    Setting("retry_after_ms", "text", "printable ASCII, up to 64 characters",
            "send `retry-after-ms: <value>` with errors", _header_value),
    Setting("should_retry", "bool", "true, false or empty (not sent)",
            "send `x-should-retry: <value>` with answers", _boolean(optional=True)),
    Setting("stall", "bool", "true or false",
            "accept the request and never answer (until the client leaves)", _boolean()),
    Setting("drop", "bool", "true or false",
            "close the connection without answering", _boolean()),
    Setting("drop_after_chunks", "count", "0 to 1,000,000",
            "send this many events of a stream, then close the connection mid-body (0: never)",
            _integer(0, 1_000_000)),
    Setting("redirect", "bool", "true or false",
            "answer `307` to the same path plus `?mock_redirected=N`, once; the followed request is answered "
            "and recorded with `redirected: true`", _boolean()),
    Setting("chunk_interval_ms", "ms", "0 to 3,600,000",
            "pause between stream chunks", _number(0, MAX_MS)),
    Setting("attempts_by", "mode", "auto or body",
            "how attempts of one request are grouped for `fail_first` and rules: `auto` = Idempotency-Key, "
            "else retry-count header, else body; `body` = the request body", _choice("auto", "body")),
    Setting("client_controls", "bool", "true or false",
            "obey clients' `x-mock-*` headers (false: ignore them and record `mock_headers_ignored`)", _boolean(),
            per_request=False),
    Setting("rules", "JSON", "a list of rules",
            'server-side behaviour for chosen requests: `[{"match": "text", "attempts": [0], "paths": [...], '
            '"behaviour": {...}}]`', parse_rules, per_request=False),
)
# fmt: on
BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
BY_HEADER: dict[str, Setting] = {s.header: s for s in SETTINGS if s.header}


@dataclass(frozen=True)
class Behaviour:
    """How the mock answers: server-wide defaults, overridden per request by headers and rules."""

    latency_ms: float = 0.0
    status: int | None = None
    fail_first: int = 0
    fail_status: int = 500
    retry_after: str | None = None
    retry_after_ms: str | None = None
    should_retry: bool | None = None
    stall: bool = False
    drop: bool = False
    drop_after_chunks: int = 0
    redirect: bool = False
    chunk_interval_ms: float = 0.0
    attempts_by: str = "auto"
    client_controls: bool = True
    rules: tuple[Rule, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The behaviour as JSON-able data (what `GET /_mock/config` shows)."""
        data = asdict(self)
        data["rules"] = [rule.to_dict() for rule in self.rules]
        return data

    def updated(self, values: Mapping[str, Any]) -> Behaviour:
        """A copy with the given settings changed, each checked and converted (a 400 error when invalid)."""
        if not isinstance(values, Mapping):
            raise APIErrorResponse(400, "Mock settings must be a JSON object.", code="invalid_mock_setting")
        unknown = sorted(str(k) for k in values if k not in BY_NAME)
        if unknown:
            known = [s.name for s in SETTINGS]
            raise APIErrorResponse(
                400,
                f"Unknown mock setting(s): {', '.join(unknown)[:200]}. Known: {known}.",
                code="invalid_mock_setting",
            )
        return replace(self, **{k: convert_setting(k, v) for k, v in values.items()})

    def with_headers(self, headers: Mapping[str, str]) -> Behaviour:
        """This behaviour overridden by a request's `x-mock-*` headers (names lower-case)."""
        overrides = {BY_HEADER[n].name: v for n, v in headers.items() if n in BY_HEADER}
        return self.updated(overrides) if overrides else self

    @property
    def needs_attempts(self) -> bool:
        """Whether answering depends on which attempt a request is (counting attempts has a cost)."""
        return self.fail_first > 0 or self.attempts_by == "body" or any(r.attempts is not None for r in self.rules)


def convert_setting(name: str, value: Any) -> Any:
    """Check and convert one setting given as a header string or a Python/JSON value."""
    setting = BY_NAME[name]
    try:
        return setting.convert(value)
    except (TypeError, ValueError, OverflowError, RecursionError, APIErrorResponse) as exc:
        where = f" (header {setting.header})" if setting.header else ""
        detail = f": {exc.message}" if isinstance(exc, APIErrorResponse) else f"; expected {setting.allowed}"
        raise APIErrorResponse(
            400,
            f"Invalid value {_short(value)} for mock setting {name}{where}{detail}.",
            param=name,
            code="invalid_mock_setting",
        ) from None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def markdown_table() -> str:
    """The README's table of controls, generated from the registry."""
    lines = [
        "| setting | `x-mock-*` header | `serve` flag | values | what it does |",
        "|---|---|---|---|---|",
    ]
    for s in SETTINGS:
        header = f"`{s.header}`" if s.header else "(server-wide only)"
        lines.append(f"| `{s.name}` | {header} | `{s.flag}` | {s.allowed} | {s.help} |")
    return "\n".join(lines)
