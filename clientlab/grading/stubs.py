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
"""

from __future__ import annotations

import difflib
import re

from .registry import EXERCISES, Exercise

_MARK = re.compile(r"^\s*# (SOLUTION|STUB|END)\s*$")


class StubError(ValueError):
    """A solution file's markers are out of order."""


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
    """Regenerate every exercise file from its solution; returns the files that changed."""
    changed = []
    for exercise in EXERCISES:
        if not exercise.solution_path.exists():
            continue
        text = make_stub(exercise.solution_path.read_text())
        if not exercise.exercise_path.exists() or exercise.exercise_path.read_text() != text:
            exercise.exercise_path.write_text(text)
            changed.append(exercise.filename)
    return changed
