#ifndef GENLAB_NN_PROBES_HPP
#define GENLAB_NN_PROBES_HPP
// Read access to a model's internals for probes, Fourier analyses and ablations written in user
// code (Nanda et al. 2023's progress measures need the MLP activations and attention patterns
// over all p² inputs). Parameters are read and written by name with Transformer::parameter.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "genlab/core/parallel.hpp"
#include "genlab/core/sequence.hpp"
#include "genlab/core/tensor.hpp"
#include "genlab/nn/transformer.hpp"

namespace genlab::nn {

/// Every intermediate of a forward pass over n_seq inputs padded to len positions; row
/// b·len + t is input b at position t (rows past an input's length are padding).
template <class T>
struct Activations {
  std::int64_t n_seq = 0, len = 0, n_heads = 0;
  std::vector<Matrix<T>> resid_pre;   // per layer: block input [rows × d]
  std::vector<Matrix<T>> resid_mid;   // per layer: residual after attention (post-LN: after LN1)
  std::vector<Matrix<T>> resid_post;  // per layer: block output
  std::vector<Matrix<T>> attn_out;    // per layer: attention output (after W_O) [rows × d]
  std::vector<Matrix<T>> mlp_post;    // per layer: MLP hidden after the activation [rows × d_mlp]
  std::vector<std::vector<T>> pattern;  // per layer: attention weights [n_seq, heads, len, len]
  Matrix<T> logits;                   // [rows × vocab]

  /// Layer l's attention weights as an xtensor view [input, head, query, key] of pattern[l]: no
  /// copy; write it with core::write_npy, or take one head's [query, key] matrix with xt::view.
  auto attention_pattern(std::size_t l) const {
    core::require(l < pattern.size(), "genlab::nn::Activations::attention_pattern", "l", l,
                  "< layers = " + std::to_string(pattern.size()));
    const auto n = [](std::int64_t v) { return static_cast<std::size_t>(v); };
    return core::tensor_view(pattern[l], std::array<std::size_t, 4>{n(n_seq), n(n_heads), n(len), n(len)});
  }

  /// Weight that query position q of input b puts on key position k in head h of layer l
  /// (0 for k > q: causal).
  T attention(std::size_t l, std::int64_t b, std::int64_t h, std::int64_t q, std::int64_t k) const {
    return pattern[l][static_cast<std::size_t>(((b * n_heads + h) * len + q) * len + k)];
  }
};

/// Runs `model` on `inputs` (token lists, any lengths) and keeps every intermediate. Single
/// threaded, memory O(layers · rows · (d + d_mlp + heads · len)).
template <class T>
Activations<T> run_with_activations(const Transformer<T>& model, const std::vector<std::vector<core::Token>>& inputs) {
  const char* where = "genlab::nn::run_with_activations";
  const ModelConfig& cfg = model.config();
  ShardWork<T> w;
  Rows& r = w.rows;
  r.n_seq = static_cast<std::int64_t>(inputs.size());
  for (const auto& in : inputs) {
    core::require(!in.empty(), where, "input length", 0, ">= 1");
    r.len = std::max<std::int64_t>(r.len, static_cast<std::int64_t>(in.size()));
    for (auto t : in)
      core::require(t >= 0 && t < cfg.vocab_size, where, "token", t, "an id in 0.." + std::to_string(cfg.vocab_size - 1));
  }
  core::require(cfg.positions != Positions::learned || r.len <= cfg.max_seq_len, where, "input length", r.len,
                "<= max_seq_len with learned positions");
  r.tokens.assign(static_cast<std::size_t>(r.rows()), 0);
  r.pos.resize(static_cast<std::size_t>(r.rows()));
  r.out_rows.resize(static_cast<std::size_t>(r.rows()));
  for (std::int64_t b = 0; b < r.n_seq; ++b)
    for (std::int64_t t = 0; t < r.len; ++t) {
      const std::size_t row = static_cast<std::size_t>(b * r.len + t);
      r.pos[row] = static_cast<std::int32_t>(t);
      r.out_rows[row] = static_cast<std::int32_t>(row);
      if (t < static_cast<std::int64_t>(inputs[static_cast<std::size_t>(b)].size()))
        r.tokens[row] = inputs[static_cast<std::size_t>(b)][static_cast<std::size_t>(t)];
    }
  {
    // One shard of every input: its GEMMs are large enough that OpenBLAS (and Eigen) would thread
    // them, with bits that depend on the thread count. On one thread they never do.
    const core::SingleThreadedProducts one_thread;
    model.forward(w);
  }
  Activations<T> a;
  a.n_seq = r.n_seq;
  a.len = r.len;
  a.n_heads = cfg.n_heads;
  for (const auto& bc : w.blocks) {
    a.resid_pre.push_back(bc.x);
    a.resid_mid.push_back(bc.m);
    a.resid_post.push_back(bc.y);
    a.attn_out.push_back(bc.o);
    a.mlp_post.push_back(bc.hact);
    // bc.probs is [query row, head, key] with stride len (every row is a query here).
    std::vector<T> p(static_cast<std::size_t>(r.n_seq * cfg.n_heads * r.len * r.len), T(0));
    const std::int64_t stride = static_cast<std::int64_t>(bc.probs.size()) / std::max<std::int64_t>(1, r.rows() * cfg.n_heads);
    for (std::int64_t row = 0; row < r.rows(); ++row) {
      const std::int64_t b = row / r.len, q = row % r.len;
      for (std::int64_t h = 0; h < cfg.n_heads; ++h)
        for (std::int64_t k = 0; k <= q; ++k)
          p[static_cast<std::size_t>(((b * cfg.n_heads + h) * r.len + q) * r.len + k)] =
              bc.probs[static_cast<std::size_t>((row * cfg.n_heads + h) * stride + k)];
    }
    a.pattern.push_back(std::move(p));
  }
  a.logits = w.logits;
  return a;
}

}  // namespace genlab::nn

#endif  // GENLAB_NN_PROBES_HPP
