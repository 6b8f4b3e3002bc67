"""The graders are proven: every solution passes, every unsolved stub fails, every realistic wrong answer
fails with the hint a learner needs, and correct answers in other styles pass. The cases are the ones
`python -m clientlab check` runs (clientlab.grading.proofs), so the two cannot drift apart."""

from __future__ import annotations

import pytest

from clientlab.grading import EXERCISES
from clientlab.grading.proofs import Case, answers_folder, cases, run

ALL = cases()


def test_every_exercise_has_its_files() -> None:
    root = answers_folder().parent.parent
    for exercise in EXERCISES:
        for path in (exercise.solution_path, exercise.exercise_path, exercise.lesson_path):
            assert path.exists(), f"{exercise.id}: {path.name} is missing"
        assert (root / "clientlab" / "graders" / f"{exercise.id}.py").exists()


def test_every_exercise_has_wrong_answers_and_other_right_ones() -> None:
    for exercise in EXERCISES:
        mine = [c for c in ALL if c.exercise == exercise and c.kind == "answer"]
        assert sum(c.expect != "pass" for c in mine) >= 5, f"{exercise.id}: prove the grader with wrong answers"
        assert sum(c.expect == "pass" for c in mine) >= 1, f"{exercise.id}: prove it with another right answer"


@pytest.mark.parametrize("case", ALL, ids=lambda c: c.label)
def test_proof(case: Case) -> None:
    result = run(case)
    assert result.ok, f"{case.label}: {result.problem}\n{result.verdict.to_text()}"
