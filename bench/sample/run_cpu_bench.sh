#!/usr/bin/env bash
# Hypotheses per second, genlab (bench/sample/sample_bench.cpp, OpenMP on all cores) against the
# same sampling in numpy (bench/sample/sample_numpy_peer.py), side by side with the ratio.
# Usage: bench/sample/run_cpu_bench.sh [build-dir]   (the build dir holds bench/sample_bench)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
py=$("$root/bench/setup_venv.sh")
cmake --build "$build" --target sample_bench -j2 >/dev/null
genlab=$("$build/bench/sample_bench")
numpy=$("$py" "$root/bench/sample/sample_numpy_peer.py")
printf '%-24s %14s %14s %8s\n' case genlab numpy ratio
join <(echo "$genlab" | sed 's/^eigen_gemm_1024_gflops/gemm_1024_gflops/' | sort) \
     <(echo "$numpy" | sed 's/^numpy_gemm_1024_gflops/gemm_1024_gflops/' | sort) |
  awk '{printf "%-24s %14.4g %14.4g %7.2fx\n", $1, $2, $3, $2 / $3}'
