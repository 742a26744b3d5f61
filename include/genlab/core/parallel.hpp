#ifndef GENLAB_CORE_PARALLEL_HPP
#define GENLAB_CORE_PARALLEL_HPP
// OpenMP when the translation unit is compiled with it, serial otherwise, same results either
// way: parallel loops in genlab give every index its own Philox subsequence and write only to
// its own output slot, so the thread count never changes a result.

#include <cstdint>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace genlab::core {

/// Threads an OpenMP parallel region would use now (1 without OpenMP).
inline int max_threads() {
#if defined(_OPENMP)
  return omp_get_max_threads();
#else
  return 1;
#endif
}

/// Calls f(i) for i in [0, n), in parallel when OpenMP is on. f must only write state owned by i.
template <class F>
void parallel_for(std::int64_t n, F&& f) {
#if defined(_OPENMP)
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) f(i);
#else
  for (std::int64_t i = 0; i < n; ++i) f(i);
#endif
}

}  // namespace genlab::core

#endif  // GENLAB_CORE_PARALLEL_HPP
