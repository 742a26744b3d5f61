#!/usr/bin/env bash
# Builds a libFuzzer harness (tests/fuzz/<name>_fuzz.cpp) with Debian's clang and runs it for
# SECONDS seconds on the seed corpus. Usage: tools/fuzz.sh npy|idx [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=${1:?usage: tools/fuzz.sh npy|idx [seconds]}
secs=${2:-60}
out=$root/build-fuzz
mkdir -p "$out" "$out/corpus-$name"
cxx=$(command -v clang++-14 || command -v clang++)
"$cxx" -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$root/include" "$root/tests/fuzz/${name}_fuzz.cpp" -lz -o "$out/${name}_fuzz"
# Seed corpus: a few valid files written by genlab itself (tests/fuzz/make_corpus.cpp).
"$cxx" -std=c++17 -O1 -I"$root/include" "$root/tests/fuzz/make_corpus.cpp" -lz -o "$out/make_corpus"
"$out/make_corpus" "$out/seeds"
"$out/${name}_fuzz" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  "$out/corpus-$name" "$out/seeds/$name" 2>&1 | tail -n 4
