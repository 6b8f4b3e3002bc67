"""The graders are proven: every solution passes, every unsolved stub fails, every realistic wrong answer
fails with the hint a learner needs, and correct answers in other styles pass. Driven by the registry."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clientlab.grading import EXERCISES, Exercise, get_exercise, grade
from clientlab.grading.stubs import make_stub, stub_diff

ANSWERS = Path(__file__).parent / "answers"
READY = [e for e in EXERCISES if e.solution_path.exists()]


def answer_files() -> list[tuple[Exercise, Path, str]]:
    found = []
    for path in sorted(ANSWERS.glob("ex*.py")):
        first = path.read_text().splitlines()[0]
        assert first.startswith("# expect: "), f"{path.name}: first line must be '# expect: ...'"
        found.append((get_exercise(path.name[:4]), path, first.removeprefix("# expect: ").strip()))
    return found


def test_every_exercise_has_its_files() -> None:
    for exercise in EXERCISES:
        for path in (exercise.solution_path, exercise.exercise_path, exercise.lesson_path):
            assert path.exists(), f"{exercise.id}: {path.name} is missing"
        assert (ANSWERS.parent.parent / "clientlab" / "graders" / f"{exercise.id}.py").exists()


@pytest.mark.parametrize("exercise", READY, ids=lambda e: e.id)
def test_solution_passes(exercise: Exercise) -> None:
    verdict = grade(exercise.id, exercise.solution_path, record=False)
    assert verdict.passed, verdict.to_text()


@pytest.mark.parametrize("exercise", READY, ids=lambda e: e.id)
def test_unsolved_stub_fails_with_a_hint(exercise: Exercise, tmp_path: Path) -> None:
    stub = tmp_path / exercise.filename
    stub.write_text(make_stub(exercise.solution_path.read_text()))
    verdict = grade(exercise.id, stub, record=False)
    assert not verdict.passed and verdict.hints, verdict.to_text()


@pytest.mark.parametrize(("exercise", "path", "expect"), answer_files(), ids=lambda v: getattr(v, "name", ""))
def test_answer(exercise: Exercise, path: Path, expect: str) -> None:
    verdict = grade(exercise.id, path, record=False)
    if expect == "pass":
        assert verdict.passed, verdict.to_text()
        return
    assert not verdict.passed, f"{path.name} should fail:\n{verdict.to_text()}"
    said = " ".join(f"{c.evidence} {c.hint}" for c in verdict.checks if not c.passed)
    assert expect.lower() in said.lower(), f"expected {expect!r} in:\n{verdict.to_text()}"


@pytest.mark.parametrize("exercise", READY, ids=lambda e: e.id)
def test_exercise_files_are_generated_from_solutions(exercise: Exercise) -> None:
    diff = stub_diff(exercise)
    if diff and not os.environ.get("CI"):
        pytest.skip(f"exercises/{exercise.filename} differs from its generated stub: a learner's work (CI checks it)")
    assert not diff, f"run `python -m clientlab stubs --write`:\n{diff}"
