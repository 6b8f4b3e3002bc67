"""`python -m clientlab doctor module:app --path PATH`: the course's probes against your own app.

The app is served in its own process against a fresh mock (as the ex02 grader serves a learner's), then
probed: requests in a row, an upstream that fails once then recovers, a redirect, a slow upstream, and two
waves of 100 concurrent requests. What the mock recorded becomes findings in the lessons' terms (a client
per request, a blocking call on the event loop, a thread-pool cap, a pool limit and its value, connections
churned, lost retries or redirects, a timeout other than the SDK's), each with its evidence and the lesson
that explains it. Exit status: 0 nothing found, 1 problems found, 2 could not run.

    from clientlab.doctor import examine
    report = examine("main:app", "/chat?q=hello")
    print(report.to_text())
"""

from __future__ import annotations

from pathlib import Path

from ..grading.waves import WAVE
from .findings import KINDS, Finding, find
from .probes import CouldNotRun, measure, parse_target
from .report import VERSION, Report, measured_lines

__all__ = ["KINDS", "VERSION", "CouldNotRun", "Finding", "Report", "examine"]


def examine(target: str, path: str = "/chat?q=hello", *, cwd: str | Path | None = None, wave: int = WAVE) -> Report:
    """Serve `target` (`module:attribute`, importable from `cwd`, default the current directory, or a file)
    against a fresh mock, probe `path`, and report what the wire showed."""
    folder = Path(cwd) if cwd is not None else None
    try:
        parsed = parse_target(target)
        evidence = measure(parsed, path, cwd=folder, wave=wave)
    except CouldNotRun as exc:
        return Report(target, path, error=str(exc))
    return Report(evidence.target, path, find(evidence), measured_lines(evidence))
