"""Per-call latency pictures: how long each call took, one line per way of making the calls."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure


def per_call_latency(
    series: Mapping[str, Sequence[float]],
    connections: Mapping[str, int] | None = None,
    *,
    title: str = "Time per call",
    floor_ms: float | None = None,
) -> Figure:
    """Milliseconds per call, by call number, for each variant; with `connections`, a bar chart beside it of
    the connections each variant opened (as the mock server counted them). `floor_ms` draws the server's own
    latency as a dashed line: the part no client can save."""
    columns = 2 if connections else 1
    fig, axes = plt.subplots(
        1, columns, figsize=(10 if connections else 7, 3.6), gridspec_kw={"width_ratios": [3, 1.3][:columns]}
    )
    left = axes[0] if connections else axes
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, (label, values) in enumerate(series.items()):
        left.plot(range(1, len(values) + 1), values, marker="o", markersize=3, label=label, color=colours[index])
    if floor_ms is not None:
        left.axhline(floor_ms, color="grey", linestyle="--", linewidth=1, label=f"mock latency ({floor_ms:g} ms)")
    left.set_xlabel("call number")
    left.set_ylabel("ms per call")
    left.set_ylim(bottom=0)
    left.set_title(title)
    # Below the axes: inside, a legend covers the calls it describes.
    left.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=len(series) + 1, fontsize=8)
    left.grid(alpha=0.3)
    if connections:
        right = axes[1]
        labels = list(connections)
        bars = right.bar(range(len(labels)), [connections[k] for k in labels], color=colours[: len(labels)])
        right.bar_label(bars)
        right.set_xticks(range(len(labels)), labels, fontsize=8)
        right.set_ylabel("connections opened")
        right.set_title("TCP connections (mock server)")
        right.margins(y=0.15)
    fig.tight_layout()
    return fig
