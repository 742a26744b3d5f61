#!/usr/bin/env bash
# Creates (once) the Python venv with the peers genlab is benchmarked and cross-checked against:
# what a user would pick instead. Prints the venv's python path. Usage: PY=$(bench/setup_venv.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${GENLAB_BENCH_VENV:-$root/.venv-bench}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import torch, numpy, scipy, sklearn, skdim, glicko2' 2>/dev/null; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --upgrade pip >&2
  "$venv/bin/pip" install -q torch >&2   # PyPI's wheel; used on the CPU here
  "$venv/bin/pip" install -q numpy scipy scikit-learn scikit-dimension glicko2 >&2
  "$venv/bin/pip" install -q py-irt >&2 || echo "setup_venv: py-irt did not install; IRT peer unavailable" >&2
fi
echo "$venv/bin/python"
