#!/usr/bin/env bash
# The lbsim command line as a user runs it. Usage: cli_test.sh LBSIM SOURCE_DIR WORK_DIR
set -u
lbsim=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
failures=0
check() {  # check DESCRIPTION CONDITION...
  local what=$1; shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}

# check: a valid scenario
"$lbsim" check "$src/scenarios/examples/shop.yaml" >"$work/check.out" 2>&1
check "check exits 0 on a valid scenario" test $? -eq 0
check "check says ok" grep -q ': ok' "$work/check.out"

# run: the results folder, the report, no partial files left
"$lbsim" run "$src/scenarios/examples/shop.yaml" --out "$work/shop" --trace >"$work/run.out" 2>"$work/run.err"
check "run exits 0" test $? -eq 0
for f in summary.json timeseries.csv scenario.resolved.yaml trace.csv; do
  check "run writes $f" test -s "$work/shop/$f"
done
check "no partial files remain" test -z "$(ls "$work/shop" | grep partial)"
check "report lists the tiers" grep -q '^app ' "$work/run.out"
check "timeseries.csv is tidy" grep -qx 'time,metric,node,class,value' <(head -1 "$work/shop/timeseries.csv")
check "trace.csv has its header" grep -q '^replication,request,class,client,hop,tier,replica,arrived,started,departed,outcome$' "$work/shop/trace.csv"

# the resolved scenario is itself a valid scenario that gives the same results
"$lbsim" run "$work/shop/scenario.resolved.yaml" --out "$work/shop2" --quiet 2>/dev/null
check "resolved scenario runs" test $? -eq 0
check "resolved scenario gives the same summary" cmp -s "$work/shop/summary.json" "$work/shop2/summary.json"

# a run without --trace into the same folder removes the earlier trace
"$lbsim" run "$src/scenarios/examples/shop.yaml" --out "$work/shop" --quiet 2>/dev/null
check "stale trace removed" test ! -e "$work/shop/trace.csv"

# overrides
"$lbsim" run "$src/scenarios/examples/shop.yaml" --out "$work/short" --seed 3 --replications 2 --duration 2m --quiet 2>/dev/null
check "overrides accepted" test $? -eq 0
check "seed override recorded" grep -q '"seed": 3,' "$work/short/summary.json"
check "replications override recorded" grep -q '"replications": 2,' "$work/short/summary.json"

# --jobs: replications on two threads write the same files as on one
"$lbsim" run "$src/scenarios/examples/shop.yaml" --out "$work/jobs1" --replications 3 --duration 3m --quiet --trace 2>/dev/null
"$lbsim" run "$src/scenarios/examples/shop.yaml" --out "$work/jobs2" --replications 3 --duration 3m --quiet --trace --jobs 2 2>/dev/null
check "--jobs 2 exits 0" test $? -eq 0
for f in summary.json timeseries.csv events.csv trace.csv; do
  check "--jobs 2 writes the same $f" cmp -s "$work/jobs1/$f" "$work/jobs2/$f"
done
"$lbsim" run "$src/scenarios/examples/shop.yaml" --out "$work/x" --jobs 0 >"$work/jobs0.out" 2>&1
check "--jobs 0 exits 2" test $? -eq 2
"$lbsim" run "$src/scenarios/examples/shop.yaml" --out "$work/x" --seed -1 >"$work/seed.out" 2>&1
check "--seed -1 exits 2" test $? -eq 2
check "--seed -1 says what is allowed" grep -q 'from 0 to 9007199254740992' "$work/seed.out"
"$lbsim" run "$src/scenarios/examples/shop.yaml" --out "$work/x" --trace --trace-fraction 1x >"$work/tf.out" 2>&1
check "--trace-fraction 1x exits 2" test $? -eq 2
check "--trace-fraction 1x says what is allowed" grep -q "or a percentage such as 5%" "$work/tf.out"
"$lbsim" run "$src/scenarios/examples/shop.yaml" --out "$work/tf50" --trace --trace-fraction 50% --replications 1 --duration 2m --quiet >/dev/null 2>&1
check "--trace-fraction 50% is accepted" test -s "$work/tf50/trace.csv"

# --replicas and --rate: a tier's size and one constant rate, recorded in the resolved scenario
"$lbsim" run "$src/scenarios/examples/shop.yaml" --out "$work/sized" --replicas app=5 --rate 50/s --duration 3m --quiet 2>/dev/null
check "--replicas and --rate exit 0" test $? -eq 0
check "--replicas gives the tier 5 replicas" grep -q 'name: app-5' "$work/sized/scenario.resolved.yaml"
check "--rate gives one constant phase" grep -q 'rate: 50/s' "$work/sized/scenario.resolved.yaml"
"$lbsim" run "$src/scenarios/examples/shop.yaml" --out "$work/x" --replicas app=none >"$work/rep.out" 2>&1
check "--replicas with a bad count exits 2" test $? -eq 2
check "and says what is allowed" grep -q "the count must be a whole number from 1 to 10000" "$work/rep.out"
"$lbsim" run "$src/scenarios/examples/shop.yaml" --out "$work/x" --replicas cache=2 >"$work/rep2.out" 2>&1
check "--replicas with an unknown tier lists the tiers" grep -q "tiers: gateway, app, db" "$work/rep2.out"
"$lbsim" run "$src/scenarios/examples/shop.yaml" --out "$work/x" --rate -5/s >"$work/rate.out" 2>&1
check "--rate with a negative rate exits 2" test $? -eq 2
check "and says what is allowed" grep -q "allowed: a rate such as 100/s" "$work/rate.out"

# an overloaded run says so: 10/s of 10 s requests on one worker, an unbounded queue
printf 'name: over\nduration: 60s\ntraffic:\n  phases: [{duration: 60s, rate: 10/s}]\n  mix: [{class: a}]\nclasses: [{id: a, route: [web]}]\ntiers:\n  - {id: web, service: {dist: exponential, mean: 10}, replicas: 1}\n' >"$work/over.yaml"
"$lbsim" run "$work/over.yaml" --out "$work/over" >"$work/over.out" 2>&1
check "an overloaded run exits 0" test $? -eq 0
check "and warns that the system did not keep up" grep -q "^warning: the system did not keep up: after the warm-up [0-9]* more requests were made than ended (9[0-9].[0-9]% of the [0-9]* made" "$work/over.out"
check "a run that keeps up does not warn" test -z "$(grep 'did not keep up' "$work/run.out")"
"$lbsim" run "$work/over.yaml" --out "$work/over2" --duration 2m >"$work/over2.out" 2>&1
check "a run longer than its phases says so" grep -q "^note: the traffic's phases end at 60s of the 120s run" "$work/over2.out"

# a replay named by a relative path: the resolved scenario finds the log from its results folder
(cd "$src/scenarios" && "$lbsim" run cerebrum-replay.yaml --out "$work/replay" --replications 1 --quiet 2>/dev/null)
check "a replay by a relative path runs" test $? -eq 0
(cd "$work/replay" && "$lbsim" run scenario.resolved.yaml --out "$work/replay2" --quiet 2>/dev/null)
check "its resolved scenario runs from the results folder" test $? -eq 0
check "and gives the same summary" cmp -s "$work/replay/summary.json" "$work/replay2/summary.json"
(cd "$src/scenarios" && "$lbsim" run cerebrum-replay.yaml --out "$work/replay3" --replications 1 --duration 10m >"$work/replay3.out" 2>/dev/null)
check "a run longer than the replayed log notes where the log ends" grep -q "^note: the replayed log's last request is at [0-9.]*s of the 600s run" "$work/replay3.out"

# bad input: exit code 2 and a located message
printf 'name: bad\nduration: 1m\nsead: 1\n' >"$work/bad.yaml"
"$lbsim" check "$work/bad.yaml" >"$work/bad.out" 2>&1
check "bad scenario exits 2" test $? -eq 2
check "bad scenario error is located" grep -q "bad.yaml:3:1: unknown key 'sead' in scenario; allowed:" "$work/bad.out"
"$lbsim" run "$work/missing.yaml" >"$work/missing.out" 2>&1
check "missing file exits 2" test $? -eq 2
check "missing file is named" grep -q "missing.yaml: cannot read the scenario file" "$work/missing.out"
"$lbsim" run "$src/scenarios/examples/shop.yaml" --duration 30s --out "$work/x" >"$work/dur.out" 2>&1
check "duration shorter than warm-up exits 2" test $? -eq 2
"$lbsim" run "$src/scenarios/examples/shop.yaml" --duration 1e9s --out "$work/x" >"$work/long.out" 2>&1
check "a duration that would keep 3e7 time-series samples exits 2" test $? -eq 2
check "and says which interval would do" grep -q "allowed: at most 1,000,000 (a timeseries_interval of 1000s or more)" "$work/long.out"
"$lbsim" frobnicate >/dev/null 2>&1
check "unknown subcommand exits 2" test $? -eq 2

# explain: a policy's picks and a health check's timeline
"$lbsim" explain balancer --policy round_robin --weights 5,1,1 --requests 7 >"$work/explain.out" 2>&1
check "explain balancer exits 0" test $? -eq 0
check "explain balancer gives nginx's sequence" test "$(awk '$1 ~ /^[0-9]+$/ {printf "%s", $3}' "$work/explain.out")" = "t1t1t2t1t3t1t1"
"$lbsim" explain health --check "inter 5s rise 2 fall 3" --down-at 12s --up-at 60s --until 80s >"$work/health.out" 2>&1
check "explain health exits 0" test $? -eq 0
check "explain health marks the server down at 25s" grep -q "^25s.*DOWN" "$work/health.out"
"$lbsim" explain health --k8s "liveness initialDelaySeconds=10 periodSeconds=5 failureThreshold=3" --down-at 32s --until 100s >"$work/liveness.out" 2>&1
check "explain health restarts a container at once the first time" grep -q "^46s *new container started" "$work/liveness.out"
check "and after the kubelet's 10 s back-off the second" grep -q "^81s *new container started" "$work/liveness.out"
"$lbsim" explain balancer --policy fastest >"$work/bad-policy.out" 2>&1
check "explain with an unknown policy exits 2" test $? -eq 2
check "and lists the policies" grep -q "allowed: first, hash" "$work/bad-policy.out"

"$lbsim" explain autoscaler --metrics "$src/scenarios/autoscaling/spike-10x.csv" --hpa "$src/scenarios/autoscaling/user-service-hpa.yaml" >"$work/hpa.out" 2>&1
check "explain autoscaler exits 0" test $? -eq 0
check "the HPA's scale-up is limited by its policies" grep -q "ScaleUpLimit" "$work/hpa.out"

# explain ratelimit: the issue's nginx case (30 requests at once, then one every 50 ms)
"$lbsim" explain ratelimit --nginx "rate=10r/s burst=20 nodelay" --arrivals "30@0,0.05..1:0.05" >"$work/ratelimit.out" 2>&1
check "explain ratelimit exits 0" test $? -eq 0
check "explain ratelimit rejects requests 22 to 30 at 0s" test "$(awk '$2 == "0s" && $3 == "rejected" {printf "%s ", $1}' "$work/ratelimit.out")" = "22 23 24 25 26 27 28 29 30 "
check "and lets 1 + burst + 10 through in the first second" grep -q "^50 requests: 31 passed at once" "$work/ratelimit.out"
"$lbsim" explain ratelimit --nginx "rate=10r/h" --arrivals 0 >"$work/bad-rate.out" 2>&1
check "explain ratelimit with a bad rate exits 2" test $? -eq 2
check "and says what is allowed" grep -q 'invalid rate "rate=10r/h"; allowed: rate=Nr/s' "$work/bad-rate.out"

# Ctrl-C: interrupted runs leave no complete-looking files
"$lbsim" run "$src/scenarios/cerebrum.yaml" --out "$work/interrupted" --trace --quiet 2>/dev/null &
pid=$!
sleep 0.3
kill -INT $pid
wait $pid
status=$?
if [ $status -eq 0 ]; then
  echo "skip interruption check: the run finished before the signal"
else
  check "interrupted run exits 130" test $status -eq 130
  check "interrupted run writes no summary" test ! -e "$work/interrupted/summary.json"
  check "interrupted run leaves no folder behind" test ! -e "$work/interrupted"
fi

# A rate no run could finish (far beyond it, simulated time stops moving) is refused.
"$lbsim" run "$src/scenarios/examples/shop.yaml" --rate 1e300/s --out "$work/x" >"$work/fastest.out" 2>&1
check "run --rate 1e300/s exits 2" test $? -eq 2
check "and says which rate would do" grep -q "allowed: at most 1e12 (a rate of at most" "$work/fastest.out"
# A --duration that makes a phase's rate too many arrivals: the phase by its number (this one
# has no name), as the loader gives it.
sed -e 's|{name: steady, duration: 5m, rate: 20/s}|{duration: 5m, rate: 2e7/s}|' \
    -e 's|timeseries_interval: 30s|timeseries_interval: 1h|' \
    "$src/scenarios/examples/shop.yaml" >"$work/shop-fast.yaml"
"$lbsim" run "$work/shop-fast.yaml" --duration 20000h --out "$work/x" >"$work/longest.out" 2>&1
check "run --duration 20000h exits 2" test $? -eq 2
check "and names the phase by its number" grep -q "the scenario's phase 1 rate 2e+07/s would make" "$work/longest.out"
"$lbsim" solve "$src/scenarios/examples/shop.yaml" --rate -5 >"$work/solve-neg.out" 2>&1
check "solve --rate -5 exits 2" test $? -eq 2
check "and says it is not a positive rate" grep -q "is not a positive rate of users" "$work/solve-neg.out"
"$lbsim" solve "$src/scenarios/examples/shop.yaml" --rate 100/s >"$work/solve-unit.out" 2>&1
check "solve --rate takes a unit, like run" grep -q "at 100 users/s" "$work/solve-unit.out"

# Ctrl-C while simulated time hardly moves (a mistyped rate of a billion requests a second:
# 1% of the run, the progress poll's step, would be hours away): still answered at once.
"$lbsim" run "$src/scenarios/examples/shop.yaml" --rate 1e9/s --duration 100s --out "$work/fast" --quiet 2>/dev/null &
pid=$!
sleep 1
kill -INT $pid
for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then
  kill -9 $pid
  check "a run of 1e9 requests/s answers Ctrl-C within 10 s" false
fi
wait $pid
status=$?
check "a run of 1e9 requests/s interrupted exits 130" test $status -eq 130
check "and leaves no folder behind" test ! -e "$work/fast"

if [ $failures -ne 0 ]; then echo "$failures cli checks failed"; exit 1; fi
echo "all cli checks passed"
