"""The learner's progress, kept in .clientlab/progress.json of the course (git-ignored)."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from .registry import EXERCISES, Exercise, course_root
from .stubs import make_stub
from .verdict import Verdict


@dataclass(frozen=True)
class Status:
    exercise: Exercise
    state: str  # "not started", "edited, not graded", "passed", "not passed yet"


def progress() -> list[Status]:
    """Every exercise and where the learner stands with it."""
    saved = _load()
    statuses = []
    for ex in EXERCISES:
        path = ex.exercise_path
        text = path.read_text() if path.exists() else ""
        entry = saved.get(ex.id)
        if ex.solution_path.exists() and text == make_stub(ex.solution_path.read_text()):
            state = "not started"
        elif entry is None or entry.get("sha") != _sha(text):
            state = "edited, not graded"
        else:
            state = "passed" if entry.get("passed") else "not passed yet"
        statuses.append(Status(ex, state))
    return statuses


def progress_text() -> str:
    """The progress table for the terminal."""
    rows = [f"{'exercise':<9}{'status':<20}{'lesson':<34}task"]
    for status in progress():
        ex = status.exercise
        rows.append(f"{ex.id:<9}{status.state:<20}{ex.lesson:<34}{ex.task}")
    done = sum(s.state == "passed" for s in progress())
    rows.append(f"\n{done} of {len(EXERCISES)} passed. Grade one with: python -m clientlab grade 01")
    return "\n".join(rows)


def _progress_file() -> Path:
    return course_root() / ".clientlab" / "progress.json"


def _load() -> dict[str, dict[str, object]]:
    try:
        return json.loads(_progress_file().read_text())
    except (OSError, ValueError):
        return {}


def save(ex: Exercise, path: Path, verdict: Verdict) -> None:
    """Remember a grade of the learner's own file (not a grade that could not run)."""
    if verdict.error is not None:
        return
    passed = verdict.passed
    data = _load()
    data[ex.id] = {"passed": passed, "sha": _sha(path.read_text()), "when": time.strftime("%Y-%m-%d %H:%M")}
    try:
        _progress_file().parent.mkdir(exist_ok=True)
        _progress_file().write_text(json.dumps(data, indent=2))
    except OSError:
        pass  # a read-only checkout still grades


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
