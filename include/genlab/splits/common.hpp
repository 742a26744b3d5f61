#ifndef GENLAB_SPLITS_COMMON_HPP
#define GENLAB_SPLITS_COMMON_HPP
// Pieces every split generator shares: the special tokens, the Philox stream layout, small
// random helpers and the dataset fingerprint recorded in Dataset::config().
//
// Special tokens (always the first ids of a generator's vocabulary, in this order):
//   <pad> = 0   padding (packing, batching); never graded
//   <bos> = 1   start of every example
//   <eos> = 2   end of every example; graded, so a model learns to stop
//   <sep> = 3   separates the prompt from the answer
// Generators whose reference format fixes the vocabulary (Nanda's modular arithmetic, Wang et
// al.'s knowledge graphs) document their own layout instead.
//
// Streams. Example i of split s draws from philox_stream(seed, (s << 40) | i): every example has
// its own subsequence, so examples can be generated in any order, in parallel, or online, and a
// split is the same whatever else is generated.

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "genlab/core/dataset.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/philox.hpp"
#include "genlab/core/random.hpp"

namespace genlab::splits {

inline constexpr const char* kPadToken = "<pad>";
inline constexpr const char* kBosToken = "<bos>";
inline constexpr const char* kEosToken = "<eos>";
inline constexpr const char* kSepToken = "<sep>";

/// The four special tokens <pad> <bos> <eos> <sep> as ids 0..3 of a new vocabulary.
inline core::Vocabulary special_vocabulary() {
  return core::Vocabulary({kPadToken, kBosToken, kEosToken, kSepToken});
}

/// Ids of the special tokens in every special_vocabulary(), so generators name them instead of
/// writing 0..3.
struct SpecialTokens {
  static constexpr core::Token pad = 0;
  static constexpr core::Token bos = 1;
  static constexpr core::Token eos = 2;
  static constexpr core::Token sep = 3;
};

namespace detail {

inline constexpr int kStreamShift = 40;  // up to 2^40 examples per split, 2^24 splits

/// The stream of example `index` in split `split` (see the file comment).
inline core::Philox4x32 example_stream(std::uint64_t seed, std::uint64_t split, std::uint64_t index) {
  return core::philox_stream(seed, (split << kStreamShift) | index);
}

/// Uniform integer in [lo, hi] (inclusive); hi - lo must fit in 32 bits.
inline std::size_t uniform_between(core::Philox4x32& g, std::size_t lo, std::size_t hi) {
  return lo + core::uniform_index(g, static_cast<std::uint32_t>(hi - lo + 1));
}

/// True with probability p (53-bit uniform, so p = 0 never and p = 1 always).
inline bool bernoulli(core::Philox4x32& g, double p) { return core::uniform_double53(g) < p; }

/// k distinct values of 0..n-1 in random order (partial Fisher–Yates over a dense array).
inline std::vector<std::uint32_t> sample_without_replacement(core::Philox4x32& g, std::uint32_t n, std::uint32_t k) {
  std::vector<std::uint32_t> all(n);
  for (std::uint32_t i = 0; i < n; ++i) all[i] = i;
  for (std::uint32_t i = 0; i < k; ++i) {
    const std::uint32_t j = i + core::uniform_index(g, n - i);
    std::swap(all[i], all[j]);
  }
  all.resize(k);
  return all;
}

inline void fnv1a(std::uint64_t& h, const void* data, std::size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
}
template <class T>
void fnv1a_value(std::uint64_t& h, const T& v) {
  fnv1a(h, &v, sizeof(T));
}

}  // namespace detail

/// FNV-1a (64-bit) hash of a dataset's vocabulary and splits (names, tokens, loss masks, groups),
/// not of its config. Identical data gives the identical value on every platform of the same
/// endianness. O(total tokens).
inline std::uint64_t dataset_fingerprint(const core::Dataset& ds) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const auto& t : ds.vocab().tokens()) {
    detail::fnv1a(h, t.data(), t.size());
    detail::fnv1a_value(h, std::uint8_t{0});
  }
  for (const auto& [name, seqs] : ds.splits()) {
    detail::fnv1a(h, name.data(), name.size());
    detail::fnv1a_value(h, static_cast<std::uint64_t>(seqs.size()));
    for (const auto& s : seqs) {
      detail::fnv1a_value(h, static_cast<std::uint64_t>(s.tokens.size()));
      if (!s.tokens.empty()) detail::fnv1a(h, s.tokens.data(), s.tokens.size() * sizeof(core::Token));
      if (!s.loss_mask.empty()) detail::fnv1a(h, s.loss_mask.data(), s.loss_mask.size());
      detail::fnv1a_value(h, s.group);
    }
  }
  return h;
}

/// The fingerprint as 16 lowercase hex digits.
inline std::string fingerprint_hex(std::uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

/// Records the dataset's fingerprint as config()["fingerprint_fnv1a64"] (call after the last
/// split is set) and returns it.
inline std::string record_fingerprint(core::Dataset& ds) {
  const std::string hex = fingerprint_hex(dataset_fingerprint(ds));
  ds.config()["fingerprint_fnv1a64"] = hex;
  return hex;
}

}  // namespace genlab::splits

#endif  // GENLAB_SPLITS_COMMON_HPP
