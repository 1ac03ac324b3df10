#!/usr/bin/env bash
# scripts/sweep.py as a user runs it: the grid's CSV, the same bytes for any --jobs, and
# lbsim's refusal of a point passed on. Usage: sweep_test.sh LBSIM SOURCE_DIR WORK_DIR
set -u
export LBSIM=$1
src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
failures=0
check() {  # check DESCRIPTION CONDITION...
  local what=$1; shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}
sweep() { /usr/bin/python3 "$src/scripts/sweep.py" "$@"; }
shop="$src/scenarios/examples/shop.yaml"
grid=(--replicas app=2,3 --policy app=round_robin,least_conn --duration 2m --replications 2)

sweep "$shop" "${grid[@]}" --jobs 2 --out "$work/two.csv" >"$work/two.out" 2>&1
check "a 2 x 2 sweep exits 0" test $? -eq 0
check "its header names the axes" grep -qx 'point,replicas:app,policy:app,figure,mean,low,high' <(head -1 "$work/two.csv")
# 4 points x 5 default figures, in grid order: the replicas axis first, the policy second.
check "it has a row per point and figure" test "$(tail -n +2 "$work/two.csv" | wc -l)" -eq 20
check "point 2 is 2 replicas with least_conn" grep -q '^2,2,least_conn,end_to_end/all/latency_s/p99,' "$work/two.csv"
check "point 4 is 3 replicas with least_conn" grep -q '^4,3,least_conn,end_to_end/all/error_ratio,' "$work/two.csv"
check "no partial file remains" test ! -e "$work/two.csv.partial"

# Each row is what the point's own lbsim run reports.
"$LBSIM" run "$shop" --replicas app=3 --policy app=round_robin --duration 2m --replications 2 --out "$work/point3" --quiet 2>/dev/null
p99=$(/usr/bin/python3 -c "import json,sys; print(repr(float(json.load(open(sys.argv[1]))['figures']['end_to_end']['all']['latency_s']['p99']['mean'])))" "$work/point3/summary.json")
check "a row is the run's own figure" grep -q "^3,3,round_robin,end_to_end/all/latency_s/p99,$p99," "$work/two.csv"

sweep "$shop" "${grid[@]}" --jobs 1 --out "$work/one.csv" >/dev/null 2>&1
check "--jobs 1 and --jobs 2 write the same bytes" cmp -s "$work/one.csv" "$work/two.csv"

sweep "$shop" --replicas app=2,0 --duration 2m --out "$work/bad.csv" >"$work/bad.out" 2>&1
check "a point lbsim refuses exits 2" test $? -eq 2
check "and says which point and why" grep -q "point 2 (--replicas app=0)" "$work/bad.out"
check "with lbsim's message" grep -q "the count must be a whole number from 1 to 10000" "$work/bad.out"
check "and writes no CSV" test ! -e "$work/bad.csv"
# Two refused points: the first in the grid's order is reported, whichever thread ran first.
sweep "$shop" --replicas app=0,10001 --duration 2m --jobs 2 --out "$work/bad3.csv" >"$work/bad3.out" 2>&1
check "of two refused points, the first is reported" grep -q "point 1 (--replicas app=0)" "$work/bad3.out"
sweep "$shop" --replicas app --out "$work/bad2.csv" >"$work/bad2.out" 2>&1
check "a malformed axis exits 2" test $? -eq 2
check "and says the form" grep -q "must be TIER=VALUE" "$work/bad2.out"

if [ $failures -ne 0 ]; then echo "$failures sweep checks failed"; exit 1; fi
echo "all sweep checks passed"
