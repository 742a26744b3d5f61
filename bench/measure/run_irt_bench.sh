#!/usr/bin/env bash
# IRT fit time, genlab vs NumPy/SciPy, side by side. Usage (from the repository root):
#   bench/measure/run_irt_bench.sh [build-dir] [items] [respondents] [repeats]
# Builds irt_bench in <build-dir> (default build), creates the peer venv with bench/setup_venv.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tools/openblas_env.sh"   # OpenBLAS kernels for this CPU (see there)
build=${1:-$root/build}
items=${2:-1000}
people=${3:-10000}
cmake --build "$build" --target irt_bench -j2 >&2
py=$("$root/bench/setup_venv.sh")
repeats=${4:-3}
# Interleaved rounds (genlab, numpy/scipy, genlab, ...); each fit's fastest run of each side and
# the ratio (> 1: genlab faster). Each side draws its own responses from the same model (see
# irt_scipy.py), so the fits' iteration counts may differ (both stop at the same tolerance, or at
# 500 iterations): the per-iteration ratio is printed too, and a fit that did not converge says so.
rows=""
for ((r = 0; r < repeats; r++)); do
  rows+="$("$build/bench/irt_bench" "$items" "$people")"$'\n'
  rows+="$("$py" "$root/bench/measure/irt_scipy.py" "$items" "$people")"$'\n'
done
echo "# $(nproc --all) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); genlab threads ${OMP_NUM_THREADS:-all}; best of $repeats interleaved rounds"
printf '%s' "$rows"
printf '%s' "$rows" | "$py" -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
for fit in dict.fromkeys(r["fit"] for r in rows):
    g = min((r for r in rows if r["fit"] == fit and r["impl"] == "genlab"), key=lambda r: r["seconds"])
    p = min((r for r in rows if r["fit"] == fit and r["impl"] != "genlab"), key=lambda r: r["seconds"])
    print(json.dumps({"fit": fit, "items": g["items"], "respondents": g["respondents"],
                      "genlab_s": g["seconds"], "genlab_iterations": g["iterations"], "genlab_converged": g["converged"],
                      "peer_s": p["seconds"], "peer_iterations": p["iterations"], "peer_converged": p["converged"],
                      "speedup_vs_peer": round(p["seconds"] / max(g["seconds"], 1e-9), 2),
                      "speedup_per_iteration": round(p["seconds"] / p["iterations"] / max(g["seconds"] / g["iterations"], 1e-9), 2)}))'
