"""The child side of `app_server.AppServer`: import an ASGI app and serve it on uvicorn.

Run as `python -m clientlab.grading.app_child TARGET READY_FD [ORIGIN [hold]]` where TARGET is a file path
(the app is its `app` attribute) or `module:attribute`, and ORIGIN the learner's own folder (importable after
the file's). One JSON line goes to READY_FD: `{"ready": {"port": ..., "pid": ...}}` once the server accepts
connections, or `{"error": {...}}` when the module fails to import, has no app, or its lifespan startup
fails. It runs under the supervisor (`clientlab.procs`), which ends it (SIGTERM first when asked for a
graceful stop: uvicorn then runs the lifespan's shutdown) and dies with its parent.

With `hold`, SIGTERM stops the server (uvicorn runs the lifespan's shutdown) but not the process: a second
line, `{"stopped": {"error": ...}}` (`error` None, or the shutdown's failure), goes to READY_FD once the
shutdown has finished, and the process then waits, every socket as the app left it, so that the grader can
count what the app's clients left open before anything else closes it. The supervisor ends it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import sys
import time
from pathlib import Path
from typing import Any

import uvicorn

from ..mock.server import bind_socket, run_until_stopped
from ..procs import Target, load_target
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


def main(argument: str, ready_fd: int, origin: str = "", hold: bool = False) -> int:
    def report(item: dict[str, Any]) -> None:
        os.write(ready_fd, (json.dumps(item) + "\n").encode())

    target = Target.parse(argument)
    learner_file = target.file
    try:
        _, app = load_target(target, Path(origin) if origin else None)
    except BaseException as exc:
        report({"error": describe_exception(exc, learner_file, "import")})
        return 1
    if app is None or not callable(app):
        name = f"`{target.attribute}`"
        found = f"has no {name}" if app is None else f"has an {name} that is a {type(app).__name__}, not an ASGI app"
        label = learner_file.name if learner_file else target.module
        report({"error": {"kind": "missing", "message": f"{label} {found}"}})
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
    info = {"port": sock.getsockname()[1], "pid": os.getpid()}
    if hold:  # uvicorn re-raises the SIGTERM it caught once it has stopped: here, that only ends the wait below
        signal.signal(signal.SIGTERM, lambda *_: None)

    async def serve() -> None:
        await run_until_stopped(server, sock, lambda: report({"ready": info}))
        if hold:  # the loop is still open: nothing has closed what the app's shutdown left open
            failed = describe_text(captured.text, learner_file, "shutdown") if captured.text else None
            report({"stopped": {"error": failed}})
            while True:
                time.sleep(3600)  # the supervisor ends the process

    try:
        asyncio.run(serve())
    except BaseException as exc:
        if captured.text:
            report({"error": describe_text(captured.text, learner_file, "startup")})
        else:
            report({"error": describe_exception(captured.exc or exc, learner_file, "startup")})
        return 1
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    raise SystemExit(main(args[0], int(args[1]), args[2] if len(args) > 2 else "", args[3:4] == ["hold"]))
