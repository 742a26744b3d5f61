#!/usr/bin/env bash
# Side-by-side training-step timing of genlab::nn and the same model in PyTorch (CPU), plus the
# PyTorch cross-check of logits, loss, gradients and 10 AdamW steps.
#
#   bench/nn/run_bench.sh [build-dir] [threads] [repeats]
#
# Runs the two implementations alternately `repeats` times per config and reports the fastest
# run of each (the minimum is the figure least disturbed by other load on a shared machine) and
# the ratio torch/genlab (> 1: genlab faster), and the step's rate against two GEMM rates measured
# in every repeat: the machine's sgemm (`nn_bench gemm`, square products) and the step's own
# linear-layer products at one shard's shapes (`nn_bench gemm-step`, the step's ceiling if it did
# nothing else). Needs `cmake --build <build-dir> --target nn_bench`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tools/openblas_env.sh"   # OpenBLAS kernels for this CPU (see there)
build=${1:-$root/build-nn}
threads=${2:-2}
repeats=${3:-3}
PY=$("$root/bench/setup_venv.sh")
bench=$build/bench/nn_bench
cpus=$(nproc --all)
export OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads
echo "# machine: $cpus cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); threads=$threads"
# The machine's sgemm rate is measured in every repeat too, between the steps, so that the step's
# fraction of it compares two bests taken over the same stretch of time.
gemms=()
for cfg in nanda sort; do
  steps=$([ "$cfg" = nanda ] && echo 10 || echo 20)
  g=(); t=(); shapes=()
  for ((r = 0; r < repeats; r++)); do
    gemms+=("$("$bench" gemm)")
    shapes+=("$("$bench" gemm-step "$cfg")")
    g+=("$("$bench" time "$cfg" float "$steps")")
    t+=("$("$PY" "$root/bench/nn/torch_peer.py" time "$cfg" float "$steps")")
  done
  export GEMM_JSON=$(printf '%s\n' "${gemms[@]}") SHAPES_JSON=$(printf '%s\n' "${shapes[@]}")
  printf '%s\n' "${g[@]}" "${t[@]}" | "$PY" -c '
import json, os, sys
rows = [json.loads(l) for l in sys.stdin]
gemm = [json.loads(l) for l in os.environ["GEMM_JSON"].splitlines()]
n = rows[0]["threads"]
# sgemm: the best rate measured so far at this thread count (any size), and ideal scaling (the
# best single-thread rate times the thread count).
sgemm = max(v for d in gemm for k, v in d.items() if k.endswith("_threads%d" % n))
ideal = n * max(v for d in gemm for k, v in d.items() if k.endswith("_threads1"))
# The linear-layer GEMMs of the step at the shapes of one shard (nn_bench gemm-step): the rate of
# a step that did nothing else (its ceiling); step rate / this = how close the step gets to it.
shapes = max(json.loads(l)["gflops_threads%d" % n] for l in os.environ["SHAPES_JSON"].splitlines())
g = min((r for r in rows if r["impl"] == "genlab"), key=lambda r: r["ms_per_step"])
t = min((r for r in rows if r["impl"] != "genlab"), key=lambda r: r["ms_per_step"])
print(json.dumps({"config": g["config"], "threads": g["threads"], "genlab_ms": round(g["ms_per_step"], 2),
                  "torch_ms": round(t["ms_per_step"], 2), "torch_version": t["impl"],
                  "speedup_vs_torch": round(t["ms_per_step"] / g["ms_per_step"], 2),
                  "genlab_gflops": round(g["gflops"], 1), "sgemm_gflops": round(sgemm, 1),
                  "fraction_of_sgemm": round(g["gflops"] / sgemm, 2),
                  "fraction_of_ideal_scaling": round(g["gflops"] / ideal, 2),
                  "step_gemms_gflops": round(shapes, 1), "step_gemms_fraction_of_sgemm": round(shapes / sgemm, 2),
                  "fraction_of_step_gemms": round(g["gflops"] / shapes, 2), "gemm_backend": gemm[0]["gemm_backend"]}))'
done
tmp=$(mktemp -d)
for cfg in nanda prerope post tempered logn; do
  "$bench" dump "$cfg" "$tmp/$cfg" > /dev/null
  "$PY" "$root/bench/nn/torch_peer.py" crosscheck "$tmp/$cfg" | "$PY" -c '
import json, sys
d = json.loads(sys.stdin.read()); d.pop("torch_step_losses"); print(json.dumps(d))'
done
rm -rf "$tmp"
