"""In a child: notice that the parent is gone, however it went.

Two signs, because either alone misses a case: stdin (a pipe from the parent) reaches end of file when
every holder of its write end has exited, which a fork of the parent delays; and the parent process id
changes when the parent dies, whoever else still holds the pipe.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import Protocol

POLL_SECONDS = 0.25


class Stoppable(Protocol):
    """A server with uvicorn's stop flag."""

    should_exit: bool


def on_parent_gone(callback: Callable[[], None], *, read_stdin: bool = True) -> None:
    """Call `callback` once, from a daemon thread, when stdin closes or the parent process dies."""
    parent = os.getppid()
    done = threading.Event()

    def fire() -> None:
        if not done.is_set():
            done.set()
            callback()

    def watch_stdin() -> None:
        try:
            while sys.stdin.buffer.read1(65536):
                pass
        except (OSError, ValueError, AttributeError):
            pass
        fire()

    def watch_pid() -> None:
        while not done.wait(POLL_SECONDS):
            if os.getppid() != parent:
                fire()

    if read_stdin:
        threading.Thread(target=watch_stdin, name="parent-watch-stdin", daemon=True).start()
    threading.Thread(target=watch_pid, name="parent-watch-pid", daemon=True).start()


def stop_when_parent_goes(server: Stoppable, grace: float = 3.0) -> None:
    """Stop `server` once the parent is gone (or closed our stdin to ask us to stop).

    After `grace` seconds the process exits even if open connections hold the server.
    """

    def stop() -> None:
        server.should_exit = True
        threading.Timer(grace, os._exit, args=(0,)).start()

    on_parent_gone(stop)


def exit_when_parent_goes(code: int = 0) -> None:
    """Exit the process at once when the parent is gone."""
    on_parent_gone(lambda: os._exit(code))
