#!/usr/bin/env bash
# Installs what lbsim needs to build and test on Debian 12, from Debian's packages only.
# Run as root (or it uses sudo). Safe to run again: apt skips what is installed.
set -euo pipefail
packages=(
  build-essential cmake ninja-build
  libyaml-cpp-dev libboost-graph-dev libeigen3-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev clang-format
  # lbsim-gui: Qt 6 Widgets + Charts (Charts needs Qt's OpenGL module, which Debian's
  # qt6-charts-dev does not pull in), SVG export; its QtTest suites run offscreen.
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-svg-dev libgl-dev
  # notebooks/ and their test: Jupyter's kernel and runner, pandas, matplotlib, Dask
  python3-nbclient python3-ipykernel python3-pandas python3-matplotlib python3-dask
  # DataFrame.style (the notebooks' tables) needs Jinja2, which pandas only recommends
  python3-jinja2
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
