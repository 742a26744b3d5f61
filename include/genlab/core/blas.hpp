#ifndef GENLAB_CORE_BLAS_HPP
#define GENLAB_CORE_BLAS_HPP
// Which kernels run Eigen's matrix products: OpenBLAS's (EIGEN_USE_BLAS, genlab's CMake option
// GENLAB_WITH_BLAS) or Eigen's own, and whether OpenBLAS picked kernels far below what the CPU can
// run. Debian 12's OpenBLAS 0.3.21 falls back to its Prescott (SSE3) kernels on CPU models it does
// not know (newer parts, some virtual machines), several times slower than Eigen's own; the
// environment variable OPENBLAS_CORETYPE (e.g. SkylakeX, Haswell) overrides its choice, and
// tools/openblas_env.sh sets it from the CPU's flags. Both the kernels and the instruction set the
// program was compiled for set the last bits of a result (README, GENLAB_NATIVE).

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

/// The widest vector instruction set this program was compiled for ("avx512", "avx2", "avx",
/// "sse2", "neon" or "none"): with the GEMM kernels (gemm_backend), what sets the last bits of a
/// result, since the vector width changes how Eigen sums. A compile-time fact of the caller's
/// translation unit (-march), not of the CPU it runs on.
inline std::string simd_instruction_set() {
#if defined(__AVX512F__)
  return "avx512";
#elif defined(__AVX2__)
  return "avx2";
#elif defined(__AVX__)
  return "avx";
#elif defined(__SSE2__) || defined(_M_X64)
  return "sse2";
#elif defined(__ARM_NEON)
  return "neon";
#else
  return "none";
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
