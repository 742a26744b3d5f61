#!/usr/bin/env bash
# Time to grok, genlab against the same model in PyTorch: the quick grokking preset (p = 53, 50%
# train, 1 layer d 64, 4 heads, MLP 256, full batch, AdamW lr 1e-3 / wd 1, float32) trained from
# the SAME initial weights on the SAME split (nn_bench grok writes both; torch_peer.py grok reads
# them), test accuracy every 50 updates, stopped at the first evaluation >= 99%.
#
#   bench/nn/run_grok_bench.sh [build-dir] [threads] [repeats]
#
# Runs the two alternately `repeats` times and prints each run and the best of each with the
# ratio torch/genlab (> 1: genlab faster). Needs `cmake --build <build-dir> --target nn_bench`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tools/openblas_env.sh"   # OpenBLAS kernels for this CPU (see there)
build=${1:-$root/build}
threads=${2:-2}
repeats=${3:-3}
PY=$("$root/bench/setup_venv.sh")
export OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# machine: $(nproc --all) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); threads=$threads"
rows=()
for ((r = 0; r < repeats; r++)); do
  rm -rf "$tmp/run" && mkdir -p "$tmp/run"
  rows+=("$("$build/bench/nn_bench" grok "$tmp/run")")
  echo "${rows[-1]}"
  rows+=("$("$PY" "$root/bench/nn/torch_peer.py" grok "$tmp/run")")
  echo "${rows[-1]}"
done
printf '%s\n' "${rows[@]}" | "$PY" -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
g = min((r for r in rows if r["impl"] == "genlab"), key=lambda r: r["seconds"])
t = min((r for r in rows if r["impl"] != "genlab"), key=lambda r: r["seconds"])
print(json.dumps({"genlab_grok_step": g["grok_step"], "genlab_s": round(g["seconds"], 2), "gemm_backend": g["gemm_backend"],
                  "torch_grok_step": t["grok_step"], "torch_s": round(t["seconds"], 2), "torch_version": t["impl"],
                  "speedup_vs_torch": round(t["seconds"] / g["seconds"], 2), "threads": g["threads"]}))'
