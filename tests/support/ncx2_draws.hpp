// Test helper shared by the test areas: seeded samples of a scaled noncentral χ².
#ifndef GENLAB_TESTS_SUPPORT_NCX2_DRAWS_HPP
#define GENLAB_TESTS_SUPPORT_NCX2_DRAWS_HPP

#include <cstddef>
#include <cstdint>
#include <vector>

#include "genlab/core/random.hpp"

namespace testsupport {

/// n draws of s·Σ_{j<df} (z_j + shift·[j < shifted])², i.e. s·χ'²_df(shifted·shift²); draw i uses
/// the Philox stream (seed, i).
inline std::vector<double> ncx2_draws(std::uint64_t seed, int n, int df, int shifted, double shift, double s) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto g = genlab::core::philox_stream(seed, static_cast<std::uint64_t>(i));
    double t = 0;
    for (int j = 0; j < df; ++j) {
      const double z = genlab::core::normal_double(g) + (j < shifted ? shift : 0.0);
      t += z * z;
    }
    out.push_back(s * t);
  }
  return out;
}

}  // namespace testsupport

#endif  // GENLAB_TESTS_SUPPORT_NCX2_DRAWS_HPP
