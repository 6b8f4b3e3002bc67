"""Run a learner's file in its own process, with a time limit, and bring back results or a readable error.

The grader describes a script of calls, `[Call("ask", ["q1"]), Call("ask", ["q2"])]`; the child process
(`clientlab.grading.driver`) imports the file once and makes the calls in order, awaiting coroutines on
one persistent event loop, so module-level clients live across calls as they would in a real program.
A call's argument `Ref(i)` stands for the object call i returned (e.g. a client built by `make_client`).
"""

from __future__ import annotations

import json
import shutil
import signal
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..procs import Sandbox


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
    together: bool = False  # consecutive calls marked `together` are made at the same time (threads)

    def to_json(self) -> dict[str, Any]:
        return {
            "fn": self.fn,
            "args": [_encode(a) for a in self.args],
            "kwargs": {k: _encode(v) for k, v in self.kwargs.items()},
            "together": self.together,
        }


@dataclass(frozen=True)
class LearnerError:
    """Why the learner's code did not complete: what happened, in one line, and where."""

    kind: str  # "syntax", "import", "import-timeout", "missing", "exception", "timeout", "crash"
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
    """What came back: the results of the calls that completed in order, and the error that stopped the script.

    `returned` and `raised` hold every call that settled, by its index in the script: a call made together
    with one that hung or raised still has its result there."""

    results: list[Any]
    error: LearnerError | None
    output: str  # what the learner's code printed (stdout and stderr): the first and last 32 KB at most
    strays: int = 0  # processes the learner's code started and left running (all ended by the sandbox)
    returned: dict[int, Any] = field(default_factory=dict)
    raised: dict[int, LearnerError] = field(default_factory=dict)
    stopped: LearnerError | None = None  # the time limit or a crash ended the process (`error` may say more)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def timed_out(self) -> bool:
        """Stopped by the time limit (every call may still have returned: a process that could not exit)."""
        return self.stopped is not None and self.stopped.kind in ("timeout", "import-timeout")


def run_calls(
    path: Path,
    calls: list[Call],
    *,
    env: dict[str, str] | None = None,
    timeout: float = 30.0,
    hold_gc: bool = False,
) -> Outcome:
    """Import `path` in a sandboxed process and make `calls` there; never raises for the learner's mistakes.

    `hold_gc`: the cyclic garbage collector does not run on its own during the calls, so what the learner's
    code leaves for it (a stream dropped without closing) is still there for a later call or probe to see.

    The learner's file is copied into a scratch directory, which is also the working directory, so what
    the code writes or deletes around itself is not the course's files.
    """
    path = Path(path).resolve()
    with Sandbox([], env=env, time_limit=timeout) as box:
        copy = box.scratch / path.name
        shutil.copyfile(path, copy)
        results_file = box.private / "results.jsonl"
        spec = {
            "file": str(copy),
            "origin": str(path.parent),
            "calls": [c.to_json() for c in calls],
            "results": str(results_file),
            "hold_gc": hold_gc,
        }
        spec_file = box.private / "spec.json"
        spec_file.write_text(json.dumps(spec))
        box.argv = [sys.executable, "-m", "clientlab.grading.driver", str(spec_file)]
        box.start()
        report = box.wait()
        lines = results_file.read_text().splitlines() if results_file.exists() else []
        output = box.output
    returned: dict[int, Any] = {}
    raised: dict[int, LearnerError] = {}
    error: LearnerError | None = None  # an error of no call: the import, or a name the module lacks
    imported = False
    for line in lines:
        item = json.loads(line)
        if "imported" in item:
            imported = True
        elif "error" in item and item["error"].get("kind") != "missing" and "call" in item:
            raised[item["call"]] = LearnerError(**item["error"])
        elif "error" in item:
            error = error or LearnerError(**item["error"])
        else:
            returned[item["call"]] = item["result"]
    results: list[Any] = []
    while len(results) in returned:
        results.append(returned[len(results)])
    stopped: LearnerError | None = None  # why the process ended before every call had settled
    settled = len(returned) + len(raised)
    if report.timed_out:
        if not imported and error is None:
            stopped = LearnerError(
                "import-timeout",
                f"the module never finished importing: its top-level code was still running after {timeout:g} s",
            )
        elif imported:
            pending = calls[len(results)].fn if len(results) < len(calls) else None
            stopped = LearnerError(
                "timeout",
                f"did not finish within {timeout:g} s: something is waiting forever "
                "(a blocked event loop, an exhausted pool, a missing await?)",
                call=pending,
            )
    elif error is None and settled < _expected(calls, raised):
        stopped = LearnerError("crash", f"the process ended unexpectedly ({_exit_text(report.returncode)})")
    if error is None and raised:
        error = raised[min(raised)]
    return Outcome(results, error or stopped, output, report.strays, returned, raised, stopped)


def _expected(calls: list[Call], raised: dict[int, LearnerError]) -> int:
    """How many calls settle in a run that ends normally: all of them, or, when one raised, every call up to the
    end of its group (the driver stops after the group)."""
    if not raised:
        return len(calls)
    end = min(raised) + 1
    while end < len(calls) and calls[end].together and calls[end - 1].together:
        end += 1
    return end


def _exit_text(code: int | None) -> str:
    if code is None:
        return "no exit status"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


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


def _encode(value: Any) -> Any:
    if isinstance(value, Ref):
        return {"$ref": value.index}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value
