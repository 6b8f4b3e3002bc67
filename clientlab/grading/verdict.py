"""Verdicts: what a grader found, check by check, with the evidence and a hint for each failure."""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from typing import Any


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

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    def add(self, name: str, passed: bool, evidence: str, hint: str = "") -> bool:
        """Record a check; returns whether it passed (so graders can stop early)."""
        self.checks.append(Check(name, bool(passed), evidence, "" if passed else hint))
        return bool(passed)

    @property
    def hints(self) -> list[str]:
        return [c.hint for c in self.checks if not c.passed and c.hint]

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "title": self.title,
            "file": self.file,
            "passed": self.passed,
            "checks": [asdict(c) for c in self.checks],
        }

    def to_text(self) -> str:
        """A plain-text report for the terminal."""
        head = f"{self.exercise} {self.title}: {'PASSED' if self.passed else 'NOT YET'}  ({self.file})"
        lines = [head, "-" * min(len(head), 100)]
        for check in self.checks:
            lines.append(f"[{'pass' if check.passed else 'FAIL'}] {check.name}")
            lines.append(f"       {check.evidence}")
            if check.hint:
                lines.append(f"       hint: {check.hint}")
        return "\n".join(lines)

    __str__ = to_text
    __repr__ = to_text

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.passed else "#b35900"
        rows = []
        for check in self.checks:
            mark = "✅" if check.passed else "❌"
            hint = f"<br><b>Hint:</b> {html.escape(check.hint)}" if check.hint else ""
            rows.append(
                f"<tr><td>{mark}</td><td>{html.escape(check.name)}</td>"
                f"<td style='text-align:left'>{html.escape(check.evidence)}{hint}</td></tr>"
            )
        title = html.escape(f"{self.exercise} {self.title}")
        status = "passed" if self.passed else "not passed yet"
        return (
            f"<div><p style='color:{colour}'><b>{title}: {status}</b> "
            f"<code>{html.escape(self.file)}</code></p><table><tr><th></th><th>check</th>"
            f"<th style='text-align:left'>what the mock server saw</th></tr>{''.join(rows)}</table></div>"
        )
