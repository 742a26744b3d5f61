#!/usr/bin/env bash
# The whole test suite (what CI runs): installs missing Debian packages, then two builds, each
# compiling every program once:
#   build-asan  the Catch2 unit tests, under AddressSanitizer + UndefinedBehaviorSanitizer (-Og:
#               faster to compile than -O1, the tests somewhat slower),
#               a few test areas compiled together as one translation unit (tests/CMakeLists.txt);
#   build-test  Release: the example programs (their command lines are probed), the MPI run,
#               the install/consumer tests, the notebooks (clang-repl) and the determinism tests
#               on Eigen's own GEMM kernels (the sanitizer build runs them on OpenBLAS).
# The sanitizer build is portable (GENLAB_NATIVE OFF), the Release build native (the default,
# -march=native; see CMakeLists.txt), so both the portable and the native bits are tested; both
# run Eigen's products on OpenBLAS when found.
# Usage: tools/test.sh [--no-sanitize | --sanitize-only] [--cuda]
#   --no-sanitize    the unit tests in the Release build instead of the sanitizer build
#   --sanitize-only  only the sanitizer build and its tests
#   --cuda           also compile the CUDA tests and programs with nvcc (they run only on a GPU:
#                    tools/gpu_check.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tools/openblas_env.sh"   # OpenBLAS kernels for this CPU (see there)
cd "$root"
mode=all
cuda=OFF
for arg in "$@"; do
  case "$arg" in
    --no-sanitize | --sanitize-only) mode=$arg ;;
    --cuda) cuda=ON ;;
    *) echo "tools/test.sh: unknown argument '$arg' (expected --no-sanitize, --sanitize-only or --cuda)" >&2; exit 2 ;;
  esac
done
jobs=${GENLAB_JOBS:-$(nproc)}
"$root/tools/deps.sh"
start=$(date +%s)
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

configure() {  # configure DIR [cmake options...]; keeps an existing build dir's generator
  local dir=$1; shift
  if [ -f "$dir/CMakeCache.txt" ]; then cmake -S . -B "$dir" "$@" >/dev/null
  else cmake -S . -B "$dir" "${generator[@]}" "$@" >/dev/null; fi
}

unit_in_release=OFF
[ "$mode" = "--no-sanitize" ] && unit_in_release=ON
if [ "$mode" != "--no-sanitize" ]; then
  echo "== genlab: unit tests under ASan + UBSan ==" >&2
  configure build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-Og -g1" -DGENLAB_SANITIZE=ON \
            -DGENLAB_NATIVE=OFF -DGENLAB_WITH_CUDA=OFF -DGENLAB_BUILD_EXAMPLES=OFF -DGENLAB_BUILD_BENCH=OFF -DGENLAB_INSTALL=OFF \
            -DGENLAB_BUILD_UNIT_TESTS=ON -DGENLAB_BUILD_EIGEN_KERNEL_TESTS=OFF
  cmake --build build-asan -j"$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan -j"$jobs" --output-on-failure --timeout 900
fi
if [ "$mode" != "--sanitize-only" ]; then
  echo "== genlab: Release build: examples, notebooks, install ==" >&2
  configure build-test -DCMAKE_BUILD_TYPE=Release -DGENLAB_NATIVE=ON -DGENLAB_BUILD_UNIT_TESTS=$unit_in_release \
            -DGENLAB_BUILD_EIGEN_KERNEL_TESTS=ON -DGENLAB_BUILD_BENCH=OFF -DGENLAB_WITH_CUDA=$cuda
  cmake --build build-test -j"$jobs"
  ctest --test-dir build-test -j"$jobs" --output-on-failure --timeout 900
fi
echo "== genlab: all tests passed in $(( $(date +%s) - start )) s (after the package check) ==" >&2
