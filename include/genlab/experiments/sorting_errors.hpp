#ifndef GENLAB_EXPERIMENTS_SORTING_ERRORS_HPP
#define GENLAB_EXPERIMENTS_SORTING_ERRORS_HPP
// Where a greedy sort first goes wrong. Sorting beyond the training lengths fails in two different
// ways, and they call for different remedies:
//   - with repeated values the model must emit each value as often as it occurs, a counting
//     problem: it moves on one copy too early (missed copy) or repeats a value once too often
//     (extra copy);
//   - with distinct values it must find the successor of the value it just emitted among more
//     and closer candidates than in training: it jumps over it (skipped value).
// The successor hint of Awasthi & Gupta (2023) trains the second skill. Classifying the first
// mistake of every wrong answer says which failure a run has.
//
// For truth t (the sorted list then <eos>) and greedy output g of the same length, let k be the
// first position where they differ and p = t[k−1] (none for k = 0):
//   missed_copy    t[k] = p            (the truth repeats p; the model moved on)
//   extra_copy     g[k] = p ≠ t[k]     (the model repeated p once too often)
//   skipped_value  g[k] > t[k], both values (it jumped over the successor t[k])
//   other          anything else: a smaller value, <eos> too early or too late, a non-value token

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "genlab/core/dataset.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/sequence.hpp"
#include "genlab/nn/decode.hpp"

namespace genlab::experiments {

enum class SortingError { none, missed_copy, extra_copy, skipped_value, other };

inline const char* to_string(SortingError e) {
  switch (e) {
    case SortingError::none: return "none";
    case SortingError::missed_copy: return "missed_copy";
    case SortingError::extra_copy: return "extra_copy";
    case SortingError::skipped_value: return "skipped_value";
    default: return "other";
  }
}

/// The kind of the first mistake of `got` against `truth` (see the header comment); value tokens
/// are value0 .. value0 + num_values − 1. O(length).
inline SortingError classify_sorting_error(const std::vector<core::Token>& truth, const std::vector<core::Token>& got,
                                           core::Token value0, std::size_t num_values) {
  std::size_t k = 0;
  while (k < truth.size() && k < got.size() && truth[k] == got[k]) ++k;
  if (k == truth.size() && k == got.size()) return SortingError::none;
  if (k == truth.size() || k == got.size()) return SortingError::other;
  const auto is_value = [&](core::Token t) {
    return t >= value0 && static_cast<std::size_t>(t - value0) < num_values;
  };
  if (k > 0 && truth[k] == truth[k - 1]) return SortingError::missed_copy;
  if (k > 0 && got[k] == truth[k - 1]) return SortingError::extra_copy;
  if (is_value(got[k]) && is_value(truth[k]) && got[k] > truth[k]) return SortingError::skipped_value;
  return SortingError::other;
}

/// Greedy exact match and first-mistake kinds over the lists of one length.
struct SortingErrorCounts {
  std::size_t lists = 0, exact = 0, missed_copy = 0, extra_copy = 0, skipped_value = 0, other = 0;

  void add(SortingError e) {
    ++lists;
    switch (e) {
      case SortingError::none: ++exact; break;
      case SortingError::missed_copy: ++missed_copy; break;
      case SortingError::extra_copy: ++extra_copy; break;
      case SortingError::skipped_value: ++skipped_value; break;
      default: ++other; break;
    }
  }
  SortingErrorCounts& operator+=(const SortingErrorCounts& o) {
    lists += o.lists, exact += o.exact, missed_copy += o.missed_copy, extra_copy += o.extra_copy;
    skipped_value += o.skipped_value, other += o.other;
    return *this;
  }
  double exact_match() const { return lists ? static_cast<double>(exact) / static_cast<double>(lists) : 0.0; }
  core::Json to_json() const;
  static SortingErrorCounts from_json(const core::Json& j);
};

// JSON by nlohmann's macro (every key required when reading: a count is never made up).
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SortingErrorCounts, lists, exact, missed_copy, extra_copy, skipped_value, other)
inline core::Json SortingErrorCounts::to_json() const { return *this; }
inline SortingErrorCounts SortingErrorCounts::from_json(const core::Json& j) { return j.get<SortingErrorCounts>(); }

/// First-mistake counts of greedy answers `got` against the true answers `truths` (aligned lists).
inline SortingErrorCounts count_sorting_errors(const std::vector<std::vector<core::Token>>& truths,
                                               const std::vector<std::vector<core::Token>>& got, core::Token value0,
                                               std::size_t num_values) {
  core::require(got.size() == truths.size(), "genlab::experiments::count_sorting_errors", "got.size()", got.size(),
                "truths.size() = " + std::to_string(truths.size()));
  SortingErrorCounts c;
  for (std::size_t i = 0; i < truths.size(); ++i) c.add(classify_sorting_error(truths[i], got[i], value0, num_values));
  return c;
}

/// Decodes each sequence greedily from its prompt (core::answer_start: the graded tokens must be
/// the answer, a suffix after a non-empty prompt) for as many tokens as the answer has, and
/// classifies the answer. Exact match equals nn::greedy_accuracy's.
template <class T>
SortingErrorCounts sorting_errors(const nn::Transformer<T>& model, const std::vector<core::Sequence>& lists,
                                  core::Token value0, std::size_t num_values, nn::Workspace<T>& ws) {
  std::vector<std::vector<core::Token>> prompts, truths;
  std::vector<std::int64_t> n_new;
  for (const auto& s : lists) {
    const std::size_t f = core::answer_start(s);
    core::require(f != std::string::npos && f >= 1, "genlab::experiments::sorting_errors", "answer start",
                  f == std::string::npos ? std::string("none") : std::to_string(f),
                  "a prompt followed by a graded answer (loss_mask 0...0 1...1)");
    prompts.emplace_back(s.tokens.begin(), s.tokens.begin() + static_cast<std::ptrdiff_t>(f));
    truths.emplace_back(s.tokens.begin() + static_cast<std::ptrdiff_t>(f), s.tokens.end());
    n_new.push_back(static_cast<std::int64_t>(s.size() - f));
  }
  return count_sorting_errors(truths, nn::greedy_generate(model, prompts, n_new, ws), value0, num_values);
}

}  // namespace genlab::experiments

#endif  // GENLAB_EXPERIMENTS_SORTING_ERRORS_HPP
