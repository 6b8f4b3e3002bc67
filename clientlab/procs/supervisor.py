"""The supervisor: runs one command (the learner's code) and makes sure nothing it started outlives it.

Run as `python -m clientlab.procs.supervisor`; the parent (`Sandbox`) writes one JSON line of settings on
its stdin and reads JSON lines back on its stdout: `{"started": {"pid": N}}`, then `{"finished": {...}}`.

On Linux the supervisor is a *child subreaper*: a process the learner's code starts and then orphans (a
double fork, a daemon, `setsid`) is re-parented to the supervisor instead of to init, so it is found and
ended like the others. The command runs in its own session with a memory limit and dies with the
supervisor (parent-death signal). Everything ends when the command exits, its time limit passes, the
parent writes `stop` (the command first gets SIGTERM and `stop_grace` seconds to end by itself), or the
parent goes away (stdin closes, or the parent process id changes); then the sandbox's folders go too.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from .output import BoundedOutput

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


def _prctl(option: int, value: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _limits(memory_bytes: int | None) -> None:
    """In the command's process, before it runs: die with the supervisor, and cap its address space."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if memory_bytes:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def end_descendants(group: int | None = None) -> int:
    """Kill every process below this one, and the command's process group; returns how many processes
    other than the group's leader were still running (the strays the command left behind)."""
    seen: set[int] = set()
    me = psutil.Process()
    for _ in range(50):
        try:
            found = [p for p in me.children(recursive=True) if _running(p)]
        except psutil.Error:
            found = []
        seen.update(p.pid for p in found)
        if group is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)
        for proc in found:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        _reap()
        if not found:
            break
        time.sleep(0.02)
    _reap()
    seen.discard(group or -1)
    return len(seen)


def _running(proc: psutil.Process) -> bool:
    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _reap() -> None:
    """Collect exited children (orphans adopted by a subreaper become ours to reap)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main() -> int:
    settings: dict[str, Any] = json.loads(sys.stdin.buffer.readline() or b"{}")
    out = sys.stdout

    def say(item: dict[str, Any]) -> None:
        out.write(json.dumps(item) + "\n")
        out.flush()

    subreaper = _prctl(PR_SET_CHILD_SUBREAPER, 1)
    output = BoundedOutput(Path(settings["output"]))
    read_fd, write_fd = os.pipe()
    pass_fds = tuple(settings.get("pass_fds", ()))
    memory = settings.get("memory_bytes")
    try:
        child = subprocess.Popen(
            settings["argv"],
            env=settings.get("env"),
            cwd=settings.get("cwd"),
            stdin=subprocess.DEVNULL,
            stdout=write_fd,
            stderr=write_fd,
            pass_fds=pass_fds,
            start_new_session=True,
            preexec_fn=lambda: _limits(memory),  # safe: no other thread runs in this process yet
        )
    except OSError as exc:
        say({"finished": {"error": f"could not start: {exc}"}})
        return 1
    finally:
        os.close(write_fd)
        for fd in pass_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
    output.follow(read_fd)
    say({"started": {"pid": child.pid, "subreaper": subreaper}})

    stop = threading.Event()
    why: list[str] = []
    parent = os.getppid()

    def listen() -> None:
        for line in sys.stdin.buffer:
            if line.strip() == b"stop":
                why.append("stopped")
                break
        else:
            why.append("parent gone")
        stop.set()

    threading.Thread(target=listen, name="listen", daemon=True).start()
    limit = settings.get("time_limit")
    deadline = time.monotonic() + limit if limit else None
    timed_out = False
    started = time.monotonic()
    while child.poll() is None:
        if stop.wait(0.02):
            break
        if os.getppid() != parent:
            why.append("parent gone")
            break
        if deadline is not None and time.monotonic() >= deadline:
            timed_out = True
            break
    grace = float(settings.get("stop_grace") or 0)
    if why == ["stopped"] and grace > 0 and child.poll() is None:
        child.send_signal(signal.SIGTERM)  # a server's graceful shutdown (uvicorn runs the lifespan's end)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(grace)
    code = child.poll()
    strays = end_descendants(child.pid)
    elapsed = time.monotonic() - started
    if code is None:
        child.wait()
    output.close()
    if why and why[0] == "parent gone":
        # Nobody is left to read the output or to remove the sandbox's folders: remove them here.
        for folder in settings.get("remove_when_orphaned", ()):
            shutil.rmtree(folder, ignore_errors=True)
        return 0
    say(
        {
            "finished": {
                "returncode": code,
                "timed_out": timed_out,
                "stopped": bool(why),
                "strays": strays,
                "seconds": round(elapsed, 3),
                "output_bytes": output.total,
            }
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
