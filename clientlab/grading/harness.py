"""The grading harness: one shape for every grader.

A grader is a function `grade(g: Grading) -> None` named in the registry. It states its scenario (a mock
server with its behaviour, the learner's calls or app, the probes) through `g`, and its checks with
`g.check(...)`. The harness builds the Verdict, names the file, owns time limits and cleanup, and turns a
failure of the course's own machinery into "could not grade", never into the learner's failure.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..mock import MockServer
from ..mock.runner import MockServerError
from ..procs.sandbox import SandboxError
from .app_server import AppServer, AppServerError
from .checks import check_ran
from .learner import Call, Outcome, run_calls
from .registry import Exercise, course_root, get_exercise
from .verdict import Verdict


class CouldNotGrade(RuntimeError):
    """Raised by a grader or the harness when the course, not the learner, is at fault."""


@dataclass
class Grading:
    """What a grader works with: the exercise, the learner's file, the verdict it adds checks to."""

    exercise: Exercise
    path: Path
    verdict: Verdict
    _stack: ExitStack = field(default_factory=ExitStack, repr=False)

    @property
    def filename(self) -> str:
        return self.path.name

    def check(self, name: str, passed: bool, evidence: str, hint: str = "") -> bool:
        """Record a check; returns whether it passed (so a grader can stop early)."""
        return self.verdict.add(name, passed, evidence, hint)

    def mock(self, **behaviour: Any) -> MockServer:
        """A fresh mock server for this grade, stopped when the grade ends.

        Locked against the code under test: its control plane needs the token only this process holds, and
        it ignores `x-mock-*` headers the learner's code sends, so the scenario stays the grader's."""
        behaviour.setdefault("client_controls", False)
        return self._stack.enter_context(MockServer(**behaviour))

    def run_calls(
        self,
        calls: list[Call],
        mock: MockServer,
        *,
        time_limit: float | None = None,
        hold_gc: bool = False,
        env: dict[str, str] | None = None,
    ) -> Outcome:
        """Run the learner's file in the sandbox, making `calls`, pointed at `mock` by its environment (`env`
        added to it; `hold_gc`: no automatic garbage collection while the calls run, see `learner.run_calls`)."""
        limit = time_limit or self.exercise.time_limit
        return run_calls(self.path, calls, env={**mock.env(), **(env or {})}, timeout=limit, hold_gc=hold_gc)

    def ran(self, outcome: Outcome, hints: dict[str, str] | None = None) -> bool:
        """The first check of a calls-based grader: did the learner's code run to the end?"""
        return check_ran(self.verdict, outcome, self.filename, hints)

    def serve_app(self, mock: MockServer, **options: Any) -> AppServer:
        """Serve the learner's app against `mock`; raises AppServerError (the learner's) if it cannot start."""
        return self._app_server(mock, {}, **options).start()

    def launch_apps(self, mock: MockServer, count: int, env: dict[str, str], **options: Any) -> list[AppServer]:
        """Start `count` copies of the learner's app (as uvicorn's workers: one process each, `env` added to the
        mock's) without waiting: `wait_ready()` each later (AppServerError is the learner's); stopped at the end."""
        return [self._app_server(mock, env, **options).launch() for _ in range(count)]

    def _app_server(self, mock: MockServer, env: dict[str, str], **options: Any) -> AppServer:
        server = AppServer(self.path, env={**mock.env(), **env}, startup_timeout=self.exercise.time_limit, **options)
        self._stack.callback(server.close)
        return server


def grade(exercise: str, file: str | Path | None = None, *, record: bool = True) -> Verdict:
    """Grade the learner's file for `exercise` (or any `file`) against a fresh mock server."""
    ex = get_exercise(exercise)
    path = Path(file).resolve() if file else ex.exercise_path
    verdict = Verdict(ex.id, ex.title, display_path(path))
    if not path.is_file():
        verdict.add(
            "the file exists",
            False,
            f"there is no file {verdict.file}",
            f"write your answer in exercises/{ex.filename}, or pass --file PATH",
        )
        return verdict
    with grading(ex, path, verdict) as g:
        ex.grader_function()(g)
    if record and file is None:
        from .progress import save

        save(ex, path, verdict)
    return verdict


@contextmanager
def grading(exercise: Exercise, path: Path, verdict: Verdict) -> Iterator[Grading]:
    """Run a grader's body; whatever it started is stopped, and our own failures become 'could not grade'."""
    g = Grading(exercise, path, verdict)
    try:
        with g._stack:
            yield g
    except AppServerError as exc:  # a grader that did not catch it: still the learner's app
        verdict.add("your app started", False, exc.error.describe(path.name), "fix the error shown")
    except (CouldNotGrade, MockServerError, SandboxError) as exc:
        verdict.error = f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # a grader bug must still give a readable verdict
        where = traceback.extract_tb(exc.__traceback__)[-1]
        verdict.error = f"the grader failed: {type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"


def display_path(path: Path) -> str:
    """The path relative to the course when inside it (no machine-specific paths in outputs)."""
    try:
        return str(path.resolve().relative_to(course_root().resolve()))
    except ValueError:
        return path.name
