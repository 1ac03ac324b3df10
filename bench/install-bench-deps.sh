#!/usr/bin/env bash
# Installs the optional engines of bench/compare.sh on Debian 12, from Debian's packages:
# SimPy 3 for Debian's /usr/bin/python3 (python3-simpy3; python3-simpy is SimPy 2, whose
# API the SimPy workloads do not use) and ns-3's headers and libraries (libns3-dev); and GNU
# time and bc for bench/scale.sh.
# Not part of scripts/install-deps.sh: lbsim's build and tests need neither.
# Run as root (or it uses sudo). Safe to run again.
set -euo pipefail
packages=(python3 python3-simpy3 libns3-dev time bc)
installed="$(dpkg-query -W -f='${Status}\n' "${packages[@]}" 2>/dev/null | grep -c 'install ok installed' || true)"
if [ "$installed" -eq "${#packages[@]}" ]; then
  echo "install-bench-deps: ${packages[*]} are installed"
  exit 0
fi
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q "${packages[@]}"
