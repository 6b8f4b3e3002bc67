"""A uvicorn HTTP protocol that reports TCP connection events to the recorder and guards against clients
that send too much or too slowly.

uvicorn creates one protocol object per accepted TCP connection, so `connection_made` and
`connection_lost` are the server's own, exact connection events. The app finds a request's connection
by the peer address in the ASGI scope (`scope["client"]`), which is unique among open connections.

uvicorn's httptools protocol limits neither the size of a request's head nor the time a client may take
to send it or its body. The guard here answers 431 to a head over `MAX_HEAD_BYTES` and 408 to a head or
body that takes longer than its timeout, in the API's error JSON, and closes the connection. It checks
each connection from one timer that runs once a second, so a request costs no timer of its own.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import uvicorn.protocols.http.httptools_impl as httptools_impl
from uvicorn.protocols.utils import get_remote_addr

from .errors import error_body
from .recorder import Recorder

MAX_HEAD_BYTES = 64 * 1024
"""The longest request line plus headers accepted (the API's front end allows less)."""
HEAD_TIMEOUT = 10.0
"""Seconds a client may take from the first byte of a request to the end of its headers."""
BODY_TIMEOUT = 30.0
"""Seconds a client may take to send a request's body after its headers."""
IDLE_TIMEOUT = 75.0
"""Seconds a new connection may stay silent before its first request (uvicorn's keep-alive covers later)."""
CHECK_INTERVAL = 1.0
"""How often each connection's guard looks at the clock."""
LINGER = 2.0
"""Seconds a refused connection keeps reading (and discarding) what the client still sends: closing with
unread data would reset the connection, and the client could lose the error answer."""

_REASONS = {400: b"Bad Request", 408: b"Request Timeout", 431: b"Request Header Fields Too Large"}


def raw_error(status: int, message: str) -> bytes:
    """A complete HTTP/1.1 error answer in the API's JSON, closing the connection."""
    body = error_body(status, message)
    head = (
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\nx-request-id: req_%s\r\n"
        b"connection: close\r\n\r\n" % (status, _REASONS[status], len(body), os.urandom(16).hex().encode())
    )
    return head + body


def recording_protocol(recorder: Recorder) -> type[asyncio.Protocol]:
    """A protocol class bound to `recorder`, to pass as uvicorn's `http=` setting."""

    class RecordingProtocol(httptools_impl.HttpToolsProtocol):
        _peer: tuple[str, int] | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            peer = get_remote_addr(transport)
            if peer is not None:
                self._peer = (peer[0], peer[1])
                recorder.connection_made(self._peer, transport)
            self._head_bytes = 0
            self._in_head = False
            self._since = self.loop.time()  # when the current head, body or silence began
            self._waiting = "idle"  # what the guard times: "idle" (no byte yet), "head", "body" or "" (nothing;
            # uvicorn's keep-alive timeout covers the silence after an answer)
            self._refused = False
            self._guard: asyncio.TimerHandle | None = self.loop.call_later(CHECK_INTERVAL, self._check)

        def connection_lost(self, exc: Exception | None) -> None:
            if self._guard is not None:
                self._guard.cancel()
                self._guard = None
            if self._peer is not None:
                recorder.connection_lost(self._peer)
            super().connection_lost(exc)

        # -- the guard --------------------------------------------------------------------------------
        def data_received(self, data: bytes) -> None:
            if self._refused:
                return
            super().data_received(data)
            if self._in_head:
                self._head_bytes += len(data)
                if self._head_bytes > MAX_HEAD_BYTES:
                    self._refuse(431, f"Request headers too large (the mock accepts at most {MAX_HEAD_BYTES} bytes).")

        def on_message_begin(self) -> None:
            self._in_head, self._head_bytes = True, 0
            if self._waiting != "head":
                self._waiting, self._since = "head", self.loop.time()
            super().on_message_begin()

        def on_headers_complete(self) -> None:
            self._in_head = False
            self._waiting, self._since = "body", self.loop.time()
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            self._waiting = ""
            super().on_message_complete()

        def send_400_response(self, msg: str) -> None:
            self._refuse(400, f"Invalid HTTP request received: {msg}")

        def _check(self) -> None:
            self._guard = None
            if self._refused or self.transport.is_closing():
                return
            waited = self.loop.time() - self._since
            if self._waiting == "head" and waited > HEAD_TIMEOUT:
                self._timed_out(f"The request's headers took longer than {HEAD_TIMEOUT:g} s to arrive.")
            elif self._waiting == "body" and waited > BODY_TIMEOUT:
                self._timed_out(f"The request's body took longer than {BODY_TIMEOUT:g} s to arrive.")
            elif self._waiting == "idle" and waited > IDLE_TIMEOUT:  # silent since it connected
                self.transport.close()
            else:
                self._guard = self.loop.call_later(CHECK_INTERVAL, self._check)

        def _timed_out(self, message: str) -> None:
            cycle: Any = self.cycle
            if cycle is not None and not cycle.response_complete and self._waiting == "body":
                cycle.scope["mock.timed_out"] = True  # the app records a 408, not a plain disconnect
            self._refuse(408, message)

        def _refuse(self, status: int, message: str) -> None:
            """Answer with an error and end the connection: no more requests are read from it."""
            self._refused = True
            cycle: Any = self.cycle
            if cycle is not None and not cycle.response_complete:
                cycle.disconnected = True  # the app, if one is waiting for the body, sees the client gone
                cycle.message_event.set()
            self.transport.write(raw_error(status, message))
            if self.transport.can_write_eof():
                self.transport.write_eof()
                self.loop.call_later(LINGER, self.transport.close)
            else:
                self.transport.close()

    return RecordingProtocol
