# Sourced by genlab's scripts (tools/test.sh, tools/demo.sh, bench/*/run*.sh): picks OpenBLAS's
# kernels from this CPU's instruction set when OPENBLAS_CORETYPE is not already set.
#
# Why: Debian 12's OpenBLAS 0.3.21 (DYNAMIC_ARCH) recognises CPUs by model number, and a model it
# does not know (newer parts, and the generic "Intel Xeon Processor" of some virtual machines)
# falls back to its Prescott (SSE3) kernels: measured on an AVX-512 Sapphire Rapids VM, 29 GFLOP/s
# sgemm on one thread instead of ~75 with the SkylakeX kernels, slower than Eigen's own (another
# Sapphire Rapids VM, with another CPUID model, was recognised as SkylakeX). The
# instruction-set flags tell which kernels the CPU can run; OPENBLAS_CORETYPE selects them.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r /proc/cpuinfo ]; then
  _genlab_flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
  case "$_genlab_flags" in
    *" avx512f "*" avx512_bf16 "* | *" avx512_bf16 "*" avx512f "*) export OPENBLAS_CORETYPE=Cooperlake ;;
    *" avx512f "*) export OPENBLAS_CORETYPE=SkylakeX ;;
    *" avx2 "*) export OPENBLAS_CORETYPE=Haswell ;;
  esac
  unset _genlab_flags
fi
