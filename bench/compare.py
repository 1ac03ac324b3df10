#!/usr/bin/python3
"""Runs the workloads of bench/compare.sh in each engine and reports the comparison.

Not meant to be called directly: bench/compare.sh builds the programs, finds the optional
engines and passes their paths here. See docs/performance.md.

Every engine simulates the same network (bench/workload_params.h): Poisson arrivals; tiers
in series; round robin over each tier's replicas; FIFO replicas with `servers` servers and
exponential service of mean 1. Each engine prints one result line (customers that left
the network within the run, the engine's own event count, wall seconds, mean sojourn).

Events are counted the same way for every engine, from the customers: one arrival and one
departure per customer per station visited, events = 2 x tiers x customers. An engine's
own calendar may execute fewer (lbsim and the hand loop pass a customer to the next tier
within the departure event) or more (SimPy's process machinery); that count is shown as
kernel_events where the engine reports it.
"""

import argparse
import csv
import math
import os
import platform
import subprocess
import sys
import time

ENGINES = ("handloop", "lbsim", "ns3", "simpy")
ENGINE_TITLES = {
    "handloop": "hand-written C++ loop (ceiling)",
    "lbsim": "lbsim (Collector on)",
    "ns3": "ns-3 core (HeapScheduler)",
    "simpy": "SimPy 3",
}

# name, description, tiers, replicas per tier, servers per replica, arrival rate. Mean
# service 1 everywhere, so every server runs at rho = 0.9.
WORKLOADS = (
    ("mm1", "M/M/1, rho 0.9", 1, 1, 1, 0.9),
    ("mm8", "M/M/8, rho 0.9", 1, 1, 8, 7.2),
    ("tandem3", "3 x M/M/1 in tandem, rho 0.9 each", 3, 1, 1, 0.9),
    ("chain6x20", "6 tiers x 20 one-worker replicas, round robin, rho 0.9", 6, 20, 1, 18.0),
)
MEAN_SERVICE = 1.0

# Customers of the single-station workloads; multi-tier workloads get customers / tiers, so
# every workload is about the same number of events (2 x customers).
CUSTOMERS = {"full": {"cpp": 10_000_000, "simpy": 500_000},
             "quick": {"cpp": 1_000_000, "simpy": 50_000}}


def erlang_c_sojourn(rate, mean_service, servers):
    """Mean sojourn of M/M/c (Erlang C): service plus the mean wait in queue."""
    mu = 1.0 / mean_service
    a = rate / mu  # offered load
    rho = a / servers
    if rho >= 1.0:
        return math.inf
    term, total = 1.0, 1.0  # a^k / k!, summed for k < c
    for k in range(1, servers):
        term *= a / k
        total += term
    last = term * a / servers  # a^c / c!
    p_wait = last / (1.0 - rho) / (total + last / (1.0 - rho))
    return mean_service + p_wait / (servers * mu - rate)


def expected_sojourn(tiers, replicas, servers, rate):
    """Theory where there is one: with one replica per tier the network is a Jackson tandem
    of M/M/c stations (Burke: each sees Poisson arrivals), so the mean sojourn is tiers x
    the M/M/c one. Round robin over several replicas has no closed form (None)."""
    if replicas != 1:
        return None
    return tiers * erlang_c_sojourn(rate, MEAN_SERVICE, servers)


def tolerance(customers):
    """Relative tolerance of a mean sojourn estimated from `customers` customers: four
    standard errors of the M/M/1 mean at rho 0.9, at least 2%. Daley (1968) gives the
    asymptotic variance of the mean wait, rho(2 + 5rho - 4rho^2 + rho^3) / (mu^2 (1 - rho)^4),
    a relative standard error of about 19 / sqrt(n). Over 60 seeds of the hand loop the
    four workloads measure 16, 13, 13 and 7 / sqrt(n), so this is at least four of theirs."""
    return max(0.02, 4 * 19.0 / math.sqrt(max(customers, 1)))


def load_average():
    try:
        return os.getloadavg()
    except OSError:
        return (math.nan, math.nan, math.nan)


def wait_for_quiet_machine(max_load, tries, pause):
    for attempt in range(tries):
        one = load_average()[0]
        if not one > max_load:
            return one
        print(f"load average {one:.2f} > {max_load}: waiting {pause:.0f} s "
              f"({attempt + 1}/{tries})", flush=True)
        time.sleep(pause)
    one = load_average()[0]
    print(f"load average still {one:.2f}: measuring anyway (the machine is busy)", flush=True)
    return one


def cpu_model():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor() or "unknown"


def parse_result(line):
    head, _, version = line.partition(" version=")
    fields = dict(item.split("=", 1) for item in head.split())
    return {
        "version": version.strip(),
        "customers": int(fields["customers"]),
        "kernel_events": int(fields["kernel_events"]),
        "wall_s": float(fields["wall_s"]),
        "mean_sojourn": float(fields["mean_sojourn"]),
    }


def run_engine(command, repeat):
    """Runs the engine `repeat` times and keeps the fastest run (same seed, same result)."""
    best = None
    for _ in range(repeat):
        proc = subprocess.run(command, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({proc.returncode}): "
                               f"{proc.stderr.strip()}")
        lines = [l for l in proc.stdout.splitlines() if l.startswith("engine=")]
        if not lines:
            raise RuntimeError(f"{' '.join(command)} printed no result line")
        result = parse_result(lines[-1])
        if best is None or result["wall_s"] < best["wall_s"]:
            best = result
    return best


def engine_command(engine, args):
    if engine == "simpy":
        return [args.python, args.simpy]
    return [getattr(args, engine)]


def fmt_count(value):
    return f"{value:,}" if value >= 0 else "n/a"


def fmt_rate(value):
    return f"{value / 1e6:.2f} M" if value >= 1e5 else f"{value / 1e3:.1f} k"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--handloop", required=True)
    parser.add_argument("--lbsim", required=True)
    parser.add_argument("--ns3", help="ns3_workloads program; absent: ns-3 is skipped")
    parser.add_argument("--simpy", help="bench/simpy/workloads.py; absent: SimPy is skipped")
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--customers", type=float, help="C++ customers of M/M/1 (default 1e7)")
    parser.add_argument("--simpy-customers", type=float, help="SimPy's (default 5e5)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--csv", help="also write the table to this CSV file")
    parser.add_argument("--max-load", type=float,
                        help="wait (up to 5 x 60 s) while the 1-min load average is above this")
    parser.add_argument("--skipped", action="append", default=[],
                        help="an 'engine: reason' line to report (from compare.sh)")
    parser.add_argument("--command", default="bench/compare.sh")
    args = parser.parse_args(argv)

    engines = [e for e in ENGINES if e in ("handloop", "lbsim") or getattr(args, e)]
    sizes = CUSTOMERS["quick" if args.quick else "full"]
    cpp_customers = args.customers or sizes["cpp"]
    simpy_customers = args.simpy_customers or sizes["simpy"]

    print(f"command: {args.command}")
    print(f"machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}; {platform.system()} "
          f"{platform.release()}")
    if args.max_load is not None:
        wait_for_quiet_machine(args.max_load, 5, 60.0)
    load_before = load_average()
    print("load average before: " + ", ".join(f"{x:.2f}" for x in load_before))
    for line in args.skipped:
        print(f"skipped: {line}")
    print("events = 2 x tiers x customers (one arrival and one departure per customer per "
          "station), for every engine")
    print(flush=True)

    rows = []
    versions = {}
    for name, description, tiers, replicas, servers, rate in WORKLOADS:
        expected = expected_sojourn(tiers, replicas, servers, rate)
        print(f"== {name}: {description}", flush=True)
        for engine in engines:
            base = simpy_customers if engine == "simpy" else cpp_customers
            customers = max(1, round(base / tiers))
            command = engine_command(engine, args) + [
                "--workload", name, "--tiers", str(tiers), "--replicas", str(replicas),
                "--servers", str(servers), "--rate", repr(rate),
                "--mean-service", repr(MEAN_SERVICE), "--customers", str(customers),
                "--seed", str(args.seed)]
            result = run_engine(command, args.repeat)
            versions[engine] = result["version"]
            events = 2 * tiers * result["customers"]
            row = {
                "workload": name, "description": description, "engine": engine,
                "customers": result["customers"], "events": events,
                "kernel_events": result["kernel_events"], "wall_s": result["wall_s"],
                "events_per_s": events / result["wall_s"] if result["wall_s"] > 0 else math.inf,
                "mean_sojourn": result["mean_sojourn"], "expected_sojourn": expected,
                "expected_from": "theory" if expected is not None else None,
                "tolerance": tolerance(result["customers"]),
            }
            rows.append(row)
            print(f"   {engine:9s} {fmt_count(events):>14s} events  {result['wall_s']:8.3f} s  "
                  f"mean sojourn {result['mean_sojourn']:.4f}", flush=True)
        # No theory: every engine is checked against the hand loop's (largest) run.
        if expected is None:
            ref = next(r for r in rows if r["workload"] == name and r["engine"] == "handloop")
            for r in rows:
                if r["workload"] == name:
                    r["expected_sojourn"] = ref["mean_sojourn"]
                    r["expected_from"] = "handloop"
                    if r is not ref:
                        r["tolerance"] = math.hypot(r["tolerance"], ref["tolerance"])
    load_after = load_average()

    failures = 0
    for r in rows:
        deviation = r["mean_sojourn"] / r["expected_sojourn"] - 1.0
        r["deviation"] = deviation
        if r["expected_from"] == "handloop" and r["engine"] == "handloop":
            r["check"] = "ref"
        elif abs(deviation) <= r["tolerance"]:
            r["check"] = "ok"
        else:
            r["check"] = "FAIL"
            failures += 1
        lb = next(x for x in rows if x["workload"] == r["workload"] and x["engine"] == "lbsim")
        r["lbsim_ratio"] = lb["events_per_s"] / r["events_per_s"]

    print()
    print("engines:")
    for engine in engines:
        print(f"  {engine:9s} {ENGINE_TITLES[engine]}: {versions[engine]}")
    print()
    header = (f"{'workload':10s} {'engine':9s} {'customers':>11s} {'events':>12s} "
              f"{'kernel ev.':>12s} {'wall s':>8s} {'events/s':>9s} {'mean W':>8s} "
              f"{'expected':>8s} {'dev.':>7s} {'tol.':>6s} check")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['workload']:10s} {r['engine']:9s} {fmt_count(r['customers']):>11s} "
              f"{fmt_count(r['events']):>12s} {fmt_count(r['kernel_events']):>12s} "
              f"{r['wall_s']:8.3f} {fmt_rate(r['events_per_s']):>9s} {r['mean_sojourn']:8.3f} "
              f"{r['expected_sojourn']:8.3f} {100 * r['deviation']:+6.2f}% "
              f"{100 * r['tolerance']:5.1f}% {r['check']}")
    print("events: 2 x tiers x customers; kernel ev.: what the engine's own calendar executed "
          "(n/a: not reported)")
    print("expected: theory (M/M/1, Erlang C, Jackson tandem) where there is one; for the "
          "round-robin chain, the hand loop's result; tol.: about 4 standard errors")

    others = [e for e in engines if e != "lbsim"]
    print()
    print("lbsim's events/s divided by each engine's (above 1: lbsim is faster)")
    print(f"{'workload':10s} " + " ".join(f"{'vs ' + e:>12s}" for e in others))
    for name, *_ in WORKLOADS:
        cells = []
        for e in others:
            r = next(x for x in rows if x["workload"] == name and x["engine"] == e)
            cells.append(f"{r['lbsim_ratio']:11.3f}x")
        print(f"{name:10s} " + " ".join(cells))
    print()
    print("load average after: " + ", ".join(f"{x:.2f}" for x in load_after))
    if max(load_before[0], load_after[0]) > 0.75 * (os.cpu_count() or 1):
        print("note: the machine was busy while measuring; rates may be low")

    if args.csv:
        fields = ["workload", "description", "engine", "customers", "events", "kernel_events",
                  "wall_s", "events_per_s", "mean_sojourn", "expected_sojourn", "expected_from",
                  "deviation", "tolerance", "check", "lbsim_ratio"]
        with open(args.csv, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
            writer.writeheader()
            for r in rows:
                writer.writerow(r)
        print(f"csv: {args.csv}")

    if failures:
        print(f"{failures} result(s) outside the tolerance: the engines do not simulate the "
              "expected model", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
