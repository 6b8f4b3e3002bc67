"""Run a learner's FastAPI (any ASGI) app in its own uvicorn process on a free 127.0.0.1 port.

    with AppServer("exercises/ex02_async_endpoint.py", env=mock.env()) as server:
        run_load(server.url + "/chat?q=hi", n=100, concurrency=100)

The target is a file (its `app` attribute is served) or `"module:attribute"`. The child
(`clientlab.grading.app_child`) binds the socket itself and reports readiness on a private pipe, so the
learner's prints never get in the way; what the app prints or logs is kept in `output`. When the module
fails to import, has no `app` or its lifespan startup fails, `start()` raises `AppServerError` whose
`error` is a `LearnerError` (kind, message, line, source), like `run_calls` reports. `stop()` kills the
whole process group, so even an app whose event loop is blocked goes away at once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..procs import read_first_line
from .learner import LearnerError


class AppServerError(RuntimeError):
    """The app could not be served; `error` says why, in the learner's terms."""

    def __init__(self, error: LearnerError, output: str = "") -> None:
        super().__init__(error.message)
        self.error = error
        self.output = output


class AppServer:
    """A learner's ASGI app served by uvicorn in a child process (a context manager)."""

    def __init__(self, target: str | Path, *, env: dict[str, str] | None = None, startup_timeout: float = 20.0) -> None:
        self.target = str(target)
        self.is_file = not (":" in self.target and not self.target.endswith(".py"))
        self.env = dict(env or {})
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self.pid: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None
        self._ready_fd: int | None = None

    @property
    def url(self) -> str:
        """The app's root URL, e.g. http://127.0.0.1:PORT."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> AppServer:
        """Start the app; returns once it accepts connections, raises AppServerError if it cannot."""
        self.launch()
        return self.wait_ready()

    def launch(self) -> AppServer:
        """Start the app's process without waiting for it (see `start_all`)."""
        target = str(Path(self.target).resolve()) if self.is_file else self.target
        cwd = str(Path(target).parent) if self.is_file else None
        self._ready_fd, write_fd = os.pipe()
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (the app's log, kept while the object lives)
        env = {**os.environ, **self.env, "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "clientlab.grading.app_child", target, str(write_fd)],
                stdin=subprocess.PIPE,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                pass_fds=(write_fd,),
                env=env,
                cwd=cwd,
                start_new_session=True,
            )
        finally:
            os.close(write_fd)
        return self

    def wait_ready(self) -> AppServer:
        """Wait until a launched app accepts connections; raises AppServerError if it cannot."""
        assert self._proc is not None and self._ready_fd is not None, "launch() first"
        try:
            line = read_first_line(self._ready_fd, self._proc, self.startup_timeout)
        finally:
            os.close(self._ready_fd)
            self._ready_fd = None
        try:
            item = json.loads(line) if line else {}
        except ValueError:
            item = {}
        if "ready" in item:
            self.port, self.pid = item["ready"]["port"], item["ready"]["pid"]
            return self
        output = self.output
        timed_out = line == "" and self._proc.poll() is None
        self.stop()
        if "error" in item:
            err = item["error"]
            source = (err.get("source") or "").strip() or None
            error = LearnerError(err["kind"], err["message"], line=err.get("line"), source=source)
        elif timed_out:
            error = LearnerError("timeout", f"the app did not start within {self.startup_timeout:g} s")
        else:
            error = LearnerError("crash", "the app's process ended before it started serving")
        raise AppServerError(error, output)

    @staticmethod
    def start_all(servers: list[AppServer]) -> list[AppServer]:
        """Start several apps at once (their imports overlap); stops them all if one fails."""
        try:
            for server in servers:
                server.launch()
            for server in servers:
                server.wait_ready()
        except BaseException:
            for server in servers:
                server.stop()
            raise
        return servers

    def stop(self) -> None:
        """Kill the app's process group (idempotent)."""
        if self._ready_fd is not None:
            os.close(self._ready_fd)
            self._ready_fd = None
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                proc.kill()
        proc.wait(timeout=10)
        if proc.stdin:
            proc.stdin.close()

    @property
    def output(self) -> str:
        """What the app printed and logged so far (the last 20,000 characters)."""
        if self._log is None:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-20000:]

    def last_exception(self) -> str | None:
        """The last exception line of a traceback in the app's log (e.g. 'NotImplementedError: ...')."""
        lines = self.output.splitlines()
        for number in range(len(lines) - 1, -1, -1):
            if lines[number].startswith("Traceback (most recent call last)"):
                for follow in lines[number + 1 :]:
                    if follow and not follow.startswith((" ", "\t")):
                        return follow.strip()
        return None

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"AppServer({Path(self.target).name if self.is_file else self.target}, {self.url})"
