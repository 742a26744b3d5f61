#!/usr/bin/env bash
# IRT fit time, genlab vs NumPy/SciPy, side by side. Usage (from the repository root):
#   bench/measure/run_irt_bench.sh [build-dir] [items] [respondents]
# Builds irt_bench in <build-dir> (default build), creates the peer venv with bench/setup_venv.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tools/openblas_env.sh"   # OpenBLAS kernels for this CPU (see there)
build=${1:-$root/build}
items=${2:-1000}
people=${3:-10000}
cmake --build "$build" --target irt_bench -j2 >&2
py=$("$root/bench/setup_venv.sh")
echo "# genlab (OMP_NUM_THREADS=${OMP_NUM_THREADS:-all})"
"$build/bench/irt_bench" "$items" "$people"
echo "# numpy/scipy"
"$py" "$root/bench/measure/irt_scipy.py" "$items" "$people"
