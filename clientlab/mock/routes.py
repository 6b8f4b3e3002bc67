"""The one routes table: every path the mock serves, API and control plane alike.

A new endpoint is one line here plus a function in `endpoints.py` (and its answer shape in `shapes.py`).
A path may end in one `{name}` segment. A known path with a wrong method gets the API's 405 answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import control, endpoints
from .errors import APIErrorResponse


@dataclass(frozen=True)
class Route:
    """One method and path, what answers it, and (API routes) how to find a request's prompt."""

    method: str
    path: str
    handler: Callable[..., Any]
    prompt: Callable[[dict[str, Any]], str] | None = None
    control: bool = False
    reads_body: bool = True


ROUTES: tuple[Route, ...] = (
    Route("POST", "/v1/chat/completions", endpoints.chat_completions, endpoints.prompt_of_chat),
    Route("POST", "/v1/responses", endpoints.responses, endpoints.prompt_of_response),
    Route("POST", "/v1/embeddings", endpoints.embeddings, endpoints.prompt_of_embedding),
    Route("GET", "/v1/models", endpoints.models, reads_body=False),
    Route("GET", "/v1/models/{model}", endpoints.model_by_id, reads_body=False),
    Route("GET", "/_mock/stats", control.stats, control=True, reads_body=False),
    Route("POST", "/_mock/reset", control.reset, control=True),
    Route("GET", "/_mock/config", control.config, control=True, reads_body=False),
    Route("POST", "/_mock/config", control.configure, control=True),
    Route("GET", "/_mock/health", control.health, control=True, reads_body=False),
)

_EXACT: dict[str, dict[str, Route]] = {}
_PREFIXED: dict[str, tuple[str, dict[str, Route]]] = {}  # "/v1/models/" -> ("model", {method: route})
for _r in ROUTES:
    if "{" in _r.path:
        _prefix, _, _name = _r.path.rpartition("/")
        _PREFIXED.setdefault(_prefix + "/", (_name.strip("{}"), {}))[1][_r.method] = _r
    else:
        _EXACT.setdefault(_r.path, {})[_r.method] = _r


def match(method: str, path: str) -> tuple[Route, dict[str, str]]:
    """The route for a request and its path parameters; a 404 or 405 error as the API gives them."""
    by_method = _EXACT.get(path)
    found: dict[str, str] = {}
    if by_method is None:
        prefix, _, last = path.rpartition("/")
        entry = _PREFIXED.get(prefix + "/") if last else None
        if entry is not None:
            found = {entry[0]: last}
            by_method = entry[1]
    if by_method is None:
        raise APIErrorResponse(404, f"Invalid URL ({method} {_short(path)})")
    route = by_method.get(method)
    if route is None:
        allowed = ", ".join(sorted(by_method))
        raise APIErrorResponse(
            405,
            f"Invalid method for URL ({method} {_short(path)}): use {allowed}.",
            headers=[(b"allow", allowed.encode())],
        )
    return route, found


def is_control_path(path: str) -> bool:
    return path.startswith("/_mock/")


def control_calls() -> str:
    """The control plane's calls, for error messages."""
    return ", ".join(f"{r.method} {r.path}" for r in ROUTES if r.control)


def _short(path: str) -> str:
    return path if len(path) <= 200 else path[:197] + "..."
