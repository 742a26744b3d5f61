#!/usr/bin/env bash
# Runs stats_bench (C++) and stats_peer.py (scipy.stats.ncx2, numpy Imhof generalized chi-square)
# on the same grid, one JSON line per grid point with microseconds per CDF call and the value.
# Usage: bench/stats/run_bench.sh BUILD_DIR [min_seconds_per_point]
# (BUILD_DIR configured with -DGENLAB_BUILD_BENCH=ON; GENLAB_BENCH_PYTHON overrides the venv's python.)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?build dir}; shift || true
py=${GENLAB_BENCH_PYTHON:-$("$root/bench/setup_venv.sh")}
echo "== genlab"; "$build/bench/stats_bench" "$@"
echo "== python"; "$py" "$root/bench/stats/stats_peer.py" "$@"
