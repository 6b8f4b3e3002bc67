"""Run a learner's FastAPI (any ASGI) app in its own uvicorn process on a free 127.0.0.1 port.

    with AppServer("exercises/ex02_async_endpoint.py", env=mock.env()) as server:
        run_load(server.url + "/chat?q=hi", n=100, concurrency=100)

The target is a file (its `app` attribute is served; the file is copied into the sandbox's scratch
directory) or `"module:attribute"` (imported from the current directory, or `cwd=`, as uvicorn does). The app runs
under the supervisor (`clientlab.procs.Sandbox`): whatever it starts is ended with it, its output is
bounded, and it cannot outlive this process. The child (`clientlab.grading.app_child`) binds the socket
itself and reports readiness on a private pipe, so the learner's prints never get in the way. When the
module fails to import, has no `app` or its lifespan startup fails, `start()` raises `AppServerError`
whose `error` is a `LearnerError` (kind, message, line, source), like `run_calls` reports.

With `hold=True`, `shutdown()` stops the app gracefully (SIGTERM: uvicorn runs the lifespan's shutdown) and
returns once the shutdown has finished, the process still alive and its sockets as the app left them: what
the app's clients left open is still open while the grader counts it. `close()` then ends the process.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from ..procs import Sandbox, SandboxReport, Target
from ..procs.ready import parse_report, read_first_line
from .learner import LearnerError


class AppServerError(RuntimeError):
    """The app could not be served; `error` says why, in the learner's terms."""

    def __init__(self, error: LearnerError, output: str = "") -> None:
        super().__init__(error.message)
        self.error = error
        self.output = output


@dataclass(frozen=True)
class Shutdown:
    """How a graceful stop with hold went: finished (`error` None, or the shutdown's failure), or not in time."""

    finished: bool
    error: LearnerError | None = None


class AppServer:
    """A learner's ASGI app served by uvicorn in a sandboxed child process (a context manager)."""

    def __init__(
        self,
        target: str | Path,
        *,
        env: dict[str, str] | None = None,
        startup_timeout: float = 20.0,
        stop_grace: float = 0.0,
        cwd: str | Path | None = None,
        hold: bool = False,
    ) -> None:
        self.target = Target.parse(target)
        self.cwd = Path(cwd) if cwd is not None else None  # where a `module:attribute` is imported from
        self.env = dict(env or {})
        self.startup_timeout = startup_timeout
        self.stop_grace = stop_grace
        self.hold = hold
        self.port: int | None = None
        self.pid: int | None = None
        self.report: SandboxReport | None = None
        self._box: Sandbox | None = None
        self._ready_fd: int | None = None

    @property
    def url(self) -> str:
        """The app's root URL, e.g. http://127.0.0.1:PORT."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._box is not None and self._box.running

    def start(self) -> AppServer:
        """Start the app; returns once it accepts connections, raises AppServerError if it cannot."""
        self.launch()
        return self.wait_ready()

    def launch(self) -> AppServer:
        """Start the app's process without waiting for it (see `start_all`)."""
        self._ready_fd, write_fd = os.pipe()
        cwd = None if self.target.file else (self.cwd or Path.cwd())
        box = Sandbox([], env=self.env, pass_fds=(write_fd,), cwd=cwd, stop_grace=self.stop_grace)
        self._box = box
        argument = self.target.as_argument()
        if self.target.file is not None:
            copy = box.scratch / self.target.file.name
            shutil.copyfile(self.target.file, copy)
            argument = str(copy)
        box.argv = [
            sys.executable,
            "-m",
            "clientlab.grading.app_child",
            argument,
            str(write_fd),
            str(self.target.file.parent) if self.target.file else "",
            *(["hold"] if self.hold else []),
        ]
        try:
            box.start()
        finally:
            os.close(write_fd)
        return self

    def wait_ready(self) -> AppServer:
        """Wait until a launched app accepts connections; raises AppServerError if it cannot."""
        box = self._box
        assert box is not None and box._proc is not None and self._ready_fd is not None, "launch() first"
        try:
            line = read_first_line(self._ready_fd, box._proc, self.startup_timeout)
        finally:
            if not self.hold:
                os.close(self._ready_fd)
                self._ready_fd = None
        item = parse_report(line)
        if "ready" in item:
            self.port, self.pid = item["ready"]["port"], item["ready"]["pid"]
            return self
        timed_out = line == "" and box.running
        self.stop()
        output = self.output
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

    def shutdown(self, timeout: float = 5.0) -> Shutdown:
        """Stop a `hold=True` app gracefully; returns once its lifespan's shutdown has finished (or failed), the
        process kept alive, or after `timeout` seconds when it has not (a shutdown that hangs)."""
        assert self.hold and self.pid is not None and self._box is not None, "start(hold=True) first"
        if self._ready_fd is None or not self.running:
            return Shutdown(False, LearnerError("crash", "the app's process had already ended"))
        os.kill(self.pid, signal.SIGTERM)
        assert self._box._proc is not None
        item = parse_report(read_first_line(self._ready_fd, self._box._proc, timeout))
        if "stopped" not in item:
            return Shutdown(False)
        err = item["stopped"].get("error")
        if not err:
            return Shutdown(True)
        source = (err.get("source") or "").strip() or None
        return Shutdown(True, LearnerError(err["kind"], err["message"], line=err.get("line"), source=source))

    def stop(self) -> SandboxReport | None:
        """Stop the app and everything it started (idempotent); its output stays readable until `close()`."""
        if self._ready_fd is not None:
            os.close(self._ready_fd)
            self._ready_fd = None
        if self._box is not None and self.report is None:
            self.report = self._box.stop()
        return self.report

    def close(self) -> None:
        self.stop()
        if self._box is not None:
            self._box.close()

    @property
    def output(self) -> str:
        """What the app printed and logged so far (the first and last 32 KB at most)."""
        return self._box.output if self._box is not None else ""

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
        self.close()

    def __repr__(self) -> str:
        return f"AppServer({self.target.label}, {self.url})"
