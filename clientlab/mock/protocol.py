"""A uvicorn HTTP protocol that reports TCP connection events to the recorder.

uvicorn creates one protocol object per accepted TCP connection, so `connection_made` and
`connection_lost` are the server's own, exact connection events. The app finds a request's connection
by the peer address in the ASGI scope (`scope["client"]`), which is unique among open connections.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.utils import get_remote_addr

from .recorder import Recorder


def _base_protocol() -> type[asyncio.Protocol]:
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        return HttpToolsProtocol
    except ImportError:  # httptools is part of uvicorn[standard]; h11 is the pure-Python fallback
        from uvicorn.protocols.http.h11_impl import H11Protocol

        return H11Protocol


def recording_protocol(recorder: Recorder) -> type[asyncio.Protocol]:
    """A protocol class bound to `recorder`, to pass as uvicorn's `http=` setting."""
    base: Any = _base_protocol()

    class RecordingProtocol(base):
        _peer: tuple[str, int] | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            peer = get_remote_addr(transport)
            if peer is not None:
                self._peer = (peer[0], peer[1])
                recorder.connection_made(self._peer, transport)

        def connection_lost(self, exc: Exception | None) -> None:
            if self._peer is not None:
                recorder.connection_lost(self._peer)
            super().connection_lost(exc)

    return RecordingProtocol
