"""The control plane under `/_mock/`: stats, reset, behaviour settings, health. Never recorded.

When the server has a control token, every call must carry it in `x-mock-control-token` (403 otherwise),
so code under test cannot reset the counts or change the behaviour a grader set.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from .errors import APIErrorResponse

if TYPE_CHECKING:
    from .app import MockApp
    from .endpoints import Call

TOKEN_HEADER = "x-mock-control-token"


def check_token(expected: str | None, headers: dict[str, str]) -> None:
    """A 403 unless the request carries the server's control token (servers without one accept all)."""
    if expected is None:
        return
    given = headers.get(TOKEN_HEADER, "")
    if not hmac.compare_digest(given.encode("latin-1"), expected.encode("latin-1")):
        raise APIErrorResponse(
            403,
            f"The mock's control plane needs this server's control token in the {TOKEN_HEADER} header "
            "(MockServer sends it for you: use mock.stats(), mock.reset(), mock.configure()).",
            code="invalid_control_token",
        )


def stats(app: MockApp, call: Call) -> dict[str, Any]:
    return app.recorder.snapshot(with_records=b"records=0" not in call.query)


def reset(app: MockApp, call: Call) -> dict[str, Any]:
    app.recorder.reset()
    return {"reset": True}


def config(app: MockApp, call: Call) -> dict[str, Any]:
    return app.behaviour.to_dict()


def configure(app: MockApp, call: Call) -> dict[str, Any]:
    app.behaviour = app.behaviour.updated(call.body)
    return app.behaviour.to_dict()


def health(app: MockApp, call: Call) -> dict[str, Any]:
    return {"ok": True}
