"""OpenAI-style error bodies: `{"error": {"message", "type", "param", "code"}}`."""

from __future__ import annotations

import json

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
    429: "rate_limit_exceeded",
    500: "server_error",
    502: "server_error",
    503: "server_error",
    504: "server_error",
}

DEFAULT_MESSAGES: dict[int, str] = {
    408: "The request timed out (forced by the mock).",
    409: "Conflict (forced by the mock).",
    429: "Rate limit reached (forced by the mock). Please retry after a short wait.",
    500: "The server had an error while processing your request (forced by the mock).",
    502: "Bad gateway (forced by the mock).",
    503: "The engine is currently overloaded (forced by the mock). Please try again later.",
    504: "Gateway timeout (forced by the mock).",
}


class APIErrorResponse(Exception):
    """Raised inside the app to answer with an OpenAI-style error."""

    def __init__(self, status: int, message: str, *, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code

    def body(self) -> bytes:
        """The JSON error body."""
        return error_body(self.status, self.message, param=self.param, code=self.code)


def error_body(status: int, message: str | None = None, *, param: str | None = None, code: str | None = None) -> bytes:
    """The JSON body of an error answer with the given status."""
    text = message or DEFAULT_MESSAGES.get(status) or f"Error {status} (forced by the mock)."
    kind = STATUS_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    return json.dumps({"error": {"message": text, "type": kind, "param": param, "code": code}}).encode()
