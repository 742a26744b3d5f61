#!/usr/bin/env bash
# Reruns the example programs' bad-input probes against a build and prints a Markdown table
# (input tried | result | handled?) for the README's reliability section.
#
#   tools/probe_inputs.sh [BUILD_DIR]       (default: build)
#
# A bad input is handled when the program exits 2 with a message naming the option and writes
# nothing. The probes themselves live in tests/examples/cli_probes.sh (also run by ctest); every
# run is bounded by PROBE_TIMEOUT seconds (default 20), so an old build that starts training on a
# bad value shows up as "still running ... (killed)" instead of hanging.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
exec bash "$root/tests/examples/cli_probes.sh" "$build" --table
