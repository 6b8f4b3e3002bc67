"""The proofs of the graders: every stub fails, every solution passes, and every answer in tests/answers
gets its expected verdict and hint. One list of cases serves `python -m clientlab check` and the tests, so
the two cannot drift apart.

An answer file's first line says what it expects:
    # expect: pass                     a right answer in another style
    # expect: <text>                   a wrong answer: not yet, with <text> in the failed checks' words
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .harness import grade
from .registry import EXERCISES, Exercise, course_root, get_exercise
from .stubs import make_stub
from .verdict import Status, Verdict


@dataclass(frozen=True)
class Case:
    """One file to grade and what its verdict must be."""

    exercise: Exercise
    kind: str  # "solution", "stub" or "answer"
    path: Path | None  # None for the stub: generated from the solution when run
    expect: str  # "pass", "fail" (any hint) or the text a failed check must contain

    @property
    def label(self) -> str:
        return f"{self.exercise.id}-{self.kind}" if self.path is None or self.kind != "answer" else self.path.stem


def answers_folder() -> Path:
    return course_root() / "tests" / "answers"


def cases(exercises: list[Exercise] | None = None) -> list[Case]:
    """Every proof of every exercise with a solution (or of the given ones)."""
    chosen = [e for e in (exercises or list(EXERCISES)) if e.solution_path.exists()]
    found: list[Case] = []
    for exercise in chosen:
        found.append(Case(exercise, "solution", exercise.solution_path, "pass"))
        found.append(Case(exercise, "stub", None, "fail"))
    ids = {e.id for e in chosen}
    for path in sorted(answers_folder().glob("ex*.py")):
        first = path.read_text().splitlines()[0] if path.read_text() else ""
        if not first.startswith("# expect: "):
            raise ValueError(f"{path.name}: the first line must be '# expect: ...'")
        exercise = get_exercise(path.name[:4])
        if exercise.id in ids:
            found.append(Case(exercise, "answer", path, first.removeprefix("# expect: ").strip()))
    return found


@dataclass(frozen=True)
class Result:
    case: Case
    verdict: Verdict
    seconds: float
    problem: str | None  # None when the verdict is what the case expects

    @property
    def ok(self) -> bool:
        return self.problem is None


def run(case: Case) -> Result:
    """Grade the case's file and compare the verdict with what it expects."""
    started = time.monotonic()
    if case.path is None:
        with tempfile.TemporaryDirectory(prefix="clientlab-stub-") as folder:
            stub = Path(folder) / case.exercise.filename
            stub.write_text(make_stub(case.exercise.solution_path.read_text()))
            verdict = grade(case.exercise.id, stub, record=False)
    else:
        verdict = grade(case.exercise.id, case.path, record=False)
    return Result(case, verdict, time.monotonic() - started, judge(case, verdict))


def judge(case: Case, verdict: Verdict) -> str | None:
    """What is wrong with this verdict for this case (None: it is right)."""
    if verdict.status is Status.COULD_NOT_GRADE:
        return f"could not grade: {verdict.error}"
    if case.expect == "pass":
        return None if verdict.passed else "should pass, but did not"
    if verdict.passed:
        return "should fail, but passed"
    if not verdict.hints:
        return "failed without a hint"
    if case.expect == "fail":
        return None
    said = " ".join(f"{c.evidence} {c.hint}" for c in verdict.failed)
    return None if case.expect.lower() in said.lower() else f"expected {case.expect!r} in the failed checks"
