#!/usr/bin/env bash
# Installs the Debian packages genlab's build, tests and examples need, only those missing.
# Idempotent and silent when everything is present. Usage: tools/deps.sh
set -euo pipefail
packages=(
  cmake g++ make ninja-build pkg-config
  libeigen3-dev libboost-math-dev libxtensor-dev xtl-dev nlohmann-json3-dev zlib1g-dev   # the library
  libopenblas-openmp-dev                                                                 # Eigen's BLAS backend
  catch2 libcli11-dev                                                                    # tests, example CLIs
  dataset-fashion-mnist                                                                  # real data
  gnuplot-nox                                                                            # plots
  libopenmpi-dev openmpi-bin                                                             # sharded sampling
  clang-tools-19 python3-nbformat                                                        # notebooks
)
missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "genlab: installing Debian packages: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "genlab: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
