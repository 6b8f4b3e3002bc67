"""Every exercise has what proves its grader; the proofs themselves run in tests/test_proofs_exNN.py
(the cases `python -m clientlab check` runs, so the two cannot drift apart)."""

from __future__ import annotations

from clientlab.grading import EXERCISES
from clientlab.grading.proofs import answers_folder, cases

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


def test_every_exercise_has_its_proof_file() -> None:
    root = answers_folder().parent
    for exercise in EXERCISES:
        assert (root / f"test_proofs_{exercise.id}.py").exists(), f"add tests/test_proofs_{exercise.id}.py"
