#!/usr/bin/env bash
# lbsim's scale benchmarks: each a run that prints its figures.
#
#   bench/scale.sh [--quick] [--build-dir DIR] [--only LIST]
#
#   mm1        M/M/1 at rho 0.9, 10^7 customers: events/s and customers/s (lbsim with its
#              statistics on, and the hand-written loop of bench/compare.sh beside it)
#   tier       one tier of 20 replicas x 8 workers, least_conn, rho 0.9, 10^7 requests:
#              requests/s
#   chain      six tiers of 20 one-worker replicas, rho 0.9, 10^7 / 6 requests, with
#              round_robin, least_request (Envoy's power of two choices) and least_conn
#   cerebrum   scenarios/cerebrum.yaml for one simulated hour at a constant 4,000 users/s
#              (10,800 requests/s, about 39 M requests), its four application tiers sized
#              for it (`lbsim solve` at that rate: 70% utilization): wall time, events/s,
#              max RSS
#   memory     the same scenario for 1/10 of the time and for the full time: max RSS of
#              each (the statistics stream, so memory must not grow with the duration);
#              --full-memory makes it 1 hour against 10 hours
#   jobs       scenarios/cerebrum.yaml as written (27 minutes, its six phases), 8
#              replications, --jobs 1 then --jobs 2: wall times, speed-up, and whether the
#              results folders are byte-identical
#
# Options:
#   --quick          every run about 20 times smaller (a smoke test of the script)
#   --build-dir DIR  the Release build with lbsim and the bench programs (default
#                    build/release; built if needed)
#   --only LIST      comma-separated subset of mm1,tier,chain,cerebrum,memory,jobs
#   --full-memory    the memory check over 1 h and 10 h (about half an hour)
# Max RSS comes from GNU time (`/usr/bin/time -v`, Debian's package time).
# See docs/performance.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

usage() {
  sed -n '2,/^# See docs/p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

BUILD_DIR=build/release
QUICK=0
ONLY=mm1,tier,chain,cerebrum,memory,jobs
FULL_MEMORY=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --full-memory) FULL_MEMORY=1 ;;
    --build-dir | --only)
      [[ $# -ge 2 ]] || { echo "scale.sh: $1 takes a value" >&2; exit 2; }
      [[ "$1" == --build-dir ]] && BUILD_DIR="$2" || ONLY="$2"
      shift
      ;;
    -h | --help) usage 0 ;;
    *) echo "scale.sh: unknown option $1" >&2; usage 2 >&2 ;;
  esac
  shift
done
wants() { [[ ",$ONLY," == *",$1,"* ]]; }
[[ -x /usr/bin/time ]] || { echo "scale.sh: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }

if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLBSIM_BUILD_GUI=OFF
fi
cmake --build "$BUILD_DIR" --target lbsim lbsim_handloop lbsim_workloads >/dev/null
LBSIM="$BUILD_DIR/cli/lbsim"
WORKLOADS="$BUILD_DIR/bench/lbsim_workloads"
HANDLOOP="$BUILD_DIR/bench/lbsim_handloop"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

scale() { [[ "$QUICK" == 1 ]] && echo "$1 / 20" | bc || echo "$1"; }
field() { sed -n "s/.*[ ^]$1=\([^ ]*\).*/\1/p" <<<" $2"; }

echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(uname -sr)"
echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# One workload of lbsim_workloads: requests/s and events/s (2 x tiers x customers).
workload() {  # workload LABEL ENGINE-PROGRAM ARGS...
  local label=$1 program=$2; shift 2
  local out customers wall tiers
  out="$("$program" "$@")"
  customers=$(field customers "$out")
  wall=$(field wall_s "$out")
  tiers=$(sed -n 's/.*--tiers \([0-9]*\).*/\1/p' <<<"$*")
  printf "%-34s %12s %9.3f %14.0f %14.0f %10s\n" "$label" "$customers" "$wall" \
    "$(echo "2 * ${tiers:-1} * $customers / $wall" | bc -l)" "$(echo "$customers / $wall" | bc -l)" \
    "$(field mean_sojourn "$out")"
}
if wants mm1 || wants tier || wants chain; then
  printf "%-34s %12s %9s %14s %14s %10s\n" workload requests "wall s" "events/s" "requests/s" "mean W s"
fi
if wants mm1; then
  n=$(scale 10000000)
  workload "mm1 lbsim" "$WORKLOADS" --workload mm1 --tiers 1 --rate 0.9 --customers "$n"
  workload "mm1 hand-written loop" "$HANDLOOP" --workload mm1 --tiers 1 --rate 0.9 --customers "$n"
fi
if wants tier; then
  workload "tier 20x8 least_conn" "$WORKLOADS" --workload tier --tiers 1 --replicas 20 \
    --servers 8 --rate 144 --policy least_conn --customers "$(scale 10000000)"
fi
if wants chain; then
  n=$(scale 1666667)
  for policy in round_robin least_request least_conn; do
    workload "chain 6x20 $policy" "$WORKLOADS" --workload chain --tiers 6 --replicas 20 \
      --rate 18 --policy "$policy" --customers "$n"
  done
  workload "chain 6x20 hand-written loop" "$HANDLOOP" --workload chain --tiers 6 --replicas 20 \
    --rate 18 --customers "$n"
fi
if wants mm1 || wants tier || wants chain; then
  echo "(events: 2 x tiers x requests, as bench/compare.sh counts them)"
  echo
fi

# The Cerebrum chain at 10,800 requests/s: lbsim run as a user runs it, under GNU time.
CEREBRUM=(scenarios/cerebrum.yaml --rate 4000/s --replications 1 --quiet
  --replicas user-service=19 --replicas course-service=20
  --replicas enrollment-service=13 --replicas assessment-service=9)
cerebrum() {  # cerebrum LABEL DURATION-SECONDS
  local label=$1 seconds=$2 err events wall rss name
  name="${label//[^a-zA-Z0-9]/-}"
  err="$WORK/$name.err"
  /usr/bin/time -v "$LBSIM" run "${CEREBRUM[@]}" --duration "${seconds}s" --out "$WORK/$name" 2>"$err"
  events=$(sed -n 's/^lbsim: \([0-9]*\) events in .*/\1/p' "$err")
  wall=$(sed -n 's/.* events in \([0-9.]*\) s wall time.*/\1/p' "$err")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$err")
  printf "%-34s %10s %9.1f %12s %12.0f %10.1f\n" "$label" "$seconds" "$wall" "$events" \
    "$(echo "$events / $wall" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}
if wants cerebrum || wants memory; then
  printf "%-34s %10s %9s %12s %12s %10s\n" run "sim s" "wall s" events "events/s" "RSS MiB"
fi
hour=$(scale 3600)
if wants cerebrum; then
  cerebrum "cerebrum 10.8k req/s" "$hour"
fi
if wants memory; then
  if [[ "$FULL_MEMORY" == 1 ]]; then
    cerebrum "memory 1x" "$hour"
    cerebrum "memory 10x" "$((hour * 10))"
  else
    # (the warm-up is 120 s: --quick compares 150 s with 300 s)
    short=$((hour / 10 > 150 ? hour / 10 : 150))
    cerebrum "memory 1x" "$short"
    cerebrum "memory 10x" "$((hour / 10 > 150 ? hour : 300))"
  fi
fi
echo

if wants jobs; then
  reps=8
  duration=""
  [[ "$QUICK" == 1 ]] && duration="--duration 4m"
  for jobs in 1 2; do
    start=$(date +%s.%N)
    "$LBSIM" run scenarios/cerebrum.yaml --replications "$reps" --jobs "$jobs" $duration --quiet \
      --out "$WORK/jobs$jobs" 2>/dev/null
    end=$(date +%s.%N)
    eval "wall$jobs=$(echo "$end - $start" | bc -l)"
  done
  same=yes
  for f in summary.json timeseries.csv events.csv; do
    cmp -s "$WORK/jobs1/$f" "$WORK/jobs2/$f" || same="no ($f differs)"
  done
  printf "replications: %d of scenarios/cerebrum.yaml; --jobs 1: %.2f s, --jobs 2: %.2f s, speed-up %.2fx; byte-identical: %s\n" \
    "$reps" "$wall1" "$wall2" "$(echo "$wall1 / $wall2" | bc -l)" "$same"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
