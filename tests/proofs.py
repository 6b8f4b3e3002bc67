"""The graders' proofs as pytest tests, one file per exercise (tests/test_proofs_exNN.py), so the two
xdist workers share them out. The cases are the ones `python -m clientlab check` runs."""

from __future__ import annotations

from typing import Any

import pytest

from clientlab.grading import get_exercise
from clientlab.grading.proofs import Case, cases, run


def proof_tests(exercise_id: str) -> Any:
    """A parametrized test of every proof of one exercise."""

    @pytest.mark.parametrize("case", cases([get_exercise(exercise_id)]), ids=lambda c: c.label)
    def test_proof(case: Case) -> None:
        result = run(case)
        assert result.ok, f"{case.label}: {result.problem}\n{result.verdict.to_text()}"

    return test_proof
