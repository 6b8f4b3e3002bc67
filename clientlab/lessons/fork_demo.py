"""Lesson 06: a sync client shared across `os.fork()`, made deterministic.

Run as `python -m clientlab.lessons.fork_demo BASE_URL WHEN GIVER LABEL` (WHEN: `before` or `after` the fork
is the client created; GIVER: `child` or `parent`, the process whose call gives up). Prints one JSON line.

Why a separate process: forking the notebook's kernel (threads, ZeroMQ sockets) is unsafe, and a child that
hangs must be killable. Why it is deterministic: the giver asks a question the mock answers late and gives
up after 0.3 s; its answer is still on its way. Only then does the other process ask, on what its pool
believes is its own idle connection. If both processes share that connection (a client created before the
fork), the answer that arrives first is the giver's, and the other process takes it as its own.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time
from typing import Any

import openai

from .timeouts import ask

LATE_MS = 1200
"""How late the mock answers the giver's question: the other process asks well before that."""
GIVE_UP_S = 0.3
WAIT_S = 15.0
"""The longest one process waits for the other's message; a child that does not answer is killed."""


def _send(fd: int, item: dict[str, Any]) -> None:
    os.write(fd, (json.dumps(item) + "\n").encode())


def _receive(fd: int, timeout: float = WAIT_S) -> dict[str, Any] | None:
    """One JSON line from a pipe, or None when nothing came in time (or the writer died)."""
    data = b""
    deadline = time.monotonic() + timeout
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 4096)
        if not chunk:
            return None
        data += chunk
    return json.loads(data)


def _give_up(client: openai.OpenAI, question: str) -> str:
    """A call that gives up before its answer arrives (the mock answers it `LATE_MS` later)."""
    try:
        ask(
            client.with_options(timeout=GIVE_UP_S),
            question,
            extra_headers={"x-mock-latency-ms": str(LATE_MS)},
        )
    except openai.APITimeoutError:
        return "gave up (APITimeoutError)"
    return "answered in time (unexpected)"


def _ask(client: openai.OpenAI, question: str) -> str:
    try:
        return ask(client, question)
    except Exception as exc:  # reported, not raised: the other process must still be told
        return f"raised {type(exc).__name__}"


def run(base_url: str, when: str, giver: str, label: str) -> dict[str, Any]:
    """One scenario; returns what each process asked and what it got back."""

    def make() -> openai.OpenAI:
        return openai.OpenAI(base_url=base_url, api_key="mock-key", max_retries=0)

    questions = {who: f"{label}: a question from the {who}" for who in ("parent", "child")}
    shared = None
    if when == "before":
        shared = make()
        ask(shared, f"{label}: warm-up before the fork")  # the pool now holds one idle connection
    to_child_r, to_child_w = os.pipe()
    to_parent_r, to_parent_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(to_child_w)
            os.close(to_parent_r)
            client = shared or make()
            if giver == "child":
                _send(to_parent_w, {"child": _give_up(client, questions["child"])})
            else:
                _receive(to_child_r)  # the parent has given up
                _send(to_parent_w, {"child": _ask(client, questions["child"])})
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(to_child_r)
    os.close(to_parent_w)
    got: dict[str, str] = {}
    try:
        client = shared or make()
        if giver == "child":
            child = _receive(to_parent_r)  # the child has given up
            got["child"] = child["child"] if child else "no answer (killed)"
            got["parent"] = _ask(client, questions["parent"])
        else:
            got["parent"] = _give_up(client, questions["parent"])
            _send(to_child_w, {"go": True})
            child = _receive(to_parent_r)
            got["child"] = child["child"] if child else "no answer (killed)"
    finally:
        deadline = time.monotonic() + 2
        while os.waitpid(pid, os.WNOHANG) == (0, 0):  # not reaped yet
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            time.sleep(0.02)
    return {"when": when, "giver": giver, "questions": questions, "got": got}


if __name__ == "__main__":
    print(json.dumps(run(*sys.argv[1:5])), flush=True)
