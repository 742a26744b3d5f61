#ifndef GENLAB_SAMPLE_MPI_HPP
#define GENLAB_SAMPLE_MPI_HPP
// Sampling beyond one machine: split a hypothesis range across MPI ranks, sample each share
// with any backend (CPU, CUDA), and gather the losses. Because hypothesis i always draws from
// philox_stream(seed, i), the gathered result equals the single-process one bit for bit (for
// the CPU backend; tests/sample and examples/sample_mpi_gp.cpp check `mpirun -np 2`).
// Needs MPI (Debian's OpenMPI: libopenmpi-dev); include only where <mpi.h> is available.

// The C API only: OpenMPI's deprecated C++ bindings do not compile warning-free.
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <string>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/sample/gaussian_process.hpp"
#include "genlab/sample/loss_sample.hpp"

namespace genlab::sample {

/// Rank `rank`'s share of [begin, end) among `ranks`: contiguous, sizes differing by at most 1.
inline std::pair<std::uint64_t, std::uint64_t> mpi_share(std::uint64_t begin, std::uint64_t end, int rank, int ranks) {
  const std::uint64_t n = end - begin, q = n / static_cast<std::uint64_t>(ranks), r = n % static_cast<std::uint64_t>(ranks);
  const auto k = static_cast<std::uint64_t>(rank);
  const std::uint64_t b = begin + k * q + std::min(k, r);
  return {b, b + q + (k < r ? 1 : 0)};
}

namespace detail {
inline void mpi_check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("genlab::sample::mpi: ") + what + " failed (code " + std::to_string(rc) + ")");
}
inline std::vector<double> mpi_allgather(MPI_Comm comm, const std::vector<double>& mine, int ranks) {
  int count = static_cast<int>(mine.size());
  std::vector<int> counts(static_cast<std::size_t>(ranks)), displs(static_cast<std::size_t>(ranks));
  mpi_check(MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, comm), "MPI_Allgather(counts)");
  int total = 0;
  for (int r = 0; r < ranks; ++r) displs[static_cast<std::size_t>(r)] = total, total += counts[static_cast<std::size_t>(r)];
  std::vector<double> all(static_cast<std::size_t>(total));
  mpi_check(MPI_Allgatherv(mine.data(), count, MPI_DOUBLE, all.data(), counts.data(), displs.data(), MPI_DOUBLE, comm),
            "MPI_Allgatherv(losses)");
  return all;
}
}  // namespace detail

/// Samples hypotheses [begin, end) under `seed` across the ranks of `comm`: rank r calls
/// sample(seed, b_r, e_r) on its share (mpi_share) and every rank gets the gathered LossSample.
/// `sample` is any callable (seed, begin, end) -> LossSample: a CPU sampler, a CUDA GpSampler's
/// sample, ... Collective: every rank must call it with the same arguments.
/// Communication: O(end − begin) doubles per rank (MPI_Allgatherv).
template <class Sampler>
LossSample mpi_sample(MPI_Comm comm, std::uint64_t seed, std::uint64_t begin, std::uint64_t end, Sampler&& sample) {
  core::require(begin <= end, "genlab::sample::mpi_sample", "end", end, ">= begin = " + std::to_string(begin));
  core::require(end - begin <= static_cast<std::uint64_t>(2147483647), "genlab::sample::mpi_sample", "end - begin",
                end - begin, "< 2^31 (one MPI count); split larger runs into several calls");
  int rank = 0, ranks = 1;
  detail::mpi_check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  detail::mpi_check(MPI_Comm_size(comm, &ranks), "MPI_Comm_size");
  const auto [b, e] = mpi_share(begin, end, rank, ranks);
  const LossSample mine = sample(seed, b, e);
  LossSample out;
  out.seed = seed, out.begin = begin, out.end = end;
  out.mse = detail::mpi_allgather(comm, mine.mse, ranks);
  // Every rank has the same options, so either all shares have an error column or none does.
  out.error = detail::mpi_allgather(comm, mine.error, ranks);
  return out;
}

/// GP posterior losses across ranks with the CPU backend (each rank factors Σ itself: O(N_t³)).
inline LossSample mpi_sample_gp_losses(MPI_Comm comm, const GpFactor& f, std::uint64_t seed, std::uint64_t begin,
                                       std::uint64_t end, const SampleOptions& options = {}) {
  return mpi_sample(comm, seed, begin, end, [&](std::uint64_t s, std::uint64_t b, std::uint64_t e) {
    return sample_gp_losses(f, s, b, e, options);
  });
}

}  // namespace genlab::sample

#endif  // GENLAB_SAMPLE_MPI_HPP
