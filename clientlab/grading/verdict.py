"""Verdicts: what a grader found, check by check, with the evidence and a hint for each failure.

A verdict is three-way. *Passed*: every check passed. *Not yet*: a check failed, and that is about the
learner's code. *Could not grade*: the course's own machinery failed (the mock did not start, a grader
raised); that is never shown as the learner's failure.
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

JSON_VERSION = 2
"""The version of `Verdict.to_dict()`'s shape (2: `status` and `error` added)."""


class Status(StrEnum):
    PASSED = "passed"
    NOT_YET = "not yet"
    COULD_NOT_GRADE = "could not grade"

    @property
    def key(self) -> str:
        """The status in JSON: passed, not_yet, could_not_grade."""
        return self.value.replace(" ", "_")


@dataclass(frozen=True)
class Check:
    """One thing the grader verified. `evidence` says what the mock server saw; `hint` what to change."""

    name: str
    passed: bool
    evidence: str
    hint: str = ""


@dataclass
class Verdict:
    """The result of grading one exercise file."""

    exercise: str
    title: str
    file: str
    checks: list[Check] = field(default_factory=list)
    error: str | None = None  # set when the course could not grade: what went wrong on our side

    @property
    def status(self) -> Status:
        if self.error is not None:
            return Status.COULD_NOT_GRADE
        if self.checks and all(c.passed for c in self.checks):
            return Status.PASSED
        return Status.NOT_YET

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    def add(self, name: str, passed: bool, evidence: str, hint: str = "") -> bool:
        """Record a check; returns whether it passed (so graders can stop early)."""
        self.checks.append(Check(name, bool(passed), evidence, "" if passed else hint))
        return bool(passed)

    @property
    def hints(self) -> list[str]:
        return [c.hint for c in self.checks if not c.passed and c.hint]

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        """A verdict read back from `to_dict()` (the progress store keeps the last one)."""
        checks = [Check(c["name"], bool(c["passed"]), c["evidence"], c.get("hint", "")) for c in data["checks"]]
        return cls(data["exercise"], data["title"], data["file"], checks, data.get("error"))

    def first_step(self, check: Check) -> tuple[str, bool]:
        """What a learner sees first for a failed check: the first step of its hint ladder (the grader's own hint
        when the ladder has no nudges), and whether more steps follow (`python -m clientlab hint`)."""
        from .registry import get_exercise  # the registry imports the graders lazily, never this module

        try:
            nudges = get_exercise(self.exercise).nudges(check.name)
        except KeyError:
            nudges = ()
        if nudges and check.hint:
            return nudges[0], True
        return check.hint, False

    @property
    def more_hints(self) -> str:
        """How to get the next step, in the terminal and in a notebook."""
        number = self.exercise.removeprefix("ex")
        return f'next hint: python -m clientlab hint {number} (in a notebook: hint("{self.exercise}"))'

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": JSON_VERSION,
            "exercise": self.exercise,
            "title": self.title,
            "file": self.file,
            "status": self.status.key,
            "passed": self.passed,
            "error": self.error,
            "checks": [asdict(c) for c in self.checks],
        }

    def to_text(self, ladder: bool = False) -> str:
        """A plain-text report for the terminal. With `ladder`, each failed check shows the first step of its
        hint ladder (what a learner sees); without, the grader's own hint (what a maintainer checks)."""
        head = f"{self.exercise} {self.title}: {self.status.value.upper()}  ({self.file})"
        lines = [head, "-" * min(len(head), 100)]
        more = False
        for check in self.checks:
            lines.append(f"[{'pass' if check.passed else 'FAIL'}] {check.name}")
            lines.append(f"       {check.evidence}")
            hint, further = self.first_step(check) if ladder and not check.passed else (check.hint, False)
            more = more or further
            if hint:
                lines.append(f"       hint: {hint}")
        if more:
            lines.append(f"\n{self.more_hints}")
        if self.error is not None:
            lines.append(f"[could not grade] {self.error}")
            lines.append("       This is a Client Lab problem, not your code: please report it with this message.")
        return "\n".join(lines)

    __str__ = to_text
    __repr__ = to_text

    def _repr_html_(self) -> str:
        """The notebook's rendering: status in words and colour as well as a symbol (a machine without an emoji
        font draws both symbols as the same box), and each failed check's first hint step."""
        colour = {Status.PASSED: "#1a7f37", Status.NOT_YET: "#b35900", Status.COULD_NOT_GRADE: "#8250df"}
        rows = []
        more = False
        for check in self.checks:
            mark, word, tint = ("✔", "pass", "#1a7f37") if check.passed else ("✘", "not yet", "#b35900")
            hint, further = self.first_step(check) if not check.passed else ("", False)
            more = more or further
            shown = f"<br><b>Hint:</b> {_inline(hint)}" if hint else ""
            rows.append(
                f"<tr><td style='color:{tint};white-space:nowrap'><b>{mark} {word}</b></td>"
                f"<td style='text-align:left'>{_inline(check.name)}</td>"
                f"<td style='text-align:left'>{_inline(check.evidence)}{shown}</td></tr>"
            )
        if self.error is not None:
            rows.append(
                f"<tr><td style='color:{colour[Status.COULD_NOT_GRADE]}'><b>? could not grade</b></td>"
                f"<td style='text-align:left'>grading ran</td><td style='text-align:left'>{_inline(self.error)}"
                "<br>This is a Client Lab problem, not your code: please report it with this message.</td></tr>"
            )
        title = html.escape(f"{self.exercise} {self.title}")
        footer = f"<p>{_inline(_code_commands(self.more_hints))}</p>" if more else ""
        return (
            f"<div><p style='color:{colour[self.status]}'><b>{title}: {self.status.value}</b> "
            f"<code>{html.escape(self.file)}</code></p><table><tr><th style='text-align:left'>result</th>"
            "<th style='text-align:left'>check</th><th style='text-align:left'>what the mock server saw</th></tr>"
            f"{''.join(rows)}</table>{footer}</div>"
        )


def _code_commands(text: str) -> str:
    """Mark the commands of a `more_hints` line as code spans."""
    return re.sub(r"(python -m clientlab hint \S+|hint\(\"ex\d+\"\))", r"`\1`", text)


def _inline(text: str) -> str:
    """Escape for HTML, with `code` spans rendered as code rather than literal backticks."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))
