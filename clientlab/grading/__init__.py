"""Grading: the exercise registry, the harness that runs a learner's file against the mock, verdicts, hints."""

from .harness import CouldNotGrade, Grading, grade
from .hints import hint
from .progress import progress, progress_text
from .registry import EXERCISES, Exercise, get_exercise
from .verdict import Check, Status, Verdict

__all__ = [
    "EXERCISES",
    "Check",
    "CouldNotGrade",
    "Exercise",
    "Grading",
    "Status",
    "Verdict",
    "get_exercise",
    "grade",
    "hint",
    "progress",
    "progress_text",
]
