#!/usr/bin/env bash
# Side-by-side speed of lbsim and other ways to run the same queueing workloads.
#
#   bench/compare.sh [--quick] [--csv FILE] [options]
#
# Engines, each simulating the same four workloads (M/M/1, M/M/8, a tandem of three M/M/1,
# a chain of six tiers of 20 round-robin replicas; every server at rho = 0.9):
#   handloop  bench/handwritten/handloop.cc: a minimal C++ event loop, the ceiling
#   lbsim     bench/lbsim_workloads.cc: lbsim's model with its statistics Collector on
#   ns3       bench/ns3/ns3_workloads.cc: ns-3's simulator core, if libns3-dev is installed
#   simpy     bench/simpy/workloads.py: SimPy 3 under /usr/bin/python3, if python3-simpy3 is
# bench/install-bench-deps.sh installs the last two (Debian packages). A missing one is
# skipped with a message; the C++ programs are built first if needed (Release).
#
# It prints, per workload and engine: customers, events (2 x tiers x customers, for every
# engine), the engine's own event count, wall seconds, events/s and the mean sojourn time
# checked against theory (or against the hand loop where there is none); then lbsim's
# events/s relative to each other engine. It exits 1 if a mean sojourn is off.
#
# Options:
#   --quick             small runs (seconds in all), a smoke test of the harness
#   --csv FILE          also write the table as CSV
#   --build-dir DIR     the CMake build to use or make (default build/release)
#   --no-build          use the programs already built in the build dir
#   --repeat N          run each engine N times per workload, keep the fastest (default 1)
#   --customers N       C++ engines' customers for M/M/1 (default 1e7; multi-tier
#                       workloads get N / tiers so that each is about 2N events)
#   --simpy-customers N SimPy's (default 5e5)
#   --engines LIST      comma-separated subset of handloop,lbsim,ns3,simpy
#                       (handloop and lbsim always run)
#   --max-load L        first wait, up to 5 x 60 s, while the 1-minute load is above L
#   --seed N            seed of every engine (default 1)
# Environment: CMAKE_BUILD_PARALLEL_LEVEL limits the build's jobs as usual.
# See docs/performance.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON=/usr/bin/python3

usage() {
  sed -n '2,/^# See docs/p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

BUILD_DIR=build/release
BUILD=1
ENGINES=handloop,lbsim,ns3,simpy
PASS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) PASS+=(--quick) ;;
    --csv | --repeat | --customers | --simpy-customers | --max-load | --seed)
      [[ $# -ge 2 ]] || { echo "compare.sh: $1 takes a value" >&2; exit 2; }
      PASS+=("$1" "$2")
      shift
      ;;
    --build-dir)
      [[ $# -ge 2 ]] || { echo "compare.sh: $1 takes a value" >&2; exit 2; }
      BUILD_DIR="$2"
      shift
      ;;
    --engines)
      [[ $# -ge 2 ]] || { echo "compare.sh: $1 takes a value" >&2; exit 2; }
      ENGINES="$2"
      shift
      ;;
    --no-build) BUILD=0 ;;
    -h | --help) usage 0 ;;
    *) echo "compare.sh: unknown option $1" >&2; usage 2 >&2 ;;
  esac
  shift
done
wants() { [[ ",$ENGINES," == *",$1,"* ]]; }

if [[ ! -x "$PYTHON" ]]; then
  echo "compare.sh: $PYTHON (Debian's python3) is needed to run the comparison" >&2
  exit 1
fi

# --- the C++ programs of the project's build: same compiler and Release flags as lbsim
if [[ "$BUILD" == 1 ]]; then
  if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
    if [[ "$BUILD_DIR" == build/release ]]; then
      cmake --preset release
    else
      cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLBSIM_BUILD_GUI=OFF
    fi
  fi
  cmake --build "$BUILD_DIR" --target lbsim_handloop lbsim_workloads
fi
BUILD_TYPE="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null || true)"
if [[ "$BUILD_TYPE" != Release ]]; then
  echo "compare.sh: warning: $BUILD_DIR is a '${BUILD_TYPE:-unknown}' build, not Release" >&2
fi
HANDLOOP="$BUILD_DIR/bench/lbsim_handloop"
LBSIM="$BUILD_DIR/bench/lbsim_workloads"
for program in "$HANDLOOP" "$LBSIM"; do
  [[ -x "$program" ]] || { echo "compare.sh: $program is not built" >&2; exit 1; }
done

SKIPPED=()
# --- ns-3: its own small CMake project, with the same compiler and Release flags
NS3_ARGS=()
if wants ns3; then
  NS3_BUILD="$BUILD_DIR/bench-ns3"
  NS3_PROGRAM="$NS3_BUILD/ns3_workloads"
  NS3_LOG="$BUILD_DIR/bench-ns3.log"
  CXX_COMPILER="$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")"
  if [[ "$BUILD" == 0 ]]; then
    NS3_WHY="$NS3_PROGRAM is not built (run without --no-build)"
  elif ! cmake -S bench/ns3 -B "$NS3_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    ${CXX_COMPILER:+-DCMAKE_CXX_COMPILER="$CXX_COMPILER"} >"$NS3_LOG" 2>&1; then
    NS3_WHY="ns-3's core is not installed (bench/install-bench-deps.sh installs libns3-dev; see $NS3_LOG)"
  elif ! cmake --build "$NS3_BUILD" >>"$NS3_LOG" 2>&1; then
    NS3_WHY="bench/ns3/ns3_workloads.cc did not build (see $NS3_LOG)"
  else
    NS3_WHY=""
  fi
  if [[ -x "$NS3_PROGRAM" && ( -z "$NS3_WHY" || "$BUILD" == 0 ) ]]; then
    NS3_ARGS=(--ns3 "$NS3_PROGRAM")
  else
    SKIPPED+=("ns3: $NS3_WHY")
  fi
else
  SKIPPED+=("ns3: not in --engines")
fi

# --- SimPy 3 (Debian's python3-simpy3; python3-simpy is SimPy 2, another API)
SIMPY_ARGS=()
if ! wants simpy; then
  SKIPPED+=("simpy: not in --engines")
elif SIMPY_VERSION="$("$PYTHON" -c 'import simpy; print(simpy.__version__)' 2>/dev/null)" &&
  [[ "$SIMPY_VERSION" == 3.* || "$SIMPY_VERSION" == 4.* ]]; then
  SIMPY_ARGS=(--simpy bench/simpy/workloads.py)
else
  SKIPPED+=("simpy: SimPy 3 is not installed for $PYTHON (found: ${SIMPY_VERSION:-none}; bench/install-bench-deps.sh installs python3-simpy3)")
fi

SKIP_ARGS=()
for line in "${SKIPPED[@]+"${SKIPPED[@]}"}"; do SKIP_ARGS+=(--skipped "$line"); done
COMMAND="bench/compare.sh"
[[ ${#PASS[@]} -gt 0 ]] && COMMAND+=" ${PASS[*]}"

exec "$PYTHON" bench/compare.py --handloop "$HANDLOOP" --lbsim "$LBSIM" \
  "${NS3_ARGS[@]+"${NS3_ARGS[@]}"}" "${SIMPY_ARGS[@]+"${SIMPY_ARGS[@]}"}" \
  "${SKIP_ARGS[@]+"${SKIP_ARGS[@]}"}" --command "$COMMAND" "${PASS[@]+"${PASS[@]}"}"
