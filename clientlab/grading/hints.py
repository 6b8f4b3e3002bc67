"""The hint ladder: one step at a time, for the check the learner's code fails now.

The ladder of a failed check is its nudges from the registry, then the grader's own hint, which was chosen
from the evidence of that grade. How far the learner has climbed is remembered per exercise (in the progress
store) for that check and that hint: a different failure starts a new ladder. The reference answer comes only
after the last step, and only when asked for, as a diff against the learner's file.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass

from .progress import last_verdict, load, write
from .registry import Exercise
from .stubs import make_reference, stub_state
from .verdict import Check, Verdict


@dataclass(frozen=True)
class Ladder:
    """The steps for one failed check."""

    check: Check
    steps: list[str]

    @property
    def key(self) -> str:
        """Names this failure: the check and the grader's hint for it (so a new mistake starts a new ladder)."""
        return hashlib.sha256(f"{self.check.name}\n{self.check.hint}".encode()).hexdigest()[:16]


def ladder_for(exercise: Exercise, verdict: Verdict) -> Ladder | None:
    """The ladder of the first failed check (None when nothing failed, or a failed check has no hint)."""
    for check in verdict.failed:
        steps = [*exercise.nudges(check.name), check.hint] if check.hint else []
        if steps:
            return Ladder(check, steps)
    return None


def climbed(exercise: Exercise, ladder: Ladder) -> int:
    """How many steps of this ladder the learner has seen."""
    state = load().get(exercise.id, {}).get("hint") or {}
    return int(state.get("step", 0)) if state.get("key") == ladder.key else 0


def climb(exercise: Exercise, ladder: Ladder) -> int:
    """Show one more step: returns its number (1-based); the last step stays the last."""
    number = min(climbed(exercise, ladder) + 1, len(ladder.steps))
    store = load()
    store.setdefault(exercise.id, {})["hint"] = {"key": ladder.key, "check": ladder.check.name, "step": number}
    write(store)
    return number


def hint_text(exercise: Exercise, verdict: Verdict, *, solution: bool = False) -> str:
    """What `python -m clientlab hint NN` (and `hint("exNN")` in a notebook) prints."""
    number = exercise.number
    if verdict.error is not None:
        return f"{exercise.id} could not be graded (a Client Lab problem, not your code): {verdict.error}"
    if verdict.passed:
        text = f"{exercise.id} passes: no hint needed."
        if solution:
            text += "\n\nThe reference answer, against your file:\n" + solution_diff(exercise)
        return text
    ladder = ladder_for(exercise, verdict)
    if ladder is None:
        failed = verdict.failed[0] if verdict.failed else None
        return f"{exercise.id}: {failed.name}: {failed.evidence}" if failed else f"{exercise.id}: nothing to hint"
    seen = climbed(exercise, ladder)
    total = len(ladder.steps)
    untouched = stub_state(exercise) in ("stub", "stale stub")
    if solution:
        if untouched:
            return (
                f"Try it first: exercises/{exercise.filename} is still the stub. The reference answer is for after "
                f"your own attempt and the hints (python -m clientlab hint {number})."
            )
        if seen < total:
            left = total - seen
            return (
                f"Not yet: the reference answer comes after the last hint, and {left} step(s) of this one are left. "
                f"Next: python -m clientlab hint {number}"
            )
        return f"The reference answer, against your file ({exercise.id}):\n" + solution_diff(exercise)
    step = climb(exercise, ladder)
    check = ladder.check
    lines = [
        f"{exercise.id}: «{check.name}» does not pass yet.",
        f"What the mock server saw: {check.evidence}",
        "",
        f"Hint {step} of {total}: {ladder.steps[step - 1]}",
        "",
    ]
    if step < total:
        lines.append(f"The next step: python -m clientlab hint {number}")
    elif untouched:
        lines.append(f"Then save the file and grade it: python -m clientlab grade {number}")
    else:
        lines.append(
            "That was the last step. Still stuck? The reference answer, as a diff against your file: "
            f"python -m clientlab hint {number} --solution"
        )
    return "\n".join(lines)


def solution_diff(exercise: Exercise) -> str:
    """A unified diff from the learner's file to the reference answer."""
    mine = exercise.exercise_path.read_text() if exercise.exercise_path.exists() else ""
    reference = make_reference(exercise.solution_path.read_text())
    diff = difflib.unified_diff(
        mine.splitlines(True), reference.splitlines(True), f"exercises/{exercise.filename}", "the reference answer"
    )
    return "".join(diff) or "(your file is the reference answer, line for line)\n"


def current_verdict(exercise: Exercise) -> tuple[Verdict, bool]:
    """The verdict of the learner's file as it is now: the stored one if the file is unchanged since its last
    grade, else a fresh grade (which is then stored). Returns it and whether it was graded just now."""
    stored = last_verdict(exercise)
    if stored is not None:
        return stored, False
    from .harness import grade

    return grade(exercise.id), True


def hint(exercise: str, solution: bool = False) -> None:
    """In a notebook: print the next step of the hint ladder for `exercise` ("ex02")."""
    from .registry import get_exercise

    ex = get_exercise(exercise)
    verdict, _ = current_verdict(ex)
    print(hint_text(ex, verdict, solution=solution))
