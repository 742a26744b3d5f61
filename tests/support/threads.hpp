// Test helper shared by the test areas: run code at a given OpenMP thread count.
#ifndef GENLAB_TESTS_SUPPORT_THREADS_HPP
#define GENLAB_TESTS_SUPPORT_THREADS_HPP

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace testsupport {

/// Runs f() with `threads` OpenMP threads, then restores the previous setting.
template <class F>
auto with_threads(int threads, F&& f) {
#if defined(_OPENMP)
  const int before = omp_get_max_threads();
  omp_set_num_threads(threads);
  auto r = f();
  omp_set_num_threads(before);
  return r;
#else
  (void)threads;
  return f();
#endif
}

}  // namespace testsupport

#endif  // GENLAB_TESTS_SUPPORT_THREADS_HPP
