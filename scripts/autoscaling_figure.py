#!/usr/bin/python3
"""The spike-10x comparison of docs/autoscaling.md: backend replicas (desired and ready), the
end-to-end p95 and the client errors over time under no scaling, the seed's script, the
HPA and the Auto Scaling group, from the results folders of `lbsim run` on
scenarios/spike-10x.yaml, -script, -hpa and -asg (series are means over replications). Prints
the table of the document: when the spike was absorbed, availability, replica-hours.

Usage: scripts/autoscaling_figure.py STATIC SCRIPT HPA ASG OUT.png
"""
import json
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

SPIKE = (300.0, 900.0)  # the spike of spike-10x.yaml: 10x from 5:00 to 15:00


def series(table, metric, node):
    s = table[(table.metric == metric) & (table.node == node)]
    return s.time.to_numpy(), s.value.to_numpy()


def absorbed(table):
    """Seconds from the spike's start to the first sample after which, until the spike ends,
    there are no client errors and the p95 is at most 1 s (seed 002's criterion)."""
    t, p95 = series(table, "latency_p95_s", "end_to_end")
    _, errors = series(table, "errors_rps", "end_to_end")
    good_from = None
    for time, p, e in zip(t, p95, errors):
        if time <= SPIKE[0] or time > SPIKE[1]:
            continue
        ok = e == 0 and not math.isnan(p) and p <= 1.0
        if ok and good_from is None:
            good_from = time
        if not ok:
            good_from = None
    return None if good_from is None else good_from - SPIKE[0]


def figure(summary, path):
    node = summary["figures"]
    for part in path.split("/"):
        node = node[part]
    return node["mean"], node.get("half_width")


def main():
    folders = sys.argv[1:5]
    out = sys.argv[5]
    labels = ["no scaling (3)", "auto-scale.sh", "HPA (user-service)", "ASG target tracking"]
    fig, axes = plt.subplots(3, 1, figsize=(10, 9), sharex=True)
    print("| backend scaled by | absorbed after | availability | p99 (run) | max replicas | "
          "replica-hours |")
    print("|---|---|---|---|---|---|")
    for folder, label in zip(folders, labels):
        table = pd.read_csv(f"{folder}/timeseries.csv")
        summary = json.load(open(f"{folder}/summary.json"))
        t, ready = series(table, "replicas_ready", "backend")
        if len(t):
            line = axes[0].plot(t, ready, label=label)
            t2, desired = series(table, "replicas_desired", "backend")
            axes[0].plot(t2, desired, ":", color=line[0].get_color())
        else:
            tt, _ = series(table, "throughput_rps", "end_to_end")
            axes[0].plot(tt, [3] * len(tt), label=label)
        t, p95 = series(table, "latency_p95_s", "end_to_end")
        axes[1].plot(t, p95, label=label)
        t, errors = series(table, "errors_rps", "end_to_end")
        axes[2].plot(t, errors, label=label)
        a = absorbed(table)
        avail, avail_hw = figure(summary, "end_to_end/all/availability")
        p99, _ = figure(summary, "end_to_end/all/latency_s/p99")
        try:
            most, _ = figure(summary, "tiers/backend/autoscaler/max_desired")
            hours, hours_hw = figure(summary, "tiers/backend/autoscaler/replica_hours")
            hours_text = f"{hours:.2f} ± {hours_hw:.2f}" if hours_hw else f"{hours:.2f}"
        except KeyError:
            most, hours_text = 3, f"{3 * 1800 / 3600:.2f}"
        print(f"| {label} | {'never' if a is None else f'{a:.0f} s'} | "
              f"{avail * 100:.2f} ± {avail_hw * 100:.2f} % | {p99:.2f} s | {most:.1f} | "
              f"{hours_text} |")
    axes[0].set_ylabel("backend replicas\n(ready; dotted: desired)")
    axes[1].set_ylabel("end-to-end p95 (s)")
    axes[1].set_yscale("log")
    axes[2].set_ylabel("client errors/s")
    axes[2].set_xlabel("simulated time (s)")
    for ax in axes:
        ax.axvspan(*SPIKE, color="0.92")
        ax.grid(alpha=0.3)
    axes[0].legend(loc="upper right", fontsize=8)
    axes[0].set_title("10x spike (shaded) on seed 002's backend: who absorbs it, and how fast")
    fig.tight_layout()
    fig.savefig(out, dpi=100)


if __name__ == "__main__":
    main()
