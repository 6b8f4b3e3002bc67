"""A server in a child process of its own, tied to this one by its stdin.

The child reads its settings (secrets included: never on a command line) as one JSON line on stdin and keeps
stdin open; when it closes, because this process stopped the service or ended however it ended, the child
stops (it watches with `stop_when_parent_goes`). It runs in its own session, so a notebook's "interrupt
kernel" (SIGINT to the kernel's process group) does not stop it, and says it is ready with one JSON line on
stdout: `{"ready": {...}}`.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Sequence
from typing import Any

from .ready import read_first_line


class ServiceError(RuntimeError):
    """The child did not start: what it printed says why."""


class Service:
    """One child server: `start()` returns what its ready line reported; `stop()` is idempotent."""

    def __init__(self, argv: Sequence[str], settings: dict[str, Any], *, env: dict[str, str] | None = None) -> None:
        self.argv = list(argv)
        self.settings = settings
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float) -> dict[str, Any]:
        proc = subprocess.Popen(
            self.argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env={**(self.env if self.env is not None else os.environ), "PYTHONUNBUFFERED": "1"},
        )
        self.proc = proc
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(json.dumps(self.settings).encode() + b"\n")
        proc.stdin.flush()  # stdin stays open: the child stops when it closes
        line = read_first_line(proc.stdout.fileno(), proc, timeout)
        try:
            info = json.loads(line)["ready"]
        except (ValueError, KeyError, TypeError):
            stop(proc)
            err = proc.stderr.read().decode(errors="replace")[-2000:] if proc.stderr else ""
            raise ServiceError(f"{self.argv[-1]!r} did not start: {line!r} {err}") from None
        # Drain stderr so a chatty server can never block on a full pipe.
        threading.Thread(target=_drain, args=(proc.stderr,), daemon=True).start()
        return info

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Close the child's stdin (its cue), then terminate it, then kill it; close our ends of its pipes."""
    if proc.poll() is None:
        try:
            if proc.stdin:
                proc.stdin.close()
            proc.terminate()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait(timeout=5)
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()


def _drain(stream: Any) -> None:
    try:
        while stream.read(65536):
            pass
    except (OSError, ValueError):
        pass
