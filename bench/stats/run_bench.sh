#!/usr/bin/env bash
# CDF speed of genlab::stats against its peers and against the methods it replaced, as one markdown
# table on stdout.
#
# Usage: bench/stats/run_bench.sh BUILD_DIR [min_seconds_per_point]
#   BUILD_DIR  a build configured with -DGENLAB_BUILD_BENCH=ON, with the stats_bench target built
#              (cmake --build BUILD_DIR --target stats_bench)
#   min_seconds_per_point  time spent calling each CDF at each grid point, per round (default 0.05;
#              use a tiny value such as 0.001 to smoke-test the script)
#   GENLAB_BENCH_PYTHON    overrides the peers' python (default: the venv of bench/setup_venv.sh)
#   CXX                    the compiler for the old methods (default g++)
#
# What it runs, on the same grid (noncentral χ² at df × nc × x; three generalized χ² laws at four x):
#   genlab      BUILD_DIR/bench/stats_bench (stats::cdf)
#   peer        bench/stats/stats_peer.py: scipy.stats.ncx2.cdf (noncentral rows) and a numpy
#               Imhof-integral generalized χ² (generalized rows)
#   old         bench/stats/old_methods_bench.cpp, compiled here with $CXX -O3 -march=native (the
#               flags bench/CMakeLists.txt gives stats_bench) against the include/ tree of commit
#               04fa0a6 (git archive): the Imhof CDF sample::GeneralizedChiSquare::cdf
#               and the log-space saddlepoint-line inversion bias::generalized_chi_square_log_cdf
#               that the one stats CDF replaced (generalized rows only)
# interleaved: three rounds of genlab, peer, old, so drifting machine load hits every column alike;
# the table (bench/stats/bench_table.py) reports the best of the three rounds in µs per call, the
# values, the ratios genlab/peer, and per old method whether it is right (|old − genlab| <= 1e-8
# relative; genlab's CDF is the reference, verified against mpmath in tests/stats) and the ratio
# genlab / fastest right old method. Timings mean something only on a quiet machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tools/openblas_env.sh"   # OpenBLAS kernels for this CPU (see there)
build=${1:?usage: run_bench.sh BUILD_DIR [min_seconds_per_point]}
secs=${2:-0.05}
py=${GENLAB_BENCH_PYTHON:-$("$root/bench/setup_venv.sh")}
cxx=${CXX:-g++}
[ -x "$build/bench/stats_bench" ] || { echo "run_bench.sh: $build/bench/stats_bench not built" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$root" archive 04fa0a6 include | tar -x -C "$tmp"
# The old headers need Boost (and nothing else of today's tree); add Boost's prefix if it is not
# on the default include path (BOOST_INCLUDEDIR).
"$cxx" -std=c++17 -O3 -march=native -DGENLAB_OLD_METHODS_04FA0A6 -I"$tmp/include" ${BOOST_INCLUDEDIR:+-I"$BOOST_INCLUDEDIR"} \
  "$root/bench/stats/old_methods_bench.cpp" -o "$tmp/old_methods_bench"

for round in 1 2 3; do
  echo "run_bench.sh: round $round of 3" >&2
  "$build/bench/stats_bench" "$secs" > "$tmp/genlab_$round.jsonl"
  "$py" "$root/bench/stats/stats_peer.py" "$secs" > "$tmp/peer_$round.jsonl"
  "$tmp/old_methods_bench" "$secs" > "$tmp/old_$round.jsonl"
done
"$py" "$root/bench/stats/bench_table.py" "$tmp"
