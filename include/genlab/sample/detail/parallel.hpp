#ifndef GENLAB_SAMPLE_DETAIL_PARALLEL_HPP
#define GENLAB_SAMPLE_DETAIL_PARALLEL_HPP
// A parallel loop whose threads each own a scratch object (GEMM tiles, normal buffers). Every
// index writes only its own output slots, so results never depend on the thread count.

#include <cstdint>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace genlab::sample::detail {

/// Calls body(i, scratch) for i in [0, n) on `threads` OpenMP threads (0 = all), each thread
/// with its own scratch = make_scratch(). body must not throw (validate before the loop).
template <class MakeScratch, class Body>
void parallel_for_scratch(std::int64_t n, int threads, MakeScratch&& make_scratch, Body&& body) {
  if (n <= 0) return;
#if defined(_OPENMP)
  const int nt = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel num_threads(nt)
  {
    auto scratch = make_scratch();
#pragma omp for schedule(dynamic)
    for (std::int64_t i = 0; i < n; ++i) body(i, scratch);
  }
#else
  (void)threads;
  auto scratch = make_scratch();
  for (std::int64_t i = 0; i < n; ++i) body(i, scratch);
#endif
}

}  // namespace genlab::sample::detail

#endif  // GENLAB_SAMPLE_DETAIL_PARALLEL_HPP
