#!/usr/bin/env bash
# Runs bias_bench (C++) and bias_peer.py (numpy/scipy/scikit-learn) on the same inputs.
# Usage: bench/bias/run_bench.sh BUILD_DIR [n_points] [queries] [hypotheses]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tools/openblas_env.sh"   # OpenBLAS kernels for this CPU (see there)
build=${1:?build dir}; shift || true
py=$("$root/bench/setup_venv.sh")
echo "== genlab"; "$build/bench/bias_bench" "$@"
echo "== python"; "$py" "$root/bench/bias/bias_peer.py" "$@"
