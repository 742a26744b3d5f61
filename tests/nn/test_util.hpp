// Small shared helpers for the nn tests: tiny sequence sets and random perturbations.
#ifndef GENLAB_TESTS_NN_TEST_UTIL_HPP
#define GENLAB_TESTS_NN_TEST_UTIL_HPP

#include <vector>

#include "genlab/core/random.hpp"
#include "genlab/core/sequence.hpp"
#include "genlab/nn/transformer.hpp"

namespace nntest {

/// `n` random sequences over vocab ids 0..vocab-1 with lengths in [min_len, max_len]; the second
/// half of each (at least one token, never the first) is graded.
inline std::vector<genlab::core::Sequence> random_sequences(int n, int vocab, int min_len, int max_len,
                                                            std::uint64_t seed) {
  auto g = genlab::core::philox_stream(seed, 0);
  std::vector<genlab::core::Sequence> out;
  for (int i = 0; i < n; ++i) {
    const int len = min_len + static_cast<int>(genlab::core::uniform_index(g, static_cast<std::uint32_t>(max_len - min_len + 1)));
    std::vector<genlab::core::Token> prompt, answer;
    const int np = std::max(1, len / 2);
    for (int t = 0; t < len; ++t)
      (t < np ? prompt : answer).push_back(static_cast<genlab::core::Token>(genlab::core::uniform_index(g, static_cast<std::uint32_t>(vocab))));
    out.push_back(genlab::core::make_sequence(prompt, answer, len));
  }
  return out;
}

/// Adds N(0, sd²) noise to every parameter so that gains, biases and β are away from their
/// special initial values.
template <class T>
void perturb(genlab::nn::Transformer<T>& m, double sd, std::uint64_t seed) {
  auto g = genlab::core::philox_stream(seed, 99);
  for (auto& x : m.parameters()) x += static_cast<T>(sd * genlab::core::normal_double(g));
}

}  // namespace nntest

#endif
