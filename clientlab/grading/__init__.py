"""Grading: the exercise registry, running a learner's file against the mock, verdicts with hints."""

from .progress import grade, progress, progress_text
from .registry import EXERCISES, Exercise, get_exercise
from .verdict import Check, Verdict

__all__ = ["EXERCISES", "Check", "Exercise", "Verdict", "get_exercise", "grade", "progress", "progress_text"]
