#!/usr/bin/env bash
# The training step of two library versions side by side: builds nn_bench from git revision
# <base> (in a temporary worktree) and from this checkout's <build-dir>, then alternates them,
# `rounds` times per config and thread count, and prints each side's fastest run and the ratio
# (> 1: this checkout faster). For a change to the step (tools, not CI).
#
#   bench/nn/compare_commits.sh <base> [build-dir] [rounds] [threads...]
#
# Needs `cmake --build <build-dir> --target nn_bench` (default build-bench). Threads default: 2 1.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tools/openblas_env.sh"   # OpenBLAS kernels for this CPU (see there)
base=${1:?usage: compare_commits.sh <base revision> [build-dir] [rounds] [threads...]}
build=${2:-$root/build-bench}
rounds=${3:-3}
shift $(($# < 3 ? $# : 3))
threads=("$@")
[ ${#threads[@]} -gt 0 ] || threads=(2 1)
work=$(mktemp -d)
trap 'git -C "$root" worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add --detach -q "$work/src" "$base"
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DGENLAB_BUILD_UNIT_TESTS=OFF \
      -DGENLAB_WITH_CUDA=OFF > /dev/null
cmake --build "$work/build" --target nn_bench > /dev/null
cmake --build "$build" --target nn_bench > /dev/null
echo "# $(nproc --all) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); base $(git -C "$root" rev-parse --short "$base"), this checkout $(git -C "$root" rev-parse --short HEAD); best of $rounds alternating rounds"
rows=""
for t in "${threads[@]}"; do
  for cfg in nanda sort; do
    steps=$([ "$cfg" = nanda ] && echo 10 || echo 20)
    for ((r = 0; r < rounds; r++)); do
      for side in base head; do
        bin=$([ "$side" = base ] && echo "$work/build/bench/nn_bench" || echo "$build/bench/nn_bench")
        rows+="$(OMP_NUM_THREADS=$t "$bin" time "$cfg" float "$steps" | sed "s/^{/{\"side\": \"$side\", /")"$'\n'
      done
    done
  done
done
printf '%s' "$rows" | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
for key in dict.fromkeys((r["threads"], r["config"]) for r in rows):
    ms = {s: sorted(r["ms_per_step"] for r in rows if (r["threads"], r["config"]) == key and r["side"] == s)
          for s in ("base", "head")}
    same = len({r["last_loss"] for r in rows if (r["threads"], r["config"]) == key}) == 1
    print(json.dumps({"threads": key[0], "config": key[1], "base_ms": [round(x, 2) for x in ms["base"]],
                      "head_ms": [round(x, 2) for x in ms["head"]], "speedup": round(ms["base"][0] / ms["head"][0], 3),
                      "same_last_loss": same}))'
