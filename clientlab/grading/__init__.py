"""Grading: the exercise registry, the harness that runs a learner's file against the mock, verdicts, hints.

The names below are imported on first use (PEP 562), so that `clientlab.grading.driver`, which runs in the
learner's process for every grade, does not import the harness and the mock server's web stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .harness import CouldNotGrade, Grading, grade
    from .hints import hint
    from .progress import progress, progress_text
    from .registry import EXERCISES, Exercise, get_exercise
    from .verdict import Check, Status, Verdict

_HOMES = {
    "CouldNotGrade": "harness",
    "Grading": "harness",
    "grade": "harness",
    "hint": "hints",
    "progress": "progress",
    "progress_text": "progress",
    "EXERCISES": "registry",
    "Exercise": "registry",
    "get_exercise": "registry",
    "Check": "verdict",
    "Status": "verdict",
    "Verdict": "verdict",
}
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


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module 'clientlab.grading' has no attribute {name!r}")
