"""Worker pictures: the connections each worker process held, stacked, against a global budget."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


def connections_per_worker(
    runs: Mapping[str, Mapping[str, int]], *, budget: int, title: str = "Connections to the API, per worker"
) -> Figure:
    """One bar per run, stacked from its workers' connection counts (as the mock counted them), beside a
    dashed line at the global budget: the bar's height is what the upstream sees."""
    fig, ax = plt.subplots(figsize=(7, 3.6))
    colours = ["#4c72b0", "#dd8452", "#55a868", "#8172b3"]
    for x, workers in enumerate(runs.values()):
        bottom = 0
        for index, (name, count) in enumerate(workers.items()):
            colour = colours[index % len(colours)]
            bar = ax.bar(x, count, bottom=bottom, width=0.55, color=colour, label=name if x == 0 else None)
            ax.bar_label(bar, labels=[f"{name}: {count}"], label_type="center", color="white", fontsize=9)
            bottom += count
        ax.annotate(f"total {bottom}", (x, bottom), xytext=(0, 4), textcoords="offset points", ha="center")
    ax.axhline(budget, color="#c44e52", ls="--", lw=1.2, label=f"global budget B = {budget}")
    ax.set_xticks(range(len(runs)), list(runs))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("TCP connections opened")
    ax.set_title(title)
    tallest = max(sum(w.values()) for w in runs.values())
    ax.set_ylim(0, max(tallest, budget) * 1.25)
    ax.legend(frameon=False, fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig
