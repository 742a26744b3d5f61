#!/usr/bin/env bash
# The whole test suite: installs missing Debian packages, configures, builds and runs every test
# with ctest (Release), then again under AddressSanitizer + UndefinedBehaviorSanitizer.
# Usage: tools/test.sh [--no-sanitize | --sanitize-only]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mode=${1:-all}
jobs=${GENLAB_JOBS:-$(nproc)}
"$root/tools/deps.sh"

if [ "$mode" != "--sanitize-only" ]; then
  echo "== genlab: Release build and tests ==" >&2
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j"$jobs"
  ctest --test-dir build -j"$jobs" --output-on-failure --timeout 900
fi
if [ "$mode" != "--no-sanitize" ]; then
  echo "== genlab: ASan + UBSan build and tests ==" >&2
  # Only the test programs; CUDA and the install test are covered by the Release run.
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
        -DGENLAB_SANITIZE=ON -DGENLAB_WITH_CUDA=OFF -DGENLAB_BUILD_EXAMPLES=OFF -DGENLAB_BUILD_BENCH=OFF >/dev/null
  cmake --build build-asan -j"$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan -j"$jobs" --output-on-failure --timeout 1800
fi
echo "== genlab: all tests passed ==" >&2
