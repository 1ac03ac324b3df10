#!/usr/bin/env bash
# Runs scenarios/policy-comparison.yaml once per balancing policy and prints a Markdown
# table of the results (p50, p99 with their 95% CIs, the slow replica's share of requests
# and its utilization). Usage: scripts/compare-policies.sh [LBSIM] > table.md
set -euo pipefail
cd "$(dirname "$0")/.."
lbsim=${1:-./build/release/cli/lbsim}
scenario=scenarios/policy-comparison.yaml
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
policies=(round_robin random first least_conn leastconn least-connections least_outstanding_requests
          least_request peak_ewma
          ip_hash hash source ring_hash maglev)
for p in "${policies[@]}"; do
  "$lbsim" run "$scenario" --policy "app=$p" --out "$out/$p" --quiet 2>/dev/null
done
/usr/bin/python3 - "$out" "${policies[@]}" <<'PY'
import json, sys
folder, policies = sys.argv[1], sys.argv[2:]
def ci(x, scale=1000.0, digits=1):
    if x["mean"] is None: return "-"
    s = f"{x['mean'] * scale:.{digits}f}"
    if x["half_width"] is not None: s += f" ± {x['half_width'] * scale:.{digits}f}"
    return s
print("| policy | p50 ms | p99 ms | mean ms | slow replica share | slow replica utilization |")
print("| --- | --- | --- | --- | --- | --- |")
rows = []
for p in policies:
    s = json.load(open(f"{folder}/{p}/summary.json"))["figures"]
    e2e, slow = s["end_to_end"]["all"], s["tiers"]["app"]["replicas"]["app-8"]
    rows.append((e2e["latency_s"]["p99"]["mean"], p, e2e, slow))
for _, p, e2e, slow in sorted(rows, key=lambda r: r[0]):
    print(f"| `{p}` | {ci(e2e['latency_s']['p50'])} | {ci(e2e['latency_s']['p99'])} | "
          f"{ci(e2e['latency_s']['mean'])} | {ci(slow['share'], 100, 1)} % | "
          f"{ci(slow['utilization'], 100, 1)} % |")
PY
