#!/usr/bin/env bash
# Builds lbsim with GCC's profile-guided optimization, for long sweeps and the benchmarks.
#
#   scripts/build-pgo.sh [--build-dir DIR] [--lto]
#
# 1. builds the CLI and the benchmark programs instrumented (-fprofile-generate) in DIR
#    (default build/pgo; GUI off);
# 2. runs them on a training set: the benchmark workloads (M/M/1, M/M/8, the tandem, one big
#    least_conn tier, the six-tier chain with three policies), every scenario in scenarios/
#    with its own settings, and 240 simulated seconds of the Cerebrum benchmark run;
# 3. builds them again with the profiles (-fprofile-use -fprofile-partial-training: code the
#    training never ran is still optimized as in a plain Release build).
#
# Results are the same bytes as the Release build's: profiles change inlining and code
# layout, not arithmetic (no -ffast-math; -ffp-contract=off stays). The hand-written loop of
# bench/compare.sh is not trained (a profile of its own made it slower); without one it runs
# as fast as its Release build, so it stays the ceiling (docs/performance.md, ninth pass).
# With --lto the program is also optimized across files (-flto). Warnings are not errors
# here (GCC 12 gives false -Wstringop-overflow warnings at the link-time step); the Release
# and asan builds are the ones that keep the code warning-free.
#
# Then: bench/compare.sh --build-dir build/pgo, bench/scale.sh --build-dir build/pgo, or
# build/pgo/cli/lbsim run ... It takes two builds (about ten minutes on two cores) and a
# minute of training. Run it again after the sources change: a profile belongs to the code
# it was measured on, so the old ones are deleted first.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=build/pgo
LTO=OFF
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir)
      [[ $# -ge 2 ]] || { echo "build-pgo.sh: --build-dir needs a directory" >&2; exit 2; }
      BUILD_DIR="$2"
      shift 2
      ;;
    --lto)
      LTO=ON
      shift
      ;;
    -h | --help)
      sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "build-pgo.sh: unknown option '$1'; allowed: --build-dir DIR, --lto, --help" >&2
      exit 2
      ;;
  esac
done

TARGETS=(lbsim lbsim_workloads lbsim_handloop)
TRAIN_OUT="$(mktemp -d)"
trap 'rm -rf "$TRAIN_OUT"' EXIT

configure() {
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLBSIM_BUILD_GUI=OFF \
    -DLBSIM_BUILD_TESTS=OFF -DLBSIM_WERROR=OFF -DCMAKE_INTERPROCEDURAL_OPTIMIZATION="$LTO" \
    -DCMAKE_CXX_FLAGS="$1" >/dev/null
}

echo "build-pgo.sh: 1/3 instrumented build in $BUILD_DIR"
if [[ -d "$BUILD_DIR" ]]; then find "$BUILD_DIR" -name '*.gcda' -delete; fi
configure "-fprofile-generate -fprofile-update=single"
cmake --build "$BUILD_DIR" --target "${TARGETS[@]}"

echo "build-pgo.sh: 2/3 training"
W="$BUILD_DIR/bench/lbsim_workloads"
for policy in round_robin least_conn least_request; do
  "$W" --workload chain6x20 --tiers 6 --replicas 20 --rate 18 --policy "$policy" \
    --customers 200000 >/dev/null
done
"$W" --workload mm1 --rate 0.9 --customers 1000000 >/dev/null
"$W" --workload mm8 --servers 8 --rate 7.2 --customers 1000000 >/dev/null
"$W" --workload tandem3 --tiers 3 --rate 0.9 --customers 300000 >/dev/null
"$W" --workload tier --replicas 20 --servers 8 --rate 144 --policy least_conn \
  --customers 1000000 >/dev/null
for scenario in scenarios/*.yaml; do
  "$BUILD_DIR/cli/lbsim" run "$scenario" --replications 1 --quiet --out "$TRAIN_OUT/run" \
    >/dev/null
done
"$BUILD_DIR/cli/lbsim" run scenarios/cerebrum.yaml --rate 4000/s --duration 240s \
  --replications 1 --quiet --replicas user-service=19 --replicas course-service=20 \
  --replicas enrollment-service=13 --replicas assessment-service=9 --out "$TRAIN_OUT/run" \
  >/dev/null
# The hand loop is not run here: built with no profile of its own, it measured as fast as
# in Release (docs/performance.md, ninth pass).

echo "build-pgo.sh: 3/3 optimized build"
configure "-fprofile-use -fprofile-partial-training -Wno-missing-profile"
cmake --build "$BUILD_DIR" --target "${TARGETS[@]}"
echo "build-pgo.sh: done: $BUILD_DIR/cli/lbsim, $BUILD_DIR/bench/lbsim_workloads"
