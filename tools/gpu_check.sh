#!/usr/bin/env bash
# The prepared GPU check (H100/H200, sm_90): builds the CUDA tests (tests/*/*_cuda.cu) and GPU
# benchmarks (bench/*/*_bench.cu) with nvcc, runs the tests, then the benchmarks and the PyTorch
# peer, and prints a summary of figures. Exit 0 only if every test passed on a GPU.
#
#   tools/gpu_check.sh --build-only   # here (no GPU): build into build-gpu/ and pack the
#                                     # third-party headers the sources need into build-gpu/deps
#   tools/gpu_check.sh                # on the GPU machine (carry build-gpu): rebuilds only if
#                                     # sources changed, then runs everything (< 5 minutes)
#
# Environment: GENLAB_GPU_BUILD (default build-gpu), GENLAB_GP_BENCH_ARGS (default "1024 10 65536":
# N_t k hypotheses, for gp_* benches and peers), GENLAB_MLP_BENCH_ARGS (default "16384 100":
# networks epochs, for mlp_* benches and peers), NVCC (default nvcc), CUDA_ARCH (default 90). Figures also go to
# $OUT/gpu_figures.txt when $OUT is set.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${GENLAB_GPU_BUILD:-build-gpu}
nvcc=${NVCC:-nvcc}
arch=${CUDA_ARCH:-90}
bench_args=${GENLAB_GP_BENCH_ARGS:-1024 10 65536}
mlp_args=${GENLAB_MLP_BENCH_ARGS:-16384 100}
args_for() { case "$(basename "$1")" in *mlp_*) echo "$mlp_args" ;; *) echo "$bench_args" ;; esac; }
mode=run
[ "${1:-}" = "--build-only" ] && mode=build
mkdir -p "$build/bin" "$build/deps/include"
log() { printf '[gpu_check] %s\n' "$*"; }

sources=$(ls tests/*/*_cuda.cu bench/*/*_bench.cu 2>/dev/null | LC_ALL=C sort)
[ -n "$sources" ] || { log "no CUDA sources found"; exit 1; }
incs="-Iinclude -I$build/deps/include -I$build/deps/include/eigen3"
[ -d /usr/include/eigen3 ] && incs="$incs -I/usr/include/eigen3"
flags="-std=c++17 -O3 -arch=sm_$arch -lineinfo -diag-suppress=20011,20012,20013,20014,20015 -Xcompiler -fopenmp"
libs="-lcublas -lcurand -lgomp"

# ---- build (skipped when sources, headers and flags are unchanged) -----------------------------
# (The include flags are left out: they name /usr/include/eigen3 only where it exists, and the
# headers packed into $build/deps are the same ones.)
stamp=$( (cat $sources; find include/genlab/core include/genlab/sample -type f | LC_ALL=C sort | xargs cat; echo "$flags $libs") | sha256sum | cut -c1-16)
binaries=""
for src in $sources; do binaries="$binaries $build/bin/$(echo "$src" | cut -d/ -f2)_$(basename "$src" .cu)"; done
all_built=1
for b in $binaries; do [ -x "$b" ] || all_built=0; done
if [ "$all_built" = 1 ] && [ "$(cat "$build/stamp" 2>/dev/null)" = "$stamp" ]; then
  log "binaries up to date (stamp $stamp)"
else
  command -v "$nvcc" >/dev/null || { log "FAIL: nvcc not found and binaries are stale"; exit 1; }
  log "building $(echo $sources | wc -w) CUDA programs for sm_$arch with $($nvcc --version | tail -1)"
  t0=$(date +%s)
  jobs_max=${GENLAB_GPU_BUILD_JOBS:-2}  # nvcc processes at once (2 by default: shared 2-core hosts)
  for src in $sources; do
    bin="$build/bin/$(echo "$src" | cut -d/ -f2)_$(basename "$src" .cu)"
    rm -f "$bin.ok"
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do sleep 1; done
    ( $nvcc $flags $incs "$src" -o "$bin" $libs > "$bin.log" 2>&1 && touch "$bin.ok" ||
        { echo "FAIL: $src"; grep -i error "$bin.log" | head -20; } ) &
  done
  wait
  ok=1
  for b in $binaries; do [ -f "$b.ok" ] || ok=0; done
  [ "$ok" = 1 ] || { log "FAIL: build failed"; exit 1; }
  echo "$stamp" > "$build/stamp"
  log "built in $(( $(date +%s) - t0 )) s"
  # Pack the third-party headers these programs include, so the GPU machine (which may lack
  # Debian's Eigen/Boost/nlohmann) can rebuild from $build/deps alone.
  if [ -d /usr/include/eigen3 ]; then
    for src in $sources; do $nvcc $flags $incs -M "$src" 2>/dev/null; done | tr ' \\' '\n\n' |
      grep -E '^/usr/include/(eigen3|boost|nlohmann|xtensor|xtl)/|^/usr/include/(zlib|zconf)\.h$' | sort -u |
      while read -r h; do
        rel=${h#/usr/include/}
        mkdir -p "$build/deps/include/$(dirname "$rel")"
        cp -p "$h" "$build/deps/include/$rel"
      done
    log "packed $(find "$build/deps/include" -type f | wc -l) third-party headers ($(du -sh "$build/deps" | cut -f1)) into $build/deps"
  fi
fi
[ "$mode" = build ] && { log "build only: done ($(du -sh "$build" | cut -f1) in $build)"; exit 0; }

# ---- run ----------------------------------------------------------------------------------------
if ! nvidia-smi -L >/dev/null 2>&1; then log "FAIL: no NVIDIA GPU visible (nvidia-smi -L failed)"; exit 3; fi
nvidia-smi -L
figures=$(mktemp)
failed=0
for b in $binaries; do
  case "$b" in *_bench) continue ;; esac
  log "test $(basename "$b")"
  timeout 120 "$b"
  rc=$?
  if [ "$rc" = 0 ]; then echo "figure: test_$(basename "$b") = PASS" >> "$figures";
  else echo "figure: test_$(basename "$b") = FAIL (exit $rc)" >> "$figures"; failed=$((failed + 1)); fi
done
for b in $binaries; do
  case "$b" in *_bench) ;; *) continue ;; esac
  log "bench $(basename "$b") $(args_for "$b")"
  timeout 150 "$b" $(args_for "$b") | tee -a "$figures" || { echo "figure: bench_$(basename "$b") = FAIL" >> "$figures"; failed=$((failed + 1)); }
done
py=python3
if $py -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  for peer in bench/*/*_torch_peer.py; do
    log "peer $peer $(args_for "$peer")"
    timeout 120 $py "$peer" $(args_for "$peer") | tee -a "$figures" || echo "figure: peer_$(basename "$peer") = FAIL" >> "$figures"
  done
else
  log "PyTorch with CUDA not available: peer comparison skipped"
fi
# Ratios genlab / PyTorch for every figure present on both sides (gpu_X vs torch_X).
awk -F' = ' '/^figure: gpu_/ {n=$1; sub("figure: gpu_","",n); split($2,a," "); g[n]=a[1]}
             /^figure: torch_/ {n=$1; sub("figure: torch_","",n); split($2,a," "); t[n]=a[1]}
             END {for (n in g) if (n in t) printf "figure: ratio_genlab_vs_torch_%s = %.2f x\n", n, g[n]/t[n]}' \
  "$figures" | sort >> "$figures"
echo
log "summary"
grep '^figure:' "$figures" | sed 's/^figure: /  /'
[ -n "${OUT:-}" ] && cp "$figures" "$OUT/gpu_figures.txt"
if [ "$failed" != 0 ]; then log "FAIL: $failed failure(s)"; exit 1; fi
log "PASS"
