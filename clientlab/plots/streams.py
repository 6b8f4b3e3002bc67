"""Streams per connection: one row per TCP connection, its lifetime as a line and the requests it carried
as bars coloured by how they ended, so a reused, a discarded and a leaked connection look different."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..mock import Stats

COLOURS = {
    "ok": "#4c72b0",
    "disconnected_mid_stream": "#dd8452",
    "in flight": "#c44e52",
}
LABELS = {
    "ok": "sent to the end",
    "disconnected_mid_stream": "the client hung up mid-stream",
    "in flight": "still in flight",
}


def _end_of(stats: Stats) -> float:
    """The latest instant the stats mention (an open connection or a request in flight runs to it)."""
    times = [0.0]
    for r in stats.records:
        times += [r.start, r.end if r.end is not None else r.start]
    for c in stats.connections:
        times += [c["opened"], c["closed"] if c["closed"] is not None else c["opened"]]
    return max(times)


def connection_timelines(panels: Mapping[str, Stats], *, title: str | None = None, height: float = 2.6) -> Figure:
    """One panel per scenario, side by side: rows are the connections the mock saw, from the first one.

    A dark line is a connection's life (dashed to the right edge while it is still open); each bar is a
    request on it, from its arrival to its end, coloured by its outcome.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(3.4 * len(panels), height), squeeze=False, layout="constrained")
    for ax, (name, stats) in zip(axes[0], panels.items(), strict=True):
        conns = [c for c in stats.connections if any(r.conn == c["id"] for r in stats.records)]
        row_of = {c["id"]: row for row, c in enumerate(conns)}
        t0 = min([r.start for r in stats.records] + [c["opened"] for c in conns], default=0.0)
        end = _end_of(stats) - t0
        right = end * 1.08 + 0.05
        for c in conns:
            y = row_of[c["id"]]
            opened = c["opened"] - t0
            if c["closed"] is None:
                ax.plot([opened, right], [y, y], color="#333333", lw=1, ls="--", zorder=3)
            else:
                ax.plot([opened, c["closed"] - t0], [y, y], color="#333333", lw=1, zorder=3)
        for r in stats.records:
            if r.conn not in row_of:
                continue
            kind = "in flight" if r.end is None else r.outcome or "ok"
            stop = right if r.end is None else r.end - t0
            ax.barh(row_of[r.conn], stop - (r.start - t0), left=r.start - t0, height=0.5, color=COLOURS.get(kind))
        rows = max(len(conns), 1)
        ax.set_ylim(rows - 0.4, -0.6)
        ax.set_yticks(range(len(conns)), [str(i + 1) for i in range(len(conns))])
        ax.set_xlim(0, right)
        ax.set_title(f"{name}\n{stats.requests_total} streams, {stats.connections_opened} connection(s)", fontsize=10)
        ax.set_xlabel("seconds")
        ax.grid(axis="x", alpha=0.3)
    axes[0][0].set_ylabel("connection")
    handles = [Patch(color=COLOURS[k], label=LABELS[k]) for k in COLOURS]
    handles.append(plt.Line2D([], [], color="#333333", lw=1, label="connection open (dashed: still open)"))
    fig.legend(handles=handles, loc="outside lower center", ncols=4, frameon=False, fontsize=8)
    if title:
        fig.suptitle(title)
    return fig
