"""Bounded capture of what a child prints: the first and the last part kept, the middle counted, never all."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

HEAD_BYTES = 32 * 1024
TAIL_BYTES = 32 * 1024


class BoundedOutput:
    """Copies a pipe into `<path>.head` (the first HEAD_BYTES) and `<path>.tail` (rewritten to keep about the
    last TAIL_BYTES), so a child that prints 100 MB costs at most a few hundred KB, and a reader can look at
    the output while the child still runs."""

    def __init__(self, path: Path, head_bytes: int = HEAD_BYTES, tail_bytes: int = TAIL_BYTES) -> None:
        self.path = path
        self.head_bytes = head_bytes
        self.tail_bytes = tail_bytes
        self.total = 0
        self._head = open(path.with_suffix(".head"), "wb")  # noqa: SIM115 (closed in close())
        self._tail = bytearray()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def follow(self, fd: int) -> None:
        """Read `fd` until end of file in a daemon thread (the pipe may outlive the child: see `close`)."""
        self._thread = threading.Thread(target=self._pump, args=(fd,), name="output", daemon=True)
        self._thread.start()

    def _pump(self, fd: int) -> None:
        try:
            while chunk := os.read(fd, 65536):
                self.write(chunk)
        except OSError:
            pass
        finally:
            os.close(fd)

    def write(self, chunk: bytes) -> None:
        with self._lock:
            room = max(0, self.head_bytes - self.total)
            if room:
                self._head.write(chunk[:room])
                self._head.flush()
            self.total += len(chunk)
            rest = chunk[room:]
            if rest:
                self._tail += rest
                if len(self._tail) > 2 * self.tail_bytes:
                    del self._tail[: len(self._tail) - self.tail_bytes]
                self.path.with_suffix(".tail").write_bytes(bytes(self._tail[-self.tail_bytes :]))
                self.path.with_suffix(".total").write_text(str(self.total))

    def close(self, wait: float = 0.5) -> None:
        """Stop copying: wait briefly for what is already in the pipe, then leave the thread to end with the
        pipe (every writer is killed by then; a pipe still held by a stray process must not hold us)."""
        if self._thread is not None:
            self._thread.join(wait)
        with self._lock:
            self._head.close()
            self.path.with_suffix(".total").write_text(str(self.total))


def read_bounded(path: Path) -> tuple[str, int]:
    """The text kept for `path` (head, a line saying what was cut, tail) and the total bytes printed."""
    head_file, tail_file = path.with_suffix(".head"), path.with_suffix(".tail")
    head = head_file.read_bytes() if head_file.exists() else b""
    tail = tail_file.read_bytes() if tail_file.exists() else b""
    total = len(head) + len(tail)
    with contextlib.suppress(OSError, ValueError):
        total = int(path.with_suffix(".total").read_text())
    cut = total - len(head) - len(tail)
    text = head.decode(errors="replace")
    if cut > 0:
        text += f"\n[... output cut: {cut:,} of {total:,} bytes printed are not kept ...]\n"
    return text + tail.decode(errors="replace"), total
