#!/usr/bin/python3
"""Plots simulated vs exact mean response time across utilizations (docs/images/validation.png).

Usage: lbsim validate --csv sweep.csv && scripts/validation_figure.py sweep.csv docs/images/validation.png
Uses Debian's python3-matplotlib and python3-pandas (run it with /usr/bin/python3).
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def main(csv_path: str, png_path: str) -> None:
    data = pd.read_csv(csv_path)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for ax, (model, group) in zip(axes, data.groupby("model", sort=False)):
        group = group.sort_values("load")
        ax.plot(group["load"], group["exact"], "-", color="black", label="exact")
        ax.errorbar(group["load"], group["mean"], yerr=group["half_width"], fmt="o", capsize=4,
                    color="tab:blue", label="simulated (95% CI, 10 replications)")
        ax.set_title(f"{model}, mean response time")
        ax.set_xlabel("utilization ρ")
        ax.set_ylabel("W (service times)")
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle("lbsim validation: simulated vs exact (Erlang C)")
    fig.savefig(png_path, dpi=120)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
