#!/usr/bin/env bash
# The main job: installs missing Debian packages, builds and runs genlab's end-to-end
# demonstration, which prints its results and writes them to results/.
# Usage: tools/demo.sh [options passed to the demo program]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/tools/deps.sh"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target quickstart
exec build/examples/quickstart --out results/quickstart "$@"
