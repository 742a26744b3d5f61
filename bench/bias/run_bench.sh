#!/usr/bin/env bash
# Runs bias_bench (C++) and bias_peer.py (numpy/scipy/scikit-learn) on the same tasks, alternately
# `repeats` times, and prints every run and, per task, the fastest of each side with the ratio
# (> 1: genlab faster). The peer draws its kNN queries and GP hypotheses with its own generator,
# so the estimates agree in distribution, not digit for digit.
# Usage: bench/bias/run_bench.sh BUILD_DIR [n_points] [queries] [hypotheses] [repeats]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tools/openblas_env.sh"   # OpenBLAS kernels for this CPU (see there)
build=${1:?build dir}; shift || true
n=${1:-60000}; q=${2:-2000}; h=${3:-10000}; repeats=${4:-3}
py=$("$root/bench/setup_venv.sh")
rows=""
for ((r = 0; r < repeats; r++)); do
  # (piped, not process substitution, so that a failing program stops the script under pipefail)
  rows+="$("$build/bench/bias_bench" "$n" "$q" "$h" | sed 's/^{/{"impl": "genlab", /')"$'\n'
  rows+="$("$py" "$root/bench/bias/bias_peer.py" "$n" "$q" "$h" | sed 's/^{/{"impl": "python", /')"$'\n'
done
echo "# $(nproc --all) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); best of $repeats interleaved rounds"
printf '%s' "$rows"
printf '%s' "$rows" | "$py" -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
times = {"p1_estimate": ["seconds_per_call"], "knn_id": ["seconds"],
         "gp": ["posterior_seconds", "sample_seconds", "fit_seconds"]}
for task, keys in times.items():
    for k in keys:
        g = min(r[k] for r in rows if r["task"] == task and r["impl"] == "genlab")
        p = min(r[k] for r in rows if r["task"] == task and r["impl"] == "python")
        print(json.dumps({"task": task, "time": k, "genlab": g, "python": p, "speedup": round(p / g, 2)}))'
