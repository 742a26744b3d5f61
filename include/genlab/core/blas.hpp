#ifndef GENLAB_CORE_BLAS_HPP
#define GENLAB_CORE_BLAS_HPP
// Which kernels run Eigen's matrix products: OpenBLAS's (EIGEN_USE_BLAS, genlab's CMake option
// GENLAB_WITH_BLAS) or Eigen's own, and whether OpenBLAS picked kernels far below what the CPU can
// run. Debian 12's OpenBLAS 0.3.21 falls back to its Prescott (SSE3) kernels on CPU models it does
// not know (newer parts, some virtual machines), several times slower than Eigen's own; the
// environment variable OPENBLAS_CORETYPE (e.g. SkylakeX, Haswell) overrides its choice, and
// tools/openblas_env.sh sets it from the CPU's flags.

#include <string>

#if defined(EIGEN_USE_BLAS)
extern "C" char* openblas_get_corename(void);
#endif

namespace genlab::core {

/// "openblas:<kernels>" (e.g. "openblas:SkylakeX") or "eigen".
inline std::string gemm_backend() {
#if defined(EIGEN_USE_BLAS)
  return std::string("openblas:") + openblas_get_corename();
#else
  return "eigen";
#endif
}

/// True when OpenBLAS runs its SSE3 fallback kernels on a CPU with AVX2: set OPENBLAS_CORETYPE.
inline bool blas_kernels_below_cpu() {
#if defined(EIGEN_USE_BLAS) && (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
  return std::string(openblas_get_corename()) == "Prescott" && __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

}  // namespace genlab::core

#endif  // GENLAB_CORE_BLAS_HPP
