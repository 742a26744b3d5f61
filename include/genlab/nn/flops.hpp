#ifndef GENLAB_NN_FLOPS_HPP
#define GENLAB_NN_FLOPS_HPP
// The cost of training updates, counted from the model's shape and the sequences trained on, so
// that conditions with different batches (a task mixed into a batch or added on top of it) are
// compared at their real compute, not just at the same number of updates.
//
// FLOPs count the matrix products of one forward and backward pass as genlab computes them
// (transformer.hpp), 2 per multiply-add, on the real tokens of each sequence (no padding): a
// sequence of S tokens feeds its first S − 1 (the rows) and is graded at G of its targets (the
// graded rows, loss_mask = 1 at positions 1..S−1). Per layer, with d = d_model, f = d_mlp:
//   keys and values at every row                          rows · 2 · 2d²
//   queries and the output projection, at the query rows  q · 2 · 2d²
//   MLP at the query rows                                 q · 2 · 2·d·f
//   scores q·k and the weighted sum of values             pairs · 2 · 2d
// where q is every row, except in the last layer, which only computes the graded rows, and pairs
// is the number of (query, key) pairs a causal query sees (row t sees t + 1 keys). The
// unembedding adds graded · 2·d·vocab. The backward pass costs twice the forward, so a training
// update costs 3 × forward. Not counted: norms, softmax, activations, biases, the embedding lookup
// and the optimizer (O(rows · d) or O(parameters), small next to the products at d ≥ 16). With
// all rows queried this is the usual 6·N·D (N the non-embedding weights 12d² per layer with
// f = 4d, D the tokens) plus the attention term 6·pairs·2d and the unembedding.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "genlab/core/sequence.hpp"
#include "genlab/nn/config.hpp"

namespace genlab::nn {

/// Sizes and cost of training on a set of sequences (sums over them).
struct TrainingCost {
  double sequences = 0;
  double tokens = 0;         // every token of every sequence, the first (<bos>) to the last
  double graded_tokens = 0;  // targets with loss_mask = 1 (positions 1..S−1)
  double flops = 0;          // forward + backward matrix products (see the file comment)

  TrainingCost& operator+=(const TrainingCost& o) {
    sequences += o.sequences, tokens += o.tokens, graded_tokens += o.graded_tokens, flops += o.flops;
    return *this;
  }
  /// Every count times `k` (an average per sequence times sequences per update, say).
  TrainingCost scaled(double k) const { return {sequences * k, tokens * k, graded_tokens * k, flops * k}; }
};

/// The cost of one forward and backward pass of a model of shape `c` over data[idx[..]] (every
/// sequence of `data` when `idx` is empty). O(total tokens).
inline TrainingCost training_cost(const ModelConfig& c, const std::vector<core::Sequence>& data,
                                  const std::vector<std::size_t>& idx = {}) {
  const double d = static_cast<double>(c.d_model), f = static_cast<double>(c.d_mlp), V = static_cast<double>(c.vocab_size);
  TrainingCost out;
  double rows = 0, pairs_all = 0, pairs_graded = 0;
  const std::size_t count = idx.empty() ? data.size() : idx.size();
  for (std::size_t k = 0; k < count; ++k) {
    const core::Sequence& s = data[idx.empty() ? k : idx[k]];
    const double S = static_cast<double>(s.size());
    out.sequences += 1;
    out.tokens += S;
    if (s.size() < 2) continue;
    rows += S - 1;
    pairs_all += (S - 1) * S / 2;  // row t (0-based) attends to t + 1 keys
    for (std::size_t t = 1; t < s.size(); ++t)
      if (s.loss_mask[t]) {
        out.graded_tokens += 1;
        pairs_graded += static_cast<double>(t);  // the target at t is predicted from row t − 1: t keys
      }
  }
  double forward = 0;
  for (std::int64_t l = 0; l < c.n_layers; ++l) {
    const bool last = l + 1 == c.n_layers;
    const double q = last ? out.graded_tokens : rows, pairs = last ? pairs_graded : pairs_all;
    forward += rows * 2 * 2 * d * d + q * (2 * 2 * d * d + 2 * 2 * d * f) + pairs * 2 * 2 * d;
  }
  forward += out.graded_tokens * 2 * d * V;
  out.flops = 3 * forward;
  return out;
}

}  // namespace genlab::nn

#endif  // GENLAB_NN_FLOPS_HPP
