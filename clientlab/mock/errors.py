"""OpenAI-style errors: `{"error": {"message", "type", "param", "code"}}`, raised anywhere in the mock.

An `APIErrorResponse` carries everything its answer needs (status, body fields and extra headers such
as `Allow` or `Retry-After`), so whoever raises it decides the whole answer and the app just sends it.
"""

from __future__ import annotations

import orjson

Headers = list[tuple[bytes, bytes]]

STATUS_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "permission_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    408: "timeout_error",
    409: "conflict_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    422: "invalid_request_error",
    429: "requests",
    431: "invalid_request_error",
    500: "server_error",
    502: "server_error",
    503: "server_error",
    504: "server_error",
}

STATUS_CODES: dict[int, str] = {429: "rate_limit_exceeded"}
"""The `code` the API gives a status when nothing more specific applies."""

DEFAULT_MESSAGES: dict[int, str] = {
    408: "The request timed out (forced by the mock).",
    409: "Conflict (forced by the mock).",
    429: "Rate limit reached for requests (forced by the mock). Please try again in a moment.",
    500: "The server had an error while processing your request (forced by the mock).",
    502: "Bad gateway (forced by the mock).",
    503: "The engine is currently overloaded (forced by the mock). Please try again later.",
    504: "Gateway timeout (forced by the mock).",
}


class APIErrorResponse(Exception):
    """Raised inside the mock to answer with an OpenAI-style error and its own headers."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        param: str | None = None,
        code: str | None = None,
        headers: Headers | None = None,
    ) -> None:
        self.message = message or DEFAULT_MESSAGES.get(status) or f"Error {status} (forced by the mock)."
        super().__init__(self.message)
        self.status = status
        self.param = param
        self.code = code if code is not None else STATUS_CODES.get(status)
        self.headers: Headers = headers or []

    def body(self) -> bytes:
        """The JSON error body."""
        return error_body(self.status, self.message, param=self.param, code=self.code)


def error_body(status: int, message: str | None = None, *, param: str | None = None, code: str | None = None) -> bytes:
    """The JSON body of an error answer with the given status."""
    text = message or DEFAULT_MESSAGES.get(status) or f"Error {status} (forced by the mock)."
    kind = STATUS_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    if code is None:
        code = STATUS_CODES.get(status)
    return orjson.dumps({"error": {"message": text, "type": kind, "param": param, "code": code}})


class ClientGone(Exception):
    """The client disconnected before its request was read or answered (nothing can be sent)."""
