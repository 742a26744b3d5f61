#ifndef GENLAB_SPLITS_LENGTH_PACKING_HPP
#define GENLAB_SPLITS_LENGTH_PACKING_HPP
// RASP-L packing of length-task examples into fixed-size contexts (Zhou et al. 2023, "What
// Algorithms can Transformers Learn?"): several whole examples per context after a random
// offset of padding, so that training sees every absolute position.

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/sequence.hpp"
#include "genlab/core/vocabulary.hpp"
#include "genlab/splits/common.hpp"

namespace genlab::splits {

/// RASP-L-style packing (Zhou et al. 2023): several examples per fixed-size context, starting at
/// a random offset, so that every absolute position is trained.
struct PackingConfig {
  std::size_t context_length = 256;
  std::size_t max_offset = 64;  ///< each context starts with o ~ U{0..min(max_offset, room)} <pad> tokens
  std::uint64_t seed = 0;
  void validate() const {
    // The offset is drawn from a 32-bit range (detail::uniform_between).
    core::require(context_length >= 1 && context_length < (std::size_t{1} << 32), "genlab::splits::PackingConfig::validate",
                  "context_length", context_length, "in 1..2^32-1");
  }
};

/// Packs `seqs`, in order, into contexts of exactly context_length tokens: o random <pad>
/// (mask 0), then whole examples while they fit, then <pad> (mask 0) to the end. An example
/// never straddles two contexts. Context c draws its offset from stream (seed, 0, c).
/// group = -1 (a context mixes lengths). Throws if an example is longer than the context.
/// O(total tokens).
inline std::vector<core::Sequence> pack_sequences(const std::vector<core::Sequence>& seqs, const core::Vocabulary& vocab,
                                                  const PackingConfig& config) {
  config.validate();
  const core::Token pad = vocab.id(kPadToken);
  std::vector<core::Sequence> out;
  std::size_t i = 0;
  while (i < seqs.size()) {
    core::require(seqs[i].size() <= config.context_length, "genlab::splits::pack_sequences", "seqs[i].size()",
                  seqs[i].size(), "<= context_length = " + std::to_string(config.context_length));
    auto g = detail::example_stream(config.seed, 0, out.size());
    const std::size_t room = config.context_length - seqs[i].size();
    const std::size_t o = detail::uniform_between(g, 0, std::min(config.max_offset, room));
    core::Sequence c;
    c.tokens.assign(o, pad);
    c.loss_mask.assign(o, 0);
    while (i < seqs.size() && c.size() + seqs[i].size() <= config.context_length) {
      c.tokens.insert(c.tokens.end(), seqs[i].tokens.begin(), seqs[i].tokens.end());
      c.loss_mask.insert(c.loss_mask.end(), seqs[i].loss_mask.begin(), seqs[i].loss_mask.end());
      ++i;
    }
    c.tokens.resize(config.context_length, pad);
    c.loss_mask.resize(config.context_length, 0);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace genlab::splits

#endif  // GENLAB_SPLITS_LENGTH_PACKING_HPP
