"""Running the mock app on uvicorn: one socket bound by us (a free port, no race), optional TLS.

`serve()` runs it in the foreground (the CLI); `python -m clientlab.mock.server` is what `MockServer`
starts in its own process: it reads its settings and control token from the first line of its stdin
(never the command line or the environment, which other processes of the user can read), prints one
JSON line when ready, and exits when its parent goes away (its stdin closes), so a killed notebook kernel
leaves no server behind.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import sys
from collections.abc import Callable
from typing import Any

import uvicorn

from ..procs import stop_when_parent_goes
from .app import MockApp
from .controls import Behaviour
from .protocol import recording_protocol
from .recorder import Recorder
from .tls import TLSFiles, make_tls_files

KEEP_ALIVE_SECONDS = 75
"""How long the mock keeps an idle connection open: long, like real API front ends, so that the
client's own keep-alive expiry (5 s in the SDK) decides when connections close."""


def bind_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening-ready TCP socket; port 0 lets the OS pick a free port (read it back from the socket)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(False)
    return sock


def build_server(app: MockApp, tls: TLSFiles | None = None, log_level: str = "warning") -> uvicorn.Server:
    """A uvicorn server for the app that reports connection events to the app's recorder."""
    config = uvicorn.Config(
        app,
        http=recording_protocol(app.recorder),
        ws="none",
        lifespan="off",
        log_level=log_level,
        access_log=False,
        server_header=False,
        date_header=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        timeout_graceful_shutdown=1,
        ssl_certfile=str(tls.cert_path) if tls else None,
        ssl_keyfile=str(tls.key_path) if tls else None,
    )
    return uvicorn.Server(config)


async def run_until_stopped(server: uvicorn.Server, sock: socket.socket, on_ready: Callable[[], None]) -> None:
    """Serve on `sock`; call `on_ready` once the server accepts connections."""
    task = asyncio.ensure_future(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            await task
            raise RuntimeError("the mock server did not start")
        await asyncio.sleep(0.005)
    on_ready()
    await task


def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    behaviour: Behaviour | None = None,
    tls: bool = False,
    on_ready: Callable[[dict[str, Any]], None] | None = None,
    watch_parent: bool = False,
    log_level: str = "warning",
    control_token: str | None = None,
) -> None:
    """Run the mock server until interrupted (or, with `watch_parent`, until stdin closes).

    `on_ready` gets {host, port, pid, ca_path} once the server accepts connections. With a
    `control_token`, `/_mock/*` calls must carry it in `x-mock-control-token`.
    """
    app = MockApp(Recorder(), behaviour or Behaviour(), control_token)
    tls_files = make_tls_files() if tls else None
    sock = bind_socket(host, port)
    server = build_server(app, tls_files, log_level)
    if watch_parent:
        stop_when_parent_goes(server)
    info = {
        "host": host,
        "port": sock.getsockname()[1],
        "pid": os.getpid(),
        "ca_path": str(tls_files.ca_path) if tls_files else None,
    }
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            runner.run(run_until_stopped(server, sock, lambda: on_ready(info) if on_ready else None))
    finally:
        if tls_files is not None:  # the throwaway CA goes with the server
            shutil.rmtree(tls_files.ca_path.parent, ignore_errors=True)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def child_main(argv: list[str] | None = None) -> None:
    """Entry point of the server process that `MockServer` starts: prints one JSON line when ready."""
    parser = argparse.ArgumentParser(prog="python -m clientlab.mock.server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--behaviour", default="{}", help="server-wide defaults as JSON")
    parser.add_argument("--tls", action="store_true")
    parser.add_argument(
        "--settings-on-stdin",
        action="store_true",
        help='read {"behaviour": {...}, "control_token": "..."} from the first line of stdin',
    )
    args = parser.parse_args(argv)

    def announce(info: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps({"ready": info}) + "\n")
        sys.stdout.flush()

    settings = json.loads(sys.stdin.buffer.readline() or b"{}") if args.settings_on_stdin else {}
    behaviour = Behaviour().updated({**json.loads(args.behaviour), **settings.get("behaviour", {})})
    serve(
        args.host,
        args.port,
        behaviour,
        args.tls,
        on_ready=announce,
        watch_parent=True,
        control_token=settings.get("control_token"),
    )


if __name__ == "__main__":
    child_main()
