"""exercises/ holds, for each exercise, either the stub generated from the current solution or the
learner's own work; never a stale stub, and the record of generated stubs is current."""

from __future__ import annotations

import pytest

from clientlab.grading import EXERCISES, Exercise
from clientlab.grading.stubs import make_stub, sha, stub_diff, stub_state


@pytest.mark.parametrize("exercise", [e for e in EXERCISES if e.solution_path.exists()], ids=lambda e: e.id)
def test_exercise_file_is_its_stub_or_the_learners_work(exercise: Exercise) -> None:
    state = stub_state(exercise)
    assert state in ("stub", "learner's work"), f"{state}: run `python -m clientlab stubs --write`\n" + stub_diff(
        exercise
    )


@pytest.mark.parametrize("exercise", [e for e in EXERCISES if e.solution_path.exists()], ids=lambda e: e.id)
def test_the_stub_raises_until_solved(exercise: Exercise) -> None:
    stub = make_stub(exercise.solution_path.read_text())
    assert "NotImplementedError" in stub or "TODO" in stub
    assert sha(stub) != sha(exercise.solution_path.read_text())
