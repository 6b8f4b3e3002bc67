"""`Sandbox`: run a command (the learner's code) under the supervisor, with a time limit, bounded output,
a memory limit and a scratch working directory; when it ends, for whatever reason, nothing it started
is left running.

    with Sandbox([sys.executable, "-m", "clientlab.grading.driver", spec], time_limit=20) as box:
        report = box.start().wait()
    report.timed_out, report.returncode, box.output

Interrupting or killing the process that holds the Sandbox ends the command too: the supervisor watches
its stdin (closed when this process exits, however it exits) and this process's id.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .output import read_bounded
from .ready import parse_report, read_first_line

MEMORY_LIMIT_BYTES = 8 * 1024**3
"""Address space a learner's process may map. Generous (threads and allocator arenas reserve much more
than they use: a 40-thread FastAPI app maps ~2.5 GB), but it stops a runaway allocation long before
it takes the machine down."""

STARTUP_SECONDS = 30.0  # the supervisor itself starting (Python's start-up on a loaded machine)
GRACE_SECONDS = 10.0  # past the time limit before the supervisor is presumed stuck and killed


class SandboxError(RuntimeError):
    """The supervisor could not run the command: a fault of the course's machinery, not the learner's."""


@dataclass(frozen=True)
class SandboxReport:
    """How the command ended."""

    returncode: int | None
    timed_out: bool
    stopped: bool  # ended by `stop()`, not by itself
    strays: int  # processes the command started that were still running when it ended
    seconds: float
    output_bytes: int


class Sandbox:
    """A command running under `clientlab.procs.supervisor` (a context manager; `stop()` is idempotent)."""

    def __init__(
        self,
        argv: list[str],
        *,
        env: dict[str, str] | None = None,
        time_limit: float | None = None,
        memory_bytes: int | None = MEMORY_LIMIT_BYTES,
        pass_fds: tuple[int, ...] = (),
        cwd: Path | None = None,
        stop_grace: float = 0.0,
    ) -> None:
        self.argv = argv
        self.env = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
        self.time_limit = time_limit
        self.memory_bytes = memory_bytes
        self.pass_fds = pass_fds
        self.stop_grace = stop_grace
        self.private = Path(tempfile.mkdtemp(prefix="clientlab-run-"))
        self.scratch = cwd or Path(tempfile.mkdtemp(prefix="clientlab-scratch-"))
        self._own_scratch = cwd is None
        self.pid: int | None = None
        self.report: SandboxReport | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._kept_output: str | None = None

    def start(self) -> Sandbox:
        settings = {
            "argv": self.argv,
            "env": self.env,
            "cwd": str(self.scratch),
            "time_limit": self.time_limit,
            "memory_bytes": self.memory_bytes,
            "output": str(self.private / "output"),
            "pass_fds": list(self.pass_fds),
            "stop_grace": self.stop_grace,
            "remove_when_orphaned": [str(self.private), *([str(self.scratch)] if self._own_scratch else [])],
        }
        # Its own session: Ctrl+C in a terminal or "interrupt kernel" reaches this process, whose exit then
        # closes the supervisor's stdin, and the supervisor ends the command.
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "clientlab.procs.supervisor"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            pass_fds=self.pass_fds,
            start_new_session=True,
            env=self.env,
        )
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write((json.dumps(settings) + "\n").encode())
        self._proc.stdin.flush()
        line = read_first_line(self._proc.stdout.fileno(), self._proc, STARTUP_SECONDS)
        item = parse_report(line)
        if "started" not in item:
            self._kill()
            reason = item.get("finished", {}).get("error") or f"no answer from the supervisor ({line[:200]!r})"
            raise SandboxError(reason)
        self.pid = item["started"]["pid"]
        return self

    def wait(self, timeout: float | None = None) -> SandboxReport:
        """Wait for the command to end by itself (or by its time limit); `timeout` stops it earlier."""
        if self.report is not None:
            return self.report
        limit = timeout if timeout is not None else (self.time_limit or 0) + GRACE_SECONDS
        line = self._read_line(limit) if self.time_limit or timeout is not None else self._read_line(None)
        if line is None:
            return self.stop()
        return self._finish(line)

    def stop(self) -> SandboxReport:
        """End the command and everything it started (idempotent)."""
        if self.report is not None:
            return self.report
        proc = self._proc
        if proc is None:
            raise SandboxError("the sandbox was never started")
        with contextlib.suppress(OSError, ValueError):
            assert proc.stdin is not None
            proc.stdin.write(b"stop\n")
            proc.stdin.flush()
        line = self._read_line(GRACE_SECONDS + self.stop_grace)
        if line is None:
            self._kill()
            self.report = SandboxReport(None, False, True, 0, 0.0, 0)
            return self.report
        return self._finish(line)

    @property
    def running(self) -> bool:
        return self.report is None and self._proc is not None and self._proc.poll() is None

    @property
    def output(self) -> str:
        """What the command printed (stdout and stderr): at most the first and last 32 KB, the cut said."""
        if self._kept_output is not None:
            return self._kept_output
        return read_bounded(self.private / "output")[0]

    def close(self) -> None:
        """Stop, and remove the sandbox's files."""
        if self._proc is not None and self.report is None:
            self.stop()
        if self._kept_output is None:
            self._kept_output = self.output  # still readable after the files are gone
        shutil.rmtree(self.private, ignore_errors=True)
        if self._own_scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def __enter__(self) -> Sandbox:
        """The sandbox's folders exist from here (write the command's inputs there); `start()` runs it."""
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals --------------------------------------------------------------------------------------
    def _read_line(self, timeout: float | None) -> str | None:
        """The supervisor's next line, or None when it says nothing in `timeout` seconds (or exits silent)."""
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        fd = proc.stdout.fileno()
        deadline = None if timeout is None else time.monotonic() + timeout
        buffer = b""
        while True:
            wait = 0.5 if deadline is None else max(0.0, min(0.5, deadline - time.monotonic()))
            ready, _, _ = select.select([fd], [], [], wait)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    return None
                buffer += chunk
                if b"\n" in buffer:
                    return buffer.split(b"\n", 1)[0].decode(errors="replace")
            elif deadline is not None and time.monotonic() >= deadline:
                return None

    def _finish(self, line: str) -> SandboxReport:
        item = parse_report(line).get("finished", {})
        assert self._proc is not None
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout=GRACE_SECONDS)
        self._close_pipes()
        self.report = SandboxReport(
            returncode=item.get("returncode"),
            timed_out=bool(item.get("timed_out")),
            stopped=bool(item.get("stopped")),
            strays=int(item.get("strays", 0)),
            seconds=float(item.get("seconds", 0.0)),
            output_bytes=int(item.get("output_bytes", 0)),
        )
        return self.report

    def _kill(self) -> None:
        """The supervisor did not answer: kill it and the command's process group ourselves."""
        for pid in (self.pid,):
            if pid:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)
        if self._proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._proc.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=5)
        self._close_pipes()

    def _close_pipes(self) -> None:
        if self._proc is not None:
            for stream in (self._proc.stdin, self._proc.stdout):
                if stream:
                    with contextlib.suppress(OSError):
                        stream.close()
