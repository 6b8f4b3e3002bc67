"""Connection-pool pictures: connections opened against the keep-alive setting, throughput against the cap."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure


def connections_vs_keepalive(
    keepalives: Sequence[int], opened: Sequence[int], *, concurrency: int, rounds: int
) -> Figure:
    """Bars: connections the mock counted for each max_keepalive_connections; line: N + (R-1)(N-ka)."""
    fig, ax = plt.subplots(figsize=(7, 3.6))
    positions = range(len(keepalives))
    bars = ax.bar(positions, opened, color="#4c72b0", label="opened (mock server)")
    ax.bar_label(bars, label_type="center", color="white")
    formula = [concurrency + (rounds - 1) * (concurrency - min(k, concurrency)) for k in keepalives]
    ax.plot(positions, formula, "o--", color="#dd8452", label="N + (R-1)(N-keepalive)")
    ax.axhline(concurrency, color="grey", lw=0.8, ls=":")
    ax.set_xticks(list(positions), [str(k) for k in keepalives])
    ax.set_xlabel("max_keepalive_connections")
    ax.set_ylabel("TCP connections opened")
    ax.set_title(f"{rounds} rounds of {concurrency} concurrent requests, max_connections={concurrency}")
    ax.set_ylim(0, max(max(opened), max(formula)) * 1.15)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def throughput_vs_max_connections(
    caps: Sequence[int], rps: Sequence[float], *, requests: int, latency_ms: float
) -> Figure:
    """Measured requests per second for each max_connections, beside the ideal: whole rounds of `latency_ms`."""
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ideal = [requests / (math.ceil(requests / k) * latency_ms / 1000) for k in caps]
    ax.plot(caps, ideal, "--", color="grey", label=f"ideal: ceil({requests}/k) rounds of {latency_ms:g} ms")
    ax.plot(caps, rps, "o-", color="#4c72b0", label="measured")
    ax.set_xlabel("max_connections (k)")
    ax.set_ylabel("requests per second")
    ax.set_title(f"{requests} concurrent requests, each answered in {latency_ms:g} ms")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig
