#ifndef GENLAB_CORE_SEQUENCE_HPP
#define GENLAB_CORE_SEQUENCE_HPP
// The unit of token data that flows between genlab's parts: a split generator produces
// Sequences, the transformer trains on them, the measurement tools group results by their label.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/vocabulary.hpp"

namespace genlab::core {

/// Token ids, a per-token loss mask (1 where the model is graded: the answer, not the prompt)
/// and a group label (the length, a complexity level, a split cell; -1 when there is none).
struct Sequence {
  std::vector<Token> tokens;
  std::vector<std::uint8_t> loss_mask;  // same length as tokens
  std::int64_t group = -1;

  std::size_t size() const { return tokens.size(); }
  /// Number of graded positions.
  std::size_t graded() const {
    std::size_t n = 0;
    for (auto m : loss_mask) n += m != 0;
    return n;
  }
  /// Throws std::invalid_argument if the mask length differs from the token count, or (with a
  /// vocabulary size) if a token id lies outside 0..vocab_size-1.
  void validate(std::size_t vocab_size = 0) const {
    require(loss_mask.size() == tokens.size(), "genlab::core::Sequence::validate", "loss_mask.size()",
            loss_mask.size(), "tokens.size() = " + std::to_string(tokens.size()));
    if (vocab_size == 0) return;
    for (auto t : tokens)
      require(t >= 0 && static_cast<std::size_t>(t) < vocab_size, "genlab::core::Sequence::validate", "token", t,
              "an id in 0.." + std::to_string(vocab_size - 1));
  }
  friend bool operator==(const Sequence& a, const Sequence& b) {
    return a.tokens == b.tokens && a.loss_mask == b.loss_mask && a.group == b.group;
  }
  friend bool operator!=(const Sequence& a, const Sequence& b) { return !(a == b); }
};

/// A prompt (not graded) followed by an answer (graded).
inline Sequence make_sequence(const std::vector<Token>& prompt, const std::vector<Token>& answer,
                              std::int64_t group = -1) {
  Sequence s;
  s.tokens = prompt;
  s.tokens.insert(s.tokens.end(), answer.begin(), answer.end());
  s.loss_mask.assign(prompt.size(), 0);
  s.loss_mask.resize(s.tokens.size(), 1);
  s.group = group;
  return s;
}

/// Sequences grouped by their label, in ascending label order.
inline std::map<std::int64_t, std::vector<Sequence>> group_by_label(const std::vector<Sequence>& seqs) {
  std::map<std::int64_t, std::vector<Sequence>> groups;
  for (const auto& s : seqs) groups[s.group].push_back(s);
  return groups;
}

/// Where an answer begins: the one place in genlab that knows it. prompt_length(s) is the number
/// of tokens before the first graded one, the prompt a model continues from greedily (s.size()
/// when nothing is graded).
inline std::size_t prompt_length(const Sequence& s) {
  std::size_t p = 0;
  while (p < s.loss_mask.size() && !s.loss_mask[p]) ++p;
  return p;
}

/// Index of the first graded token if the graded tokens form a non-empty suffix (a prompt, then
/// an answer that is graded throughout), else std::string::npos.
inline std::size_t answer_start(const Sequence& s) {
  const std::size_t p = prompt_length(s);
  if (p == s.loss_mask.size()) return std::string::npos;
  for (std::size_t j = p; j < s.loss_mask.size(); ++j)
    if (!s.loss_mask[j]) return std::string::npos;
  return p;
}

}  // namespace genlab::core

#endif  // GENLAB_CORE_SEQUENCE_HPP
