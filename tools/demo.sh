#!/usr/bin/env bash
# The main job: installs missing Debian packages, builds genlab's demonstrations and runs them:
#   1. quickstart: reproducible Philox streams and Fashion-MNIST statistics (seconds);
#   2. grokking (quick preset): a 1-layer transformer written from scratch learns a + b mod 53,
#      memorizes the training half long before it generalizes, and the curve is printed and
#      plotted (results/grokking_quick/accuracy.png). A few minutes on 2 cores.
# Everything lands in results/. Usage: tools/demo.sh [options for the grokking program]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tools/openblas_env.sh"   # OpenBLAS kernels for this CPU (see there)
cd "$root"
"$root/tools/deps.sh"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target quickstart grokking
build/examples/quickstart --out results/quickstart --quiet
echo
exec build/examples/grokking --out results/grokking_quick "$@"
