"""Run a learner's file in its own process, with a time limit, and bring back results or a readable error.

The grader describes a script of calls, `[Call("ask", ["q1"]), Call("ask", ["q2"])]`; the child process
(`clientlab.grading.driver`) imports the file once and makes the calls in order, awaiting coroutines on
one persistent event loop, so module-level clients live across calls as they would in a real program.
A call's argument `Ref(i)` stands for the object call i returned (e.g. a client built by `make_client`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Ref:
    """In a call's arguments: the object returned by call number `index`."""

    index: int


@dataclass(frozen=True)
class Call:
    """One call the driver makes: `fn(*args, **kwargs)` from the learner's module."""

    fn: str
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "fn": self.fn,
            "args": [_encode(a) for a in self.args],
            "kwargs": {k: _encode(v) for k, v in self.kwargs.items()},
        }


@dataclass(frozen=True)
class LearnerError:
    """Why the learner's code did not complete: what happened, in one line, and where."""

    kind: str  # "syntax", "import", "missing", "exception", "timeout", "crash"
    message: str
    call: str | None = None
    line: int | None = None
    source: str | None = None

    def describe(self, filename: str) -> str:
        where = (
            f" (line {self.line} of {filename}: `{self.source}`)"
            if self.line and self.source
            else (f" (line {self.line} of {filename})" if self.line else "")
        )
        during = f"while running {self.call}: " if self.call else ""
        return f"{during}{self.message}{where}"


@dataclass
class Outcome:
    """What came back: one result per completed call, and the error that stopped the script, if any."""

    results: list[Any]
    error: LearnerError | None
    output: str  # what the learner's code printed (stdout and stderr), truncated

    @property
    def ok(self) -> bool:
        return self.error is None


def run_calls(path: Path, calls: list[Call], *, env: dict[str, str] | None = None, timeout: float = 30.0) -> Outcome:
    """Import `path` in a fresh process and make `calls` there; never raises for the learner's mistakes."""
    with tempfile.TemporaryDirectory(prefix="clientlab-grade-") as tmp:
        result_file = Path(tmp) / "results.jsonl"
        spec = {"file": str(Path(path).resolve()), "calls": [c.to_json() for c in calls], "results": str(result_file)}
        spec_file = Path(tmp) / "spec.json"
        spec_file.write_text(json.dumps(spec))
        child_env = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "clientlab.grading.driver", str(spec_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=child_env,
            cwd=str(Path(path).resolve().parent),
            start_new_session=True,
        )
        timed_out = False
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc)
            output, _ = proc.communicate()
        lines = result_file.read_text().splitlines() if result_file.exists() else []
    results: list[Any] = []
    error: LearnerError | None = None
    for line in lines:
        item = json.loads(line)
        if "error" in item:
            error = LearnerError(**item["error"])
        else:
            results.append(item["result"])
    if error is None and timed_out:
        pending = calls[len(results)].fn if len(results) < len(calls) else None
        error = LearnerError(
            "timeout",
            f"did not finish within {timeout:g} s: something is waiting forever "
            "(a blocked event loop, an exhausted pool, a missing await?)",
            call=pending,
        )
    elif error is None and len(results) < len(calls):
        error = LearnerError("crash", f"the process ended unexpectedly (exit status {proc.returncode})")
    text = output.decode(errors="replace")
    return Outcome(results, error, text[-4000:])


def describe_exception(
    exc: BaseException, learner_file: Path | None, kind: str, call: str | None = None
) -> dict[str, Any]:
    """A `LearnerError` as JSON-able data: the exception in one line, and the last line of the learner's
    file it passed through (a SyntaxError in that file: the line Python could not read)."""
    learner = learner_file.resolve() if learner_file else None
    if isinstance(exc, SyntaxError) and learner and exc.filename and Path(exc.filename).resolve() == learner:
        source = (exc.text or "").strip() or None
        return {
            "kind": "syntax",
            "message": f"SyntaxError: {exc.msg}",
            "call": call,
            "line": exc.lineno,
            "source": source,
        }
    line, source = None, None
    for frame in traceback.extract_tb(exc.__traceback__):
        if learner and Path(frame.filename).resolve() == learner:
            line, source = frame.lineno, (frame.line or "").strip() or None
    message = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    if len(message) > 300:
        message = message[:297] + "..."
    return {"kind": kind, "message": message, "call": call, "line": line, "source": source}


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


def _encode(value: Any) -> Any:
    if isinstance(value, Ref):
        return {"$ref": value.index}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value
