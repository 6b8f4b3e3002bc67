"""The learner's progress, kept with the course in .clientlab/progress.json (git-ignored), so it survives restarts.

For each exercise it remembers the last grade of the learner's own file (its status, when, a fingerprint of
the file, and the verdict, so `hint` needs no second grade of an unchanged file), the last pass, and how far
the learner has climbed the hint ladder. A file edited since its last grade is told apart by the fingerprint.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from .registry import EXERCISES, Exercise, course_root
from .stubs import stub_state
from .verdict import Verdict

STORE_VERSION = 2


class State(StrEnum):
    NOT_STARTED = "not started"  # the generated stub, untouched and never graded
    NOT_GRADED = "edited, not graded"
    NOT_YET = "not yet"
    NOT_YET_CHANGED = "not yet, edited since"
    PASSED = "passed"
    PASSED_CHANGED = "passed, edited since"

    @property
    def done(self) -> bool:
        """Passed at some point: the learner can move on (an edit since only asks for a new grade)."""
        return self in (State.PASSED, State.PASSED_CHANGED)


@dataclass(frozen=True)
class Status:
    exercise: Exercise
    state: State
    last_graded: str | None  # "2026-11-22 09:40", local time, or None


def progress() -> list[Status]:
    """Every exercise and where the learner stands with it."""
    store = load()
    return [_status(ex, store.get(ex.id, {})) for ex in EXERCISES]


def _status(ex: Exercise, entry: dict[str, Any]) -> Status:
    path = ex.exercise_path
    sha = fingerprint(path)
    last, passed = entry.get("last"), entry.get("passed")
    when = _shown(last["when"]) if last else None
    if last and last.get("sha") == sha:
        state = State.PASSED if last.get("status") == "passed" else State.NOT_YET
    elif passed:
        state = State.PASSED_CHANGED
    elif last:
        state = State.NOT_YET_CHANGED
    elif ex.solution_path.exists() and stub_state(ex) in ("stub", "stale stub"):
        state = State.NOT_STARTED
    else:
        state = State.NOT_GRADED
    return Status(ex, state, when)


def next_exercise(statuses: list[Status] | None = None, after: Exercise | None = None) -> Exercise | None:
    """The first exercise not passed yet, in course order, starting after `after` if given and wrapping
    around (None when every one has passed)."""
    statuses = statuses if statuses is not None else progress()
    start = next((i + 1 for i, s in enumerate(statuses) if s.exercise == after), 0)
    for status in statuses[start:] + statuses[:start]:
        if not status.state.done:
            return status.exercise
    return None


def progress_text() -> str:
    """The progress table for the terminal, with a footer that says what to do next."""
    statuses = progress()
    rows = [f"{'exercise':<9}{'status':<22}{'last graded':<18}lesson"]
    for status in statuses:
        ex = status.exercise
        rows.append(f"{ex.id:<9}{status.state.value:<22}{status.last_graded or '-':<18}{ex.lesson}")
    rows.append("")
    rows.append(summary(statuses))
    return "\n".join(rows)


def summary(statuses: list[Status] | None = None) -> str:
    """One line: how many exercises have passed, and what to do next."""
    statuses = statuses if statuses is not None else progress()
    done = sum(s.state.done for s in statuses)
    return f"{done} of {len(statuses)} passed. {next_step(statuses)}"


def next_step(statuses: list[Status] | None = None) -> str:
    """One line: the next exercise to work on and the command that grades it."""
    statuses = statuses if statuses is not None else progress()
    nxt = next_exercise(statuses)
    if nxt is None:
        return "Every exercise has passed: well done."
    grade = f"python -m clientlab grade {nxt.number}"
    return f"Next: {nxt.id}, {nxt.title} (notebooks/{nxt.lesson}); grade it with: {grade}"


def save(ex: Exercise, path: Path, verdict: Verdict) -> None:
    """Remember a grade of the learner's own file (not a grade that could not run)."""
    if verdict.error is not None:
        return
    store = load()
    entry = store.setdefault(ex.id, {})
    when = datetime.now().isoformat(timespec="seconds")
    sha = fingerprint(path)
    entry["last"] = {"status": verdict.status.key, "sha": sha, "when": when, "verdict": verdict.to_dict()}
    if verdict.passed:
        entry["passed"] = {"sha": sha, "when": when}
    write(store)


def last_verdict(ex: Exercise) -> Verdict | None:
    """The verdict of the last grade, if the learner's file has not changed since."""
    last = load().get(ex.id, {}).get("last")
    if not last or last.get("sha") != fingerprint(ex.exercise_path) or "verdict" not in last:
        return None
    try:
        return Verdict.from_dict(last["verdict"])
    except (KeyError, TypeError, ValueError):
        return None


# -- the store ---------------------------------------------------------------------------------------------
def store_path() -> Path:
    return course_root() / ".clientlab" / "progress.json"


def load() -> dict[str, dict[str, Any]]:
    """Every exercise's entry; a store of the first version (one flat entry per exercise) is read too."""
    try:
        data = json.loads(store_path().read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    if data.get("version") == STORE_VERSION and isinstance(data.get("exercises"), dict):
        return data["exercises"]
    old: dict[str, dict[str, Any]] = {}
    for key, entry in data.items():  # version 1: {"ex01": {"passed": bool, "sha": ..., "when": "Y-m-d H:M"}}
        if isinstance(entry, dict) and "sha" in entry:
            when = str(entry.get("when", "")).replace(" ", "T")
            status = "passed" if entry.get("passed") else "not_yet"
            old[key] = {"last": {"status": status, "sha": entry["sha"], "when": when}}
            if entry.get("passed"):
                old[key]["passed"] = {"sha": entry["sha"], "when": when}
    return old


def write(exercises: dict[str, dict[str, Any]]) -> None:
    """Replace the store atomically (a grade interrupted mid-write loses nothing); a read-only checkout still
    grades, it just does not remember."""
    path = store_path()
    try:
        path.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".progress-")
        with os.fdopen(fd, "w") as out:
            json.dump({"version": STORE_VERSION, "exercises": exercises}, out, indent=2)
        os.replace(tmp, path)
    except OSError:
        pass


def fingerprint(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _shown(when: str) -> str:
    try:
        return datetime.fromisoformat(when).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return when
