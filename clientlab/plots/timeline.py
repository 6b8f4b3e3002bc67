"""Request timelines: one horizontal bar per request, from its arrival at the mock to its end."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..mock import Record


def peak_in_flight(records: Sequence[Record]) -> int:
    """The most requests in flight at once among `records` (an end at the same instant as a start counts first)."""
    events = sorted([(r.start, 1) for r in records] + [(r.end, -1) for r in records], key=lambda e: (e[0], e[1]))
    peak = current = 0
    for _, step in events:
        current += step
        peak = max(peak, current)
    return peak


def plot_timelines(
    panels: Mapping[str, Sequence[Record]], *, title: str | None = None, width: float = 3.6, height: float = 3.4
) -> Figure:
    """One panel per variant, side by side, sharing the time axis: requests are rows, sorted by arrival.

    Times start at each panel's first arrival, so the panels compare directly.
    """
    fig, axes = plt.subplots(
        1, len(panels), figsize=(width * len(panels), height), sharex=True, squeeze=False, layout="constrained"
    )
    for ax, (name, records) in zip(axes[0], panels.items(), strict=True):
        rows = sorted(records, key=lambda r: (r.start, r.id))
        if not rows:
            ax.set_title(f"{name}\n(no requests)", fontsize=10)
            continue
        t0 = rows[0].start
        ax.barh(
            range(len(rows)),
            [r.duration for r in rows],
            left=[r.start - t0 for r in rows],
            height=0.85,
            color="#4c72b0",
        )
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_title(f"{name}\n{len(rows)} requests, peak {peak_in_flight(rows)} in flight", fontsize=10)
        ax.set_xlabel("seconds since the first arrival")
        ax.grid(axis="x", alpha=0.3)
    axes[0][0].set_ylabel("request (by arrival at the mock)")
    if title:
        fig.suptitle(title)
    return fig
