#ifndef GENLAB_SAMPLE_NORMALS_HPP
#define GENLAB_SAMPLE_NORMALS_HPP
// Blocks of standard normals for one hypothesis, drawn from that hypothesis's Philox stream in
// the order cuRAND's curand_normal_double would return them. This is the one definition of
// "the noise of hypothesis i" shared by the CPU samplers and the CUDA kernels (cuda/*.cuh).

#include <cstddef>
#include <cstdint>

#include "genlab/core/philox.hpp"
#include "genlab/core/random.hpp"

namespace genlab::sample {

/// Fills out[0..n) with the first n normals of philox_stream(seed, index), i.e. the values
/// curand_normal_double returns n times after curand_init(seed, index, 0, &s) (Box–Muller on
/// four 32-bit words per pair; same words bit for bit, values to a few ulp). O(n).
inline void fill_normals(std::uint64_t seed, std::uint64_t index, double* out, std::size_t n) {
  core::Philox4x32 g = core::philox_stream(seed, index);
  for (std::size_t j = 0; j < n; ++j) out[j] = core::normal_double(g);
}

/// Float version: the values curand_normal returns (two words per pair). O(n).
inline void fill_normals(std::uint64_t seed, std::uint64_t index, float* out, std::size_t n) {
  core::Philox4x32 g = core::philox_stream(seed, index);
  for (std::size_t j = 0; j < n; ++j) out[j] = core::normal_float(g);
}

}  // namespace genlab::sample

#endif  // GENLAB_SAMPLE_NORMALS_HPP
