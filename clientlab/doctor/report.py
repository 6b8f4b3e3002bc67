"""The doctor's report: findings (exit 1), nothing found (exit 0) or could not run (exit 2), as text or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..grading.waves import LATENCY_MS
from .findings import Finding, slow_summary
from .probes import FAIL_ONCE, SEQUENTIAL, SEQUENTIAL_LATENCY_MS, SLOW_MS, Evidence

VERSION = 1
"""Of the JSON document (`--json`): bumped when a field changes meaning or goes away."""

EXIT = {"nothing found": 0, "problems found": 1, "could not run": 2}


@dataclass
class Report:
    """What the doctor found on one app."""

    target: str
    path: str
    findings: list[Finding] = field(default_factory=list)
    measured: list[str] = field(default_factory=list)  # one line per probe, what the wire showed
    error: str | None = None  # why the doctor could not run

    @property
    def status(self) -> str:
        if self.error is not None:
            return "could not run"
        return "problems found" if self.findings else "nothing found"

    @property
    def exit_code(self) -> int:
        return EXIT[self.status]

    @property
    def ids(self) -> list[str]:
        return [f.id for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "target": self.target,
            "path": self.path,
            "status": self.status,
            "exit_code": self.exit_code,
            "findings": [f.to_dict() for f in self.findings],
            "measured": self.measured,
            "error": self.error,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def to_text(self) -> str:
        head = f"clientlab doctor: {self.target}, GET {self.path}"
        if self.error is not None:
            return f"{head}\ncould not run: {self.error}"
        lines = [head, ""]
        if self.findings:
            count = len(self.findings)
            lines.append(f"{count} problem{'s' if count > 1 else ''} found:")
            for f in self.findings:
                lines += ["", f"[{f.id}] {f.title}", f"  evidence: {f.evidence}", f"  explained in {f.lesson}"]
            lines += ["", "measured:"]
        else:
            lines.append("nothing found. Measured:")
        lines += [f"  - {line}" for line in self.measured]
        return "\n".join(lines)


def measured_lines(ev: Evidence) -> list[str]:
    """One line per probe: what was sent and what the mock saw, for the report (found or not)."""
    seq = ev.sequential
    lines = [
        f"{SEQUENTIAL} requests in a row ({SEQUENTIAL_LATENCY_MS} ms upstream): {len(seq.chats)} model calls over "
        f"{len(seq.connections)} connection(s)",
    ]
    fail = ev.failing
    status = FAIL_ONCE["behaviour"]["status"]  # type: ignore[index]
    answered = sorted(fail.result.status_counts) or ["no answer"]
    lines.append(
        f"upstream fails once ({status}), then recovers: the mock saw "
        f"[{', '.join(str(r.status) for r in fail.chats)}], the app answered {answered[0]}"
    )
    followed = any(r.redirected for r in ev.redirect.chats)
    lines.append(f"upstream redirects (307): {'followed' if followed else 'not followed'}")
    timeouts = sorted({r.read_timeout for r in ev.slow.chats}, key=lambda t: (t is None, t or 0.0))
    shown = ", ".join("none" if t is None else f"{t:g} s" for t in timeouts) or "not sent"
    lines.append(f"read timeout announced: {shown}; slow upstream ({SLOW_MS} ms): {slow_summary(ev)}")
    for wave in ev.waves:
        state = "" if wave.complete else f", cut off after {wave.result.elapsed:.1f} s"
        lines.append(
            f"{wave.name}: {ev.wave_size} concurrent requests ({LATENCY_MS} ms upstream), {wave.peak} in flight at "
            f"once, {len(wave.connections)} connection(s), done in {wave.result.elapsed:.2f} s{state}"
        )
    if len(ev.waves) < 2:
        lines.append("connection reuse across waves: not measured (the first wave did not finish)")
    return lines
