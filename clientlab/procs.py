"""Child-process plumbing shared by the mock server and the graders' app runner."""

from __future__ import annotations

import importlib.util
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Protocol


class Stoppable(Protocol):
    """A server with uvicorn's stop flag."""

    should_exit: bool


def read_first_line(fd: int, proc: subprocess.Popen[bytes], timeout: float) -> str:
    """The first line a child writes to `fd`, or '' if it exits or stays silent for `timeout` seconds."""
    deadline = time.monotonic() + timeout
    buffer = b""
    while b"\n" not in buffer and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            buffer += chunk
        elif proc.poll() is not None:
            break
    return buffer.split(b"\n", 1)[0].decode(errors="replace")


def stop_when_parent_goes(server: Stoppable, grace: float = 3.0) -> None:
    """In a child: stop `server` once stdin closes (the parent exited, was killed, or asked us to stop).

    Runs a daemon thread; after `grace` seconds the process exits even if open connections hold it.
    """

    def watch() -> None:
        try:
            while sys.stdin.buffer.read(1024):
                pass
        except (OSError, ValueError):
            pass
        server.should_exit = True
        threading.Timer(grace, os._exit, args=(0,)).start()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def import_file(path: Path) -> ModuleType:
    """Import a Python file as a module named after it (its folder goes first on sys.path)."""
    path = path.resolve()
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path.name}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module
