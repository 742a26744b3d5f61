#ifndef GENLAB_CORE_PARALLEL_HPP
#define GENLAB_CORE_PARALLEL_HPP
// genlab's one parallel layer: OpenMP when the translation unit is compiled with it, serial
// otherwise, same results either way. Parallel loops in genlab give every index its own Philox
// subsequence and write only to its own output slot, so the thread count never changes a result.
//
// Exceptions. An exception may not leave an OpenMP region (the runtime calls std::terminate), so
// every loop here runs its body under a `LoopErrors` guard: the region catches, the loop skips the
// indices after the lowest failing one, and after the region the exception of the lowest failing
// index is rethrown with its own type (std::bad_alloc stays std::bad_alloc). That is the exception
// the serial loop would have thrown, whatever the thread count.
//
// Matrix products. A product's bits may depend on how many threads compute it: OpenBLAS (Eigen's
// BLAS backend, EIGEN_USE_BLAS) partitions a GEMM by the thread count, and Eigen's own kernels
// pick their depth blocking (kc) from it, which changes the order of the sums once the depth
// exceeds one block. So every product genlab computes runs on one thread: inside the loops below
// each thread's products are its own (a region of one thread also lowers its thread count to 1,
// since a product would otherwise treat it as serial code and split), and the products outside
// any loop run under `SingleThreadedProducts`.

#include <atomic>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>

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

/// Lowers this thread's OpenMP thread count to 1 for the guard's lifetime, so that the matrix
/// products made under it (OpenBLAS's or Eigen's) run on the calling thread alone and give the
/// same bits for any thread count (see the file comment); a no-op without OpenMP. The setting is
/// the calling task's own (omp_set_num_threads) and is restored on destruction. Do not run
/// genlab's parallel loops under it: they would run on one thread.
class SingleThreadedProducts {
 public:
  SingleThreadedProducts() {
#if defined(_OPENMP)
    saved_ = omp_get_max_threads();
    omp_set_num_threads(1);
#endif
  }
  ~SingleThreadedProducts() {
#if defined(_OPENMP)
    omp_set_num_threads(saved_);
#endif
  }
  SingleThreadedProducts(const SingleThreadedProducts&) = delete;
  SingleThreadedProducts& operator=(const SingleThreadedProducts&) = delete;

 private:
  [[maybe_unused]] int saved_ = 1;
};

/// The first failure of a parallel loop, by index: `run(i, f)` calls f() unless an index below i
/// already failed, and keeps the exception of the lowest failing index; `rethrow()` after the
/// region throws it. Thread-safe; use one per loop.
class LoopErrors {
 public:
  template <class F>
  void run(std::int64_t i, F&& f) noexcept {
    if (i > lowest_.load(std::memory_order_relaxed)) return;  // a lower index failed: serial order would stop there
    try {
      f();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (i < lowest_.load(std::memory_order_relaxed)) {
        lowest_.store(i, std::memory_order_relaxed);
        error_ = std::current_exception();
      }
    }
  }
  /// Whether any index failed so far.
  bool failed() const { return lowest_.load(std::memory_order_relaxed) != kNone; }
  /// Throws the exception of the lowest failing index, if any.
  void rethrow() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  static constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::max();
  std::atomic<std::int64_t> lowest_{kNone};
  std::exception_ptr error_;
  std::mutex mutex_;
};

/// Calls f(i) for i in [0, n), in parallel when OpenMP is on. f must only write state owned by i.
/// If f throws, the exception of the lowest failing index is rethrown after the loop, with its type.
template <class F>
void parallel_for(std::int64_t n, F&& f) {
  LoopErrors errors;
#if defined(_OPENMP)
#pragma omp parallel
  {
    if (omp_get_num_threads() == 1) omp_set_num_threads(1);  // products in f stay on this thread
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) errors.run(i, [&] { f(i); });
  }
#else
  for (std::int64_t i = 0; i < n && !errors.failed(); ++i) errors.run(i, [&] { f(i); });
#endif
  errors.rethrow();
}

/// Calls body(i, scratch) for i in [0, n) on `threads` OpenMP threads (0 = all), each thread with
/// its own scratch = make_scratch() (GEMM tiles, normal buffers), dynamically scheduled. Every index
/// must write only its own output slots, so results never depend on the thread count. Exceptions
/// from make_scratch or body are rethrown after the loop as in parallel_for (make_scratch's as if
/// from index −1: it fails before any index).
template <class MakeScratch, class Body>
void parallel_for_scratch(std::int64_t n, int threads, MakeScratch&& make_scratch, Body&& body) {
  if (n <= 0) return;
  LoopErrors errors;
#if defined(_OPENMP)
  const int nt = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel num_threads(nt)
  {
    if (omp_get_num_threads() == 1) omp_set_num_threads(1);  // products in body stay on this thread
    std::optional<decltype(make_scratch())> scratch;
    errors.run(-1, [&] { scratch.emplace(make_scratch()); });
#pragma omp for schedule(dynamic)
    for (std::int64_t i = 0; i < n; ++i)
      if (scratch) errors.run(i, [&] { body(i, *scratch); });
  }
#else
  (void)threads;
  errors.run(-1, [&] {
    auto scratch = make_scratch();
    for (std::int64_t i = 0; i < n && !errors.failed(); ++i) errors.run(i, [&] { body(i, scratch); });
  });
#endif
  errors.rethrow();
}

}  // namespace genlab::core

#endif  // GENLAB_CORE_PARALLEL_HPP
