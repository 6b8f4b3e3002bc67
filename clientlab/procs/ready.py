"""Reading a child's one-line "ready" report without blocking forever."""

from __future__ import annotations

import os
import select
import subprocess
import time


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
