"""The child side of `app_server.AppServer`: import an ASGI app and serve it on uvicorn.

Run as `python -m clientlab.grading.app_child TARGET READY_FD` where TARGET is a file path (the app is its
`app` attribute) or `module:attribute`. One JSON line goes to READY_FD: `{"ready": {"port": ..., "pid": ...}}`
once the server accepts connections, or `{"error": {...}}` when the module fails to import, has no app, or
its lifespan startup fails. The process exits when its stdin closes (the parent went away).
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import json
import logging
import os
import re
import sys
from pathlib import Path
from typing import Any

import uvicorn

from ..mock.server import bind_socket, run_until_stopped
from ..procs import import_file, stop_when_parent_goes
from .learner import describe_exception


class _Captured(logging.Handler):
    """Keeps the last error uvicorn logged (a lifespan startup failure logs its traceback as text)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.exc: BaseException | None = None
        self.text = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.exc = record.exc_info[1]
        elif "Traceback" in record.getMessage():
            self.text = record.getMessage()


def describe_text(traceback_text: str, learner_file: Path | None, kind: str) -> dict[str, Any]:
    """Like `describe_exception`, from a formatted traceback: its last exception line and the learner's last line."""
    lines = traceback_text.splitlines()
    message = next((x.strip() for x in reversed(lines) if x and not x.startswith((" ", "\t"))), "")
    line, source = None, None
    for number, text in enumerate(lines):
        found = re.match(r'\s*File "(.+)", line (\d+)', text)
        if found and learner_file and Path(found.group(1)).resolve() == learner_file:
            line = int(found.group(2))
            following = lines[number + 1].strip() if number + 1 < len(lines) else ""
            source = following if following and not following.startswith("File ") else None
    return {
        "kind": kind,
        "message": message[:300] or "the app's lifespan startup failed",
        "line": line,
        "source": source,
    }


def load_app(target: str) -> tuple[Any, Path | None]:
    """The app object and the learner's file (None for `module:attribute` targets)."""
    if ":" in target and not target.endswith(".py"):
        module_name, _, attr = target.partition(":")
        module = importlib.import_module(module_name)
        return getattr(module, attr, None), None
    path = Path(target).resolve()
    return getattr(import_file(path), "app", None), path


def main(target: str, ready_fd: int) -> int:
    def report(item: dict[str, Any]) -> None:
        os.write(ready_fd, (json.dumps(item) + "\n").encode())

    try:
        app, learner_file = load_app(target)
    except BaseException as exc:
        path = None if ":" in target and not target.endswith(".py") else Path(target).resolve()
        report({"error": describe_exception(exc, path, "import")})
        return 1
    if app is None or not callable(app):
        found = "has no `app`" if app is None else f"has an `app` that is a {type(app).__name__}, not an ASGI app"
        report({"error": {"kind": "missing", "message": f"{Path(target).name} {found}"}})
        return 1

    sock = bind_socket("127.0.0.1", 0)
    config = uvicorn.Config(
        app,
        lifespan="auto",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=1,
        backlog=2048,
    )
    server = uvicorn.Server(config)
    captured = _Captured()
    logging.getLogger("uvicorn.error").addHandler(captured)  # after Config(), which resets uvicorn's logging
    stop_when_parent_goes(server, grace=2.0)
    info = {"port": sock.getsockname()[1], "pid": os.getpid()}
    try:
        asyncio.run(run_until_stopped(server, sock, lambda: report({"ready": info})))
    except BaseException as exc:
        if captured.text:
            report({"error": describe_text(captured.text, learner_file, "startup")})
        else:
            report({"error": describe_exception(captured.exc or exc, learner_file, "startup")})
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], int(sys.argv[2])))
