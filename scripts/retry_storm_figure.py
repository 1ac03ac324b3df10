#!/usr/bin/python3
"""The retry-storm figure of docs/failover.md: client goodput, client errors and retries at
the api tier over time, without and with a retry budget, from the timeseries.csv of
`lbsim run scenarios/retry-storm.yaml` and `scenarios/retry-storm-budget.yaml` (each value the
mean over the replications, as timeseries.csv holds it).

Usage: scripts/retry_storm_figure.py NO_BUDGET_DIR BUDGET_DIR OUT.png
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def series(folder, metric, node):
    t = pd.read_csv(f"{folder}/timeseries.csv")
    s = t[(t.metric == metric) & (t.node == node)]
    return s.time, s.value


def main():
    plain, budget, out = sys.argv[1:4]
    fig, axes = plt.subplots(3, 1, figsize=(9, 8), sharex=True)
    for folder, label, style in ((plain, "no retry budget", "-"), (budget, "budget 20%", "--")):
        x, y = series(folder, "throughput_rps", "end_to_end")
        axes[0].plot(x, y, style, label=label)
        x, y = series(folder, "errors_rps", "end_to_end")
        axes[1].plot(x, y, style, label=label)
        x, y = series(folder, "retries_rps", "api")
        axes[2].plot(x, y, style, label=label)
    axes[0].set_ylabel("completed req/s")
    axes[1].set_ylabel("client errors/s")
    axes[2].set_ylabel("retries/s at api")
    axes[2].set_xlabel("simulated time (s)")
    for ax in axes:
        ax.axvspan(60, 90, color="0.9")
        ax.grid(alpha=0.3)
    axes[0].legend(loc="lower left")
    axes[0].set_title("Retry storm: 180 req/s, a 1.5x spike from 60 s to 90 s (shaded)")
    fig.tight_layout()
    fig.savefig(out, dpi=100)


if __name__ == "__main__":
    main()
