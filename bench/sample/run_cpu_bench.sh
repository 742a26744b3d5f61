#!/usr/bin/env bash
# Hypotheses per second, genlab (bench/sample/sample_bench.cpp, OpenMP on all cores) against the
# same sampling in numpy (bench/sample/sample_numpy_peer.py), side by side with the ratio.
# Usage: bench/sample/run_cpu_bench.sh [build-dir] [repeats]   (the build dir holds bench/sample_bench)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tools/openblas_env.sh"   # OpenBLAS kernels for this CPU (see there)
build=${1:-$root/build}
py=$("$root/bench/setup_venv.sh")
cmake --build "$build" --target sample_bench -j2 >/dev/null
repeats=${2:-3}
# Interleaved rounds (genlab, numpy, genlab, ...); each case's best rate of each side is reported.
g_all=""; n_all=""
for ((r = 0; r < repeats; r++)); do
  g_all+="$("$build/bench/sample_bench")"$'\n'
  n_all+="$("$py" "$root/bench/sample/sample_numpy_peer.py")"$'\n'
done
best() { sed 's/^[a-z]*_gemm_1024_gflops/gemm_1024_gflops/' | awk 'NF == 2 { if (!($1 in m) || $2 > m[$1]) m[$1] = $2 } END { for (k in m) print k, m[k] }' | sort; }
echo "# $(nproc --all) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); best of $repeats interleaved rounds; genlab GEMMs: $("$build/bench/sample_bench" --backend)"
printf '%-24s %14s %14s %8s\n' case genlab numpy ratio
join <(printf '%s' "$g_all" | best) <(printf '%s' "$n_all" | best) |
  awk '{printf "%-24s %14.4g %14.4g %7.2fx\n", $1, $2, $3, $2 / $3}'
