#!/bin/sh
# Rebuild notebooks from their percent-format sources and store fresh outputs (and images):
#   notebooks/build.sh [name ...]        (default: every notebooks/src/*.cpp)
# Then check them as CI does: tools/run_notebook.py notebooks/<name>.ipynb --check
set -e
cd "$(dirname "$0")/.."
names="$*"
[ -n "$names" ] || names=$(ls notebooks/src/*.cpp | xargs -n1 basename | sed 's/\.cpp$//')
for n in $names; do
  /usr/bin/python3 tools/make_notebook.py "notebooks/src/$n.cpp" "notebooks/$n.ipynb"
  /usr/bin/python3 tools/run_notebook.py "notebooks/$n.ipynb" --write "notebooks/$n.ipynb"
done
