"""Reading a child's one-line reports (ready, stopped) without blocking forever, and parsing them."""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
from typing import Any


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


def parse_report(line: str) -> dict[str, Any]:
    """A report line as a JSON object; {} for an empty line, a line that is not JSON, or JSON of another kind
    (a child that died mid-write, or printed something else, is "no report", not an exception)."""
    try:
        item = json.loads(line) if line else {}
    except ValueError:
        return {}
    return item if isinstance(item, dict) else {}
