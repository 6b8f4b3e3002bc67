"""Retry pictures: wall time against the timeout and the retries, and a timeline of attempts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..mock import Record


def wall_time_vs_retries(
    measured: Mapping[tuple[float, int], float],
    formula: Callable[[float, int], tuple[float, float]],
    *,
    title: str = "A server that never answers",
) -> Figure:
    """One line per timeout T: the measured wall time of a call for each max_retries R, over the band the
    formula allows, (R+1)·T plus the backoffs at their shortest and longest jitter."""
    fig, ax = plt.subplots(figsize=(7, 3.8))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, timeout in enumerate(sorted({t for t, _ in measured})):
        retries = sorted(r for t, r in measured if t == timeout)
        colour = colours[index % len(colours)]
        low, high = zip(*(formula(timeout, r) for r in retries), strict=True)
        ax.fill_between(retries, low, high, color=colour, alpha=0.2, lw=0)
        ax.plot(retries, high, "--", color=colour, lw=1, label=f"T = {timeout:g} s: (R+1)·T + backoffs")
        ax.plot(
            retries, [measured[(timeout, r)] for r in retries], "o", color=colour, label=f"T = {timeout:g} s: measured"
        )
    ax.set_xticks(sorted({r for _, r in measured}))
    ax.set_xlabel("max_retries (R)")
    ax.set_ylabel("seconds until the call raised")
    ax.set_title(title)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def attempts_timeline(
    rows: Mapping[str, Sequence[Record]],
    backoff: Callable[[int], tuple[float, float]],
    *,
    title: str = "Attempts as the server saw them",
) -> Figure:
    """One row per caller: a mark at each attempt's arrival at the server, and after each attempt the
    window the SDK's backoff allows for the next one (shaded). Times from the first arrival."""
    fig, ax = plt.subplots(figsize=(8, 0.6 + 0.7 * len(rows)))
    t0 = min(r.start for records in rows.values() for r in records)
    for y, records in enumerate(rows.values()):
        attempts = sorted(records, key=lambda r: r.start)
        for number, record in enumerate(attempts[:-1], 1):
            low, high = backoff(number)
            ax.barh(y, high - low, left=record.end - t0 + low, height=0.5, color="#dd8452", alpha=0.35, lw=0)
        ax.plot([r.start - t0 for r in attempts], [y] * len(attempts), "|", color="#4c72b0", ms=18, mew=2.5)
        for record in attempts:
            ax.annotate(
                str(record.retry_count),
                (record.start - t0, y),
                xytext=(0, 11),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
    ax.set_yticks(range(len(rows)), list(rows))
    ax.set_ylim(len(rows) - 0.4, -0.6)
    ax.set_xlabel("seconds since the first attempt (number above a mark: x-stainless-retry-count)")
    ax.set_title(title + "\n(marks: attempts; shaded: the window the backoff allows for the next attempt)", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig
