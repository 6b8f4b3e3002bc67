"""Exercises are generated from solutions, so the two never drift apart.

In a solution file, a block marked like this

    # SOLUTION
    client = OpenAI()
    # STUB
    # client = ...  # TODO: create the client once, here
    # END

becomes, in the exercise, the STUB lines with one level of `# ` removed:

    client = ...  # TODO: create the client once, here

`python -m clientlab stubs --check` compares; `--write` regenerates exercises/ (maintainers only: it
overwrites a learner's work).

`exercises/.stubs.json` records the SHA-256 of every stub ever generated for each exercise, newest first.
It tells a learner's answer (in no record) from a stale stub (an older record): a learner's fork keeps a
green test run, while a maintainer who changed a solution and forgot `--write` is told so.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from pathlib import Path

from .registry import EXERCISES, Exercise, course_root

_MARK = re.compile(r"^\s*# (SOLUTION|STUB|END)\s*$")


class StubError(ValueError):
    """A solution file's markers are out of order."""


def make_reference(solution: str) -> str:
    """The reference answer as a learner would write it: the SOLUTION lines, without the stubs or markers."""
    make_stub(solution)  # the same checks of the markers
    out: list[str] = []
    state = "code"
    for line in solution.splitlines(keepends=True):
        mark = _MARK.match(line)
        if mark:
            state = {"SOLUTION": "solution", "STUB": "stub", "END": "code"}[mark.group(1)]
        elif state != "stub":
            out.append(line)
    return "".join(out)


def make_stub(solution: str) -> str:
    """The exercise text for a solution text."""
    out: list[str] = []
    state = "code"
    for number, line in enumerate(solution.splitlines(keepends=True), 1):
        mark = _MARK.match(line)
        if mark:
            expected = {"code": "SOLUTION", "solution": "STUB", "stub": "END"}[state]
            if mark.group(1) != expected:
                raise StubError(f"line {number}: found # {mark.group(1)}, expected # {expected}")
            state = {"SOLUTION": "solution", "STUB": "stub", "END": "code"}[expected]
            continue
        if state == "code":
            out.append(line)
        elif state == "stub":
            out.append(_uncomment(line, number))
    if state != "code":
        raise StubError("a # SOLUTION block is not closed with # END")
    return "".join(out)


def _uncomment(line: str, number: int) -> str:
    stripped = line.lstrip(" ")
    indent = line[: len(line) - len(stripped)]
    if stripped.startswith("# "):
        return indent + stripped[2:]
    if stripped.rstrip("\n") == "#":
        return "\n"
    raise StubError(f"line {number}: a line in a # STUB block must be a comment")


def stub_diff(exercise: Exercise) -> str:
    """Empty when exercises/<file> is exactly what the solution generates; else a unified diff."""
    expected = make_stub(exercise.solution_path.read_text())
    actual = exercise.exercise_path.read_text() if exercise.exercise_path.exists() else ""
    return "".join(
        difflib.unified_diff(
            actual.splitlines(True),
            expected.splitlines(True),
            f"exercises/{exercise.filename}",
            "generated from solutions/",
        )
    )


def write_stubs() -> list[str]:
    """Regenerate every exercise file from its solution, and record it; returns the files that changed."""
    changed = []
    history = load_history()
    for exercise in EXERCISES:
        if not exercise.solution_path.exists():
            continue
        text = make_stub(exercise.solution_path.read_text())
        digest = sha(text)
        known = history.setdefault(exercise.id, [])
        if not known or known[0] != digest:
            history[exercise.id] = [digest, *[d for d in known if d != digest]]
        if not exercise.exercise_path.exists() or exercise.exercise_path.read_text() != text:
            exercise.exercise_path.write_text(text)
            changed.append(exercise.filename)
    history_path().write_text(json.dumps(history, indent=2, sort_keys=True) + "\n")
    return changed


def history_path() -> Path:
    return course_root() / "exercises" / ".stubs.json"


def load_history() -> dict[str, list[str]]:
    try:
        data = json.loads(history_path().read_text())
    except (OSError, ValueError):
        return {}
    return {k: list(v) for k, v in data.items()} if isinstance(data, dict) else {}


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def stub_state(exercise: Exercise) -> str:
    """Where exercises/<file> stands: "stub" (the current one), "learner's work", "stale stub" (an older
    generated stub: run `stubs --write`), or "unrecorded" (the record lacks the current stub: run `--write`)."""
    known = load_history().get(exercise.id, [])
    current = sha(make_stub(exercise.solution_path.read_text()))
    if not known or known[0] != current:
        return "unrecorded"
    text = exercise.exercise_path.read_text() if exercise.exercise_path.exists() else ""
    digest = sha(text)
    if digest == current:
        return "stub"
    return "stale stub" if digest in known else "learner's work"
