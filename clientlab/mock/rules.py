"""Rules: server-side behaviour for chosen requests, so a grader can slow, stall or fail one call
without the client's cooperation.

A rule is `{"match": "text", "attempts": [0], "paths": ["/v1/chat/completions"], "behaviour": {...}}`:
`match` is looked for in the request's prompt text, `attempts` (optional) lists the attempt indexes it
applies to (0-based, grouped as `attempts_by` says), `paths` (optional) the paths. The first matching
rule's behaviour overrides the server defaults and the request's headers for that attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import APIErrorResponse

MAX_RULES = 100
MAX_MATCH_CHARS = 1000


@dataclass(frozen=True)
class Rule:
    """One rule, checked: `behaviour` holds converted per-request settings."""

    match: str
    behaviour: tuple[tuple[str, Any], ...]
    attempts: frozenset[int] | None = None
    paths: frozenset[str] | None = None

    def applies(self, prompt: str, path: str, attempt: int) -> bool:
        """Whether this rule chooses a request with this prompt, path and attempt index."""
        return (
            self.match in prompt
            and (self.paths is None or path in self.paths)
            and (self.attempts is None or attempt in self.attempts)
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"match": self.match, "behaviour": dict(self.behaviour)}
        if self.attempts is not None:
            data["attempts"] = sorted(self.attempts)
        if self.paths is not None:
            data["paths"] = sorted(self.paths)
        return data


def parse_rules(value: Any) -> tuple[Rule, ...]:
    """Check a JSON list of rules (an error says which rule and field is wrong)."""
    if value is None:
        return ()
    if not isinstance(value, list | tuple) or len(value) > MAX_RULES:
        raise _bad("rules", f"expected a list of at most {MAX_RULES} rules")
    return tuple(_parse_rule(i, item) for i, item in enumerate(value))


def _parse_rule(i: int, item: Any) -> Rule:
    from .controls import BY_NAME, convert_setting  # the registry imports this module

    if isinstance(item, Rule):
        return item
    where = f"rules[{i}]"
    if not isinstance(item, dict):
        raise _bad(where, "expected an object with 'match' and 'behaviour'")
    unknown = sorted(set(item) - {"match", "attempts", "paths", "behaviour"})
    if unknown:
        raise _bad(where, f"unknown field(s) {unknown[:5]}")
    match = item.get("match")
    if not isinstance(match, str) or len(match) > MAX_MATCH_CHARS:
        raise _bad(f"{where}.match", f"expected a string of at most {MAX_MATCH_CHARS} characters")
    attempts = item.get("attempts")
    if attempts is not None:
        if not isinstance(attempts, list) or not all(
            isinstance(a, int) and not isinstance(a, bool) and 0 <= a <= 1_000_000 for a in attempts
        ):
            raise _bad(f"{where}.attempts", "expected a list of attempt indexes (integers from 0)")
        attempts = frozenset(attempts)
    paths = item.get("paths")
    if paths is not None:
        if not isinstance(paths, list) or not all(isinstance(p, str) and len(p) <= 200 for p in paths):
            raise _bad(f"{where}.paths", "expected a list of paths such as '/v1/chat/completions'")
        paths = frozenset(paths)
    behaviour = item.get("behaviour", {})
    if not isinstance(behaviour, dict):
        raise _bad(f"{where}.behaviour", "expected an object of behaviour settings")
    settings = []
    for name, raw in behaviour.items():
        if name not in BY_NAME or not BY_NAME[name].per_request:
            raise _bad(f"{where}.behaviour", f"unknown or server-wide-only setting {str(name)[:50]!r}")
        settings.append((name, convert_setting(name, raw)))
    return Rule(match=match, behaviour=tuple(settings), attempts=attempts, paths=paths)


def _bad(param: str, message: str) -> APIErrorResponse:
    return APIErrorResponse(400, f"Invalid {param}: {message}.", param=param, code="invalid_mock_setting")
