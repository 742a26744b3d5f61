#ifndef GENLAB_NN_TRANSFORMER_HPP
#define GENLAB_NN_TRANSFORMER_HPP
// A decoder-only transformer with a hand-written backward (llm.c's discipline), templated on the
// scalar (float or double). Architecture per ModelConfig (config.hpp); parameters live in one
// flat array under documented names (below), so optimizers, checkpoints and probes all see the
// same thing.
//
// Parameter names and shapes (x · W convention: a weight is [in × out]):
//   embed.W_E [vocab, d]                 token embedding (also the unembedding when tied)
//   embed.W_pos [max_seq_len, d]         learned positions only
//   blocks.{l}.ln1.w, ln1.b [d]          norm = pre (before attention) or post (after the residual)
//   blocks.{l}.attn.W_Q, W_K, W_V [d, d] head h owns columns h·d_head..(h+1)·d_head−1
//   blocks.{l}.attn.b_Q, b_K, b_V [d]    attn_bias only
//   blocks.{l}.attn.W_O [d, d], b_O [d]  (b_O with attn_bias only)
//   blocks.{l}.attn.length_scale [scale_length]  tempered scaling: β_n for n = 1..scale_length
//   blocks.{l}.ln2.w, ln2.b [d]
//   blocks.{l}.mlp.W_in [d, d_mlp], b_in [d_mlp], W_out [d_mlp, d], b_out [d]  (biases: mlp_bias)
//   ln_final.w, ln_final.b [d]           norm = pre only
//   unembed.W_U [d, vocab]               untied only
//   unembed.b_U [vocab]                  unembed_bias only
//
// Block, by norm: pre:  m = x + Attn(LN1(x)),  y = m + MLP(LN2(m)),  logits from LN_final(y)
//                 post: m = LN1(x + Attn(x)),  y = LN2(m + MLP(m))
//                 none: m = x + Attn(x),       y = m + MLP(m)
// The last block computes queries, MLP and logits only at the rows whose output is wanted (the
// graded positions when training): keys and values still come from every position. For
// Nanda's model (loss at the last of 3 positions) this skips two thirds of the work.

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "genlab/core/error.hpp"
#include "genlab/core/random.hpp"
#include "genlab/core/sequence.hpp"
#include "genlab/nn/config.hpp"
#include "genlab/nn/layers.hpp"
#include "genlab/nn/parameters.hpp"
#include "genlab/nn/rows.hpp"

namespace genlab::nn {

/// Activations of one block for one shard, kept for the backward pass (and for probes).
template <class T>
struct BlockCache {
  Matrix<T> x;          // [R × d] block input (residual stream before the block)
  Matrix<T> a, aq;      // attention input (LN1(x) for pre-LN, else x) at all rows / query rows
  Vector<T> ln1_mean, ln1_rstd;
  Matrix<T> q, k, v;    // q at query rows [Q × d]; k, v at all rows [R × d] (after RoPE)
  std::vector<T> probs, scale;
  std::vector<QueryPos> qpos;
  std::vector<std::int32_t> qrows, qpos_t;  // query rows (indices into x) and their positions
  Matrix<T> z, o;       // head outputs concatenated, attention output [Q × d]
  Matrix<T> mpre, m;    // x[q] + o (post: before LN1), residual after attention
  Matrix<T> c;          // MLP input (LN2(m) for pre-LN, else m)
  Vector<T> ln2_mean, ln2_rstd;
  Matrix<T> hpre, hact; // MLP hidden before / after the activation [Q × d_mlp]
  Matrix<T> f;          // MLP output
  Matrix<T> ypre, y;    // m + f (post: before LN2), block output [Q × d]
};

/// Everything one shard needs: its rows, activations, gradient buffer and scratch. Reused across
/// steps so steady-state training allocates nothing.
template <class T>
struct ShardWork {
  Rows rows;
  std::vector<BlockCache<T>> blocks;
  Matrix<T> x0, hf, logits, dlogits, dh, dx, t1, t2, t3, t4, dq, dk, dv;
  Vector<T> lnf_mean, lnf_rstd;
  std::vector<T> grad, dscale;
  std::vector<std::uint8_t> correct;
  double loss_sum_nats = 0;
  RopeTable<T> rope;
  Matrix<T> sinus;                                // sinusoidal table [positions × d]
  std::vector<Matrix<T>> k_cache, v_cache;        // decoding: per layer [n_seq·capacity × d]
  std::int64_t cache_capacity = 0;
};

/// The model: configuration, parameter layout and values. Thread-safe for concurrent const use
/// with distinct ShardWork objects.
template <class T>
class Transformer {
  static_assert(std::is_floating_point_v<T>, "genlab::nn::Transformer<T>: T must be float or double");

 public:
  using Scalar = T;
  static constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);

  /// Builds the layout for `cfg` (validated) and initializes the weights from `seed`: tensor i
  /// of the layout draws from Philox stream (seed, i), so the initial weights depend only on
  /// (config, seed).
  explicit Transformer(const ModelConfig& cfg, std::uint64_t seed = 0) : cfg_(cfg) {
    cfg_.validate();
    build_layout();
    params_.assign(layout_.total(), T(0));
    initialize(seed);
  }

  const ModelConfig& config() const { return cfg_; }
  const ParameterLayout& layout() const { return layout_; }
  /// All parameters, flat, in layout order.
  std::vector<T>& parameters() { return params_; }
  const std::vector<T>& parameters() const { return params_; }
  /// Read/write view of the parameter called `name` (vectors are [n × 1]); throws for a bad name.
  MatrixMap<T> parameter(const std::string& name) { return view(params_.data(), layout_.info(name)); }
  ConstMatrixMap<T> parameter(const std::string& name) const { return view(params_.data(), layout_.info(name)); }
  std::size_t parameter_count() const { return layout_.total(); }

  /// Redraws every weight from `seed` (see the constructor); biases 0, LN gains 1, β_n 1.
  void initialize(std::uint64_t seed) {
    const double d = static_cast<double>(cfg_.d_model);
    for (std::size_t i = 0; i < layout_.infos().size(); ++i) {
      const ParameterInfo& p = layout_.infos()[i];
      T* x = params_.data() + p.offset;
      const std::string& n = p.name;
      auto ends = [&](const char* suf) {
        const std::string s(suf);
        return n.size() >= s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0;
      };
      if (ends(".length_scale") || ends("ln1.w") || ends("ln2.w") || ends("ln_final.w")) {
        std::fill(x, x + p.size, T(1));
      } else if (!p.is_matrix) {
        std::fill(x, x + p.size, T(0));
      } else {
        double sd = cfg_.init_std > 0 ? cfg_.init_std : 1.0 / std::sqrt(d);
        if (cfg_.init_std == 0 && n == "unembed.W_U") sd = 1.0 / std::sqrt(static_cast<double>(cfg_.vocab_size));
        core::Philox4x32 g = core::philox_stream(seed, i);
        for (std::size_t j = 0; j < p.size; ++j) x[j] = static_cast<T>(sd * core::normal_double(g));
      }
    }
  }

  // ---- forward / backward on one shard ---------------------------------------------------

  /// Forward pass over w.rows (set by the caller); fills w.logits at w.rows.out_rows.
  /// O(layers · R · (d² + d·d_mlp + R_seq·d)) with R the shard's rows.
  void forward(ShardWork<T>& w) const { forward_impl(w, nullptr, 0); }

  /// Backward pass after forward(): adds ∂L/∂θ into w.grad (sized and zeroed by the caller)
  /// given dlogits in w.dlogits.
  void backward(ShardWork<T>& w) const {
    const T* P = params_.data();
    T* G = w.grad.data();
    const Eigen::Index d = cfg_.d_model;
    // Unembedding.
    if (cfg_.tied_embeddings) {
      auto WE = cmap(P, off_W_E_, cfg_.vocab_size, d);
      linear_backward(w.dlogits, w.hf, WE.transpose(), mmap(G, off_W_E_, cfg_.vocab_size, d).transpose(),
                      bias_ptr(G, off_b_U_), &w.dh);
    } else {
      linear_backward(w.dlogits, w.hf, cmap(P, off_W_U_, d, cfg_.vocab_size), mmap(G, off_W_U_, d, cfg_.vocab_size),
                      bias_ptr(G, off_b_U_), &w.dh);
    }
    const std::size_t L = static_cast<std::size_t>(cfg_.n_layers);
    if (cfg_.norm == Norm::pre) {
      layernorm_backward(w.dh, w.blocks[L - 1].y, P + off_lnf_w_, w.lnf_mean, w.lnf_rstd, w.dx, G + off_lnf_w_,
                         G + off_lnf_b_, false);
    } else {
      w.dx = w.dh;
    }
    for (std::size_t l = L; l-- > 0;) block_backward(l, w);  // w.dx: dL/d(block output) -> dL/d(block input)
    // Embedding.
    const Eigen::Index R = w.rows.rows();
    for (Eigen::Index r = 0; r < R; ++r) {
      T* ge = G + off_W_E_ + static_cast<std::size_t>(w.rows.tokens[static_cast<std::size_t>(r)]) * d;
      const T* dxr = w.dx.data() + r * d;
      for (Eigen::Index c = 0; c < d; ++c) ge[c] += dxr[c];
      if (cfg_.positions == Positions::learned) {
        T* gp = G + off_W_pos_ + static_cast<std::size_t>(w.rows.pos[static_cast<std::size_t>(r)]) * d;
        for (Eigen::Index c = 0; c < d; ++c) gp[c] += dxr[c];
      }
    }
  }

  /// Forward + cross-entropy (+ backward when want_grad) on one shard. The loss contribution
  /// Σ −log p (nats, double) goes to w.loss_sum_nats; gradients of (Σ −log p) · grad_scale are
  /// ADDED to w.grad, which the caller sizes (parameter_count()) and zeroes.
  void loss_and_grad(ShardWork<T>& w, double grad_scale, bool want_grad) const {
    forward(w);
    w.correct.resize(w.rows.out_rows.size());
    w.loss_sum_nats = cross_entropy(w.logits, w.rows.targets.data(), grad_scale, want_grad ? &w.dlogits : nullptr,
                                    w.correct.data());
    if (!want_grad) return;
    core::require(w.grad.size() == layout_.total(), "genlab::nn::Transformer::loss_and_grad", "w.grad.size()",
                  w.grad.size(), "parameter_count() = " + std::to_string(layout_.total()));
    backward(w);
  }

  // ---- decoding with a KV cache ----------------------------------------------------------

  /// Prefill: runs the prompts in w.rows (Outputs::last) and stores every layer's keys and values
  /// in w's KV cache, with room for `capacity` positions per sequence. Logits of each prompt's
  /// last position land in w.logits.
  void prefill(ShardWork<T>& w, std::int64_t capacity) const {
    w.cache_capacity = capacity;
    w.k_cache.resize(static_cast<std::size_t>(cfg_.n_layers));
    w.v_cache.resize(static_cast<std::size_t>(cfg_.n_layers));
    for (auto& m : w.k_cache) m.setZero(w.rows.n_seq * capacity, cfg_.d_model);
    for (auto& m : w.v_cache) m.setZero(w.rows.n_seq * capacity, cfg_.d_model);
    forward_impl(w, &w.rows, 0);
  }

  /// One decoding step: token tokens[i] enters sequence seqs[i] at position positions[i]; its
  /// keys and values join the cache and w.logits row i receives the next-token logits. Equal to
  /// a full recompute of the grown sequences (tests/nn/decode_test.cpp). O(layers · (n·d² + n·pos·d)).
  void decode_step(ShardWork<T>& w, const std::vector<std::int32_t>& seqs, const std::vector<std::int32_t>& tokens,
                   const std::vector<std::int32_t>& positions) const {
    Rows step;
    step.n_seq = static_cast<std::int64_t>(seqs.size());
    step.len = 1;
    step.tokens = tokens;
    step.pos = positions;
    step.out_rows.resize(seqs.size());
    for (std::size_t i = 0; i < seqs.size(); ++i) {
      step.out_rows[i] = static_cast<std::int32_t>(i);
      core::require(cfg_.positions != Positions::learned || positions[i] < cfg_.max_seq_len,
                    "genlab::nn::Transformer::decode_step", "position", positions[i],
                    "< max_seq_len = " + std::to_string(cfg_.max_seq_len) + " with learned positions");
      core::require(positions[i] < w.cache_capacity, "genlab::nn::Transformer::decode_step", "position", positions[i],
                    "< the KV cache capacity " + std::to_string(w.cache_capacity));
    }
    std::swap(w.rows, step);
    forward_impl(w, nullptr, 1, &seqs);
    std::swap(w.rows, step);
  }

 private:
  struct BlockOffsets {
    std::size_t ln1_w = kAbsent, ln1_b = kAbsent, W_Q = kAbsent, b_Q = kAbsent, W_K = kAbsent, b_K = kAbsent,
                W_V = kAbsent, b_V = kAbsent, W_O = kAbsent, b_O = kAbsent, beta = kAbsent, ln2_w = kAbsent,
                ln2_b = kAbsent, W_in = kAbsent, b_in = kAbsent, W_out = kAbsent, b_out = kAbsent;
  };

  static MatrixMap<T> mmap(T* base, std::size_t off, Eigen::Index r, Eigen::Index c) { return MatrixMap<T>(base + off, r, c); }
  static ConstMatrixMap<T> cmap(const T* base, std::size_t off, Eigen::Index r, Eigen::Index c) {
    return ConstMatrixMap<T>(base + off, r, c);
  }
  static T* bias_ptr(T* base, std::size_t off) { return off == kAbsent ? nullptr : base + off; }
  static const T* bias_ptr(const T* base, std::size_t off) { return off == kAbsent ? nullptr : base + off; }

  void build_layout() {
    using S = std::size_t;
    const S V = static_cast<S>(cfg_.vocab_size), d = static_cast<S>(cfg_.d_model), f = static_cast<S>(cfg_.d_mlp);
    off_W_E_ = layout_.add("embed.W_E", {V, d});
    if (cfg_.positions == Positions::learned) off_W_pos_ = layout_.add("embed.W_pos", {static_cast<S>(cfg_.max_seq_len), d});
    for (std::int64_t l = 0; l < cfg_.n_layers; ++l) {
      const std::string p = "blocks." + std::to_string(l) + ".";
      BlockOffsets b;
      if (cfg_.norm != Norm::none) {
        b.ln1_w = layout_.add(p + "ln1.w", {d});
        b.ln1_b = layout_.add(p + "ln1.b", {d});
      }
      b.W_Q = layout_.add(p + "attn.W_Q", {d, d});
      if (cfg_.attn_bias) b.b_Q = layout_.add(p + "attn.b_Q", {d});
      b.W_K = layout_.add(p + "attn.W_K", {d, d});
      if (cfg_.attn_bias) b.b_K = layout_.add(p + "attn.b_K", {d});
      b.W_V = layout_.add(p + "attn.W_V", {d, d});
      if (cfg_.attn_bias) b.b_V = layout_.add(p + "attn.b_V", {d});
      b.W_O = layout_.add(p + "attn.W_O", {d, d});
      if (cfg_.attn_bias) b.b_O = layout_.add(p + "attn.b_O", {d});
      if (cfg_.attention_scale == AttentionScale::tempered)
        b.beta = layout_.add(p + "attn.length_scale", {static_cast<S>(cfg_.scale_length)});
      if (cfg_.norm != Norm::none) {
        b.ln2_w = layout_.add(p + "ln2.w", {d});
        b.ln2_b = layout_.add(p + "ln2.b", {d});
      }
      b.W_in = layout_.add(p + "mlp.W_in", {d, f});
      if (cfg_.mlp_bias) b.b_in = layout_.add(p + "mlp.b_in", {f});
      b.W_out = layout_.add(p + "mlp.W_out", {f, d});
      if (cfg_.mlp_bias) b.b_out = layout_.add(p + "mlp.b_out", {d});
      blocks_.push_back(b);
    }
    if (cfg_.norm == Norm::pre) {
      off_lnf_w_ = layout_.add("ln_final.w", {d});
      off_lnf_b_ = layout_.add("ln_final.b", {d});
    }
    if (!cfg_.tied_embeddings) off_W_U_ = layout_.add("unembed.W_U", {d, V});
    if (cfg_.unembed_bias) off_b_U_ = layout_.add("unembed.b_U", {V});
  }

 public:
  /// The tempered-softmax β for a query that sees n keys, as Σ_m coef_m · β_m over the learned
  /// table β_1..β_L: the table entry itself for n ≤ L, else the least-squares line through
  /// (log m, β_m), m = 2..L, evaluated at log n. Returns (index, coefficient) pairs.
  std::vector<std::pair<std::int64_t, double>> length_scale_coefficients(std::int64_t n) const {
    const std::int64_t L = cfg_.scale_length;
    if (n <= L) return {{n - 1, 1.0}};
    const double K = static_cast<double>(L - 1);
    double xbar = 0, sxx = 0;
    for (std::int64_t m = 2; m <= L; ++m) xbar += std::log(static_cast<double>(m));
    xbar /= K;
    for (std::int64_t m = 2; m <= L; ++m) sxx += (std::log(static_cast<double>(m)) - xbar) * (std::log(static_cast<double>(m)) - xbar);
    const double xn = std::log(static_cast<double>(n)) - xbar;
    std::vector<std::pair<std::int64_t, double>> c;
    for (std::int64_t m = 2; m <= L; ++m) c.emplace_back(m - 1, 1.0 / K + (std::log(static_cast<double>(m)) - xbar) * xn / sxx);
    return c;
  }

  /// The attention logit multiplier of layer `layer` for a query that sees n keys (includes
  /// 1/√d_head).
  T attention_scale(std::size_t layer, std::int64_t n) const {
    const double inv = 1.0 / std::sqrt(static_cast<double>(cfg_.d_head()));
    switch (cfg_.attention_scale) {
      case AttentionScale::inv_sqrt_d: return static_cast<T>(inv);
      case AttentionScale::log_n:
        return static_cast<T>(inv * std::log(static_cast<double>(n)) / std::log(static_cast<double>(cfg_.scale_length)));
      default: {
        const T* beta = params_.data() + blocks_[layer].beta;
        if (n <= cfg_.scale_length) return static_cast<T>(inv) * beta[n - 1];
        double s = 0;
        for (const auto& [m, coef] : length_scale_coefficients(n)) s += coef * static_cast<double>(beta[m]);
        return static_cast<T>(inv * s);
      }
    }
  }

 private:
  void embed(ShardWork<T>& w) const {
    const Rows& rows = w.rows;
    const Eigen::Index R = rows.rows(), d = cfg_.d_model;
    const T* P = params_.data();
    w.x0.resize(R, d);
    if (cfg_.positions == Positions::sinusoidal) {
      std::int64_t need = 0;
      for (auto p : rows.pos) need = std::max<std::int64_t>(need, p + 1);
      if (w.sinus.rows() < need) {
        w.sinus.resize(need, d);
        for (std::int64_t t = 0; t < need; ++t)
          for (Eigen::Index c = 0; c < d; ++c) w.sinus(t, c) = static_cast<T>(sinusoid(t, c, d));
      }
    }
    for (Eigen::Index r = 0; r < R; ++r) {
      const T* e = P + off_W_E_ + static_cast<std::size_t>(rows.tokens[static_cast<std::size_t>(r)]) * d;
      T* xr = w.x0.data() + r * d;
      const std::int32_t t = rows.pos[static_cast<std::size_t>(r)];
      if (cfg_.positions == Positions::learned) {
        const T* pe = P + off_W_pos_ + static_cast<std::size_t>(t) * d;
        for (Eigen::Index c = 0; c < d; ++c) xr[c] = e[c] + pe[c];
      } else if (cfg_.positions == Positions::sinusoidal) {
        const T* pe = w.sinus.data() + t * d;
        for (Eigen::Index c = 0; c < d; ++c) xr[c] = e[c] + pe[c];
      } else {
        for (Eigen::Index c = 0; c < d; ++c) xr[c] = e[c];
      }
    }
  }

  static void gather(const Matrix<T>& x, const std::vector<std::int32_t>& idx, Matrix<T>& out) {
    out.resize(static_cast<Eigen::Index>(idx.size()), x.cols());
    for (std::size_t i = 0; i < idx.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = x.row(idx[i]);
  }

  // mode 0: full forward over w.rows (cache != nullptr: prefill, also write keys/values into the
  // KV cache). mode 1: a decoding step, keys/values appended to and read from the KV cache.
  void forward_impl(ShardWork<T>& w, const Rows* prefill_rows, int mode,
                    const std::vector<std::int32_t>* step_seqs = nullptr) const {
    const Rows& rows = w.rows;
    const std::size_t L = static_cast<std::size_t>(cfg_.n_layers);
    w.blocks.resize(L);
    if (cfg_.positions == Positions::rope) {
      std::int64_t need = 0;
      for (auto p : rows.pos) need = std::max<std::int64_t>(need, p + 1);
      w.rope.ensure(need, cfg_.d_head(), cfg_.rope_base);
    }
    embed(w);
    const Eigen::Index R = rows.rows();
    for (std::size_t l = 0; l < L; ++l) {
      BlockCache<T>& bc = w.blocks[l];
      if (l == 0) bc.x = w.x0; else bc.x = w.blocks[l - 1].y;
      // Query rows: every row, except in the last block where only the outputs are needed.
      bc.qrows.clear();
      if (l + 1 == L) {
        bc.qrows = rows.out_rows;
      } else {
        bc.qrows.resize(static_cast<std::size_t>(R));
        for (Eigen::Index r = 0; r < R; ++r) bc.qrows[static_cast<std::size_t>(r)] = static_cast<std::int32_t>(r);
      }
      bc.qpos.resize(bc.qrows.size());
      bc.qpos_t.resize(bc.qrows.size());
      for (std::size_t i = 0; i < bc.qrows.size(); ++i) {
        const std::int32_t r = bc.qrows[i];
        bc.qpos[i].seq = mode == 1 ? (*step_seqs)[static_cast<std::size_t>(r)] : static_cast<std::int32_t>(r / rows.len);
        bc.qpos[i].pos = rows.pos[static_cast<std::size_t>(r)];
        bc.qpos_t[i] = rows.pos[static_cast<std::size_t>(r)];
      }
      block_forward(l, w, prefill_rows != nullptr, mode, step_seqs);
    }
    const Matrix<T>& y = w.blocks[L - 1].y;
    const T* P = params_.data();
    const Eigen::Index d = cfg_.d_model;
    if (cfg_.norm == Norm::pre) {
      layernorm_forward(y, P + off_lnf_w_, P + off_lnf_b_, static_cast<T>(cfg_.ln_eps), w.hf, w.lnf_mean, w.lnf_rstd);
    } else {
      w.hf = y;
    }
    if (cfg_.tied_embeddings) {
      linear_forward(w.hf, cmap(P, off_W_E_, cfg_.vocab_size, d).transpose(), bias_ptr(P, off_b_U_), w.logits);
    } else {
      linear_forward(w.hf, cmap(P, off_W_U_, d, cfg_.vocab_size), bias_ptr(P, off_b_U_), w.logits);
    }
  }

  void block_forward(std::size_t l, ShardWork<T>& w, bool prefill, int mode,
                     const std::vector<std::int32_t>* step_seqs) const {
    BlockCache<T>& bc = w.blocks[l];
    const BlockOffsets& o = blocks_[l];
    const T* P = params_.data();
    const Eigen::Index d = cfg_.d_model, f = cfg_.d_mlp;
    const T eps = static_cast<T>(cfg_.ln_eps);
    const Rows& rows = w.rows;
    if (cfg_.norm == Norm::pre) layernorm_forward(bc.x, P + o.ln1_w, P + o.ln1_b, eps, bc.a, bc.ln1_mean, bc.ln1_rstd);
    else bc.a = bc.x;
    gather(bc.a, bc.qrows, bc.aq);
    linear_forward(bc.aq, cmap(P, o.W_Q, d, d), bias_ptr(P, o.b_Q), bc.q);
    linear_forward(bc.a, cmap(P, o.W_K, d, d), bias_ptr(P, o.b_K), bc.k);
    linear_forward(bc.a, cmap(P, o.W_V, d, d), bias_ptr(P, o.b_V), bc.v);
    if (cfg_.positions == Positions::rope) {
      rope_apply(bc.q, bc.qpos_t.data(), cfg_.n_heads, w.rope, false);
      rope_apply(bc.k, rows.pos.data(), cfg_.n_heads, w.rope, false);
    }
    bc.scale.resize(bc.qrows.size());
    for (std::size_t i = 0; i < bc.qrows.size(); ++i) bc.scale[i] = attention_scale(l, bc.qpos[i].pos + 1);
    std::int64_t max_keys = 0;
    for (const auto& qp : bc.qpos) max_keys = std::max<std::int64_t>(max_keys, qp.pos + 1);
    if (prefill || mode == 1) {
      // Keys and values go to the KV cache at (sequence, position); attention reads the cache.
      Matrix<T>& kc = w.k_cache[l];
      Matrix<T>& vc = w.v_cache[l];
      const std::int64_t cap = w.cache_capacity;
      for (Eigen::Index r = 0; r < rows.rows(); ++r) {
        const std::int64_t seq = mode == 1 ? (*step_seqs)[static_cast<std::size_t>(r)] : r / rows.len;
        const std::int64_t t = rows.pos[static_cast<std::size_t>(r)];
        if (t >= cap) continue;
        kc.row(seq * cap + t) = bc.k.row(r);
        vc.row(seq * cap + t) = bc.v.row(r);
      }
      attention_forward(bc.q, kc, vc, bc.qpos, cap, cfg_.n_heads, bc.scale.data(), bc.z, bc.probs, max_keys);
    } else {
      attention_forward(bc.q, bc.k, bc.v, bc.qpos, rows.len, cfg_.n_heads, bc.scale.data(), bc.z, bc.probs, max_keys);
    }
    linear_forward(bc.z, cmap(P, o.W_O, d, d), bias_ptr(P, o.b_O), bc.o);
    gather(bc.x, bc.qrows, bc.mpre);
    bc.mpre += bc.o;
    if (cfg_.norm == Norm::post) layernorm_forward(bc.mpre, P + o.ln1_w, P + o.ln1_b, eps, bc.m, bc.ln1_mean, bc.ln1_rstd);
    else bc.m = bc.mpre;
    if (cfg_.norm == Norm::pre) layernorm_forward(bc.m, P + o.ln2_w, P + o.ln2_b, eps, bc.c, bc.ln2_mean, bc.ln2_rstd);
    else bc.c = bc.m;
    linear_forward(bc.c, cmap(P, o.W_in, d, f), bias_ptr(P, o.b_in), bc.hpre);
    activation_forward(cfg_.activation, bc.hpre, bc.hact);
    linear_forward(bc.hact, cmap(P, o.W_out, f, d), bias_ptr(P, o.b_out), bc.f);
    bc.ypre = bc.m + bc.f;
    if (cfg_.norm == Norm::post) layernorm_forward(bc.ypre, P + o.ln2_w, P + o.ln2_b, eps, bc.y, bc.ln2_mean, bc.ln2_rstd);
    else bc.y = bc.ypre;
  }

  // On entry w.dx = dL/dy (block output, [Q × d]); on exit w.dx = dL/dx (block input, [R × d]).
  void block_backward(std::size_t l, ShardWork<T>& w) const {
    BlockCache<T>& bc = w.blocks[l];
    const BlockOffsets& o = blocks_[l];
    const T* P = params_.data();
    T* G = w.grad.data();
    const Eigen::Index d = cfg_.d_model, f = cfg_.d_mlp;
    const Eigen::Index R = bc.x.rows();
    Matrix<T>& dm = w.t1;  // dL/dm, then dL/dmpre
    if (cfg_.norm == Norm::post) {
      layernorm_backward(w.dx, bc.ypre, P + o.ln2_w, bc.ln2_mean, bc.ln2_rstd, dm, G + o.ln2_w, G + o.ln2_b, false);
    } else {
      dm = w.dx;
    }
    // MLP: df = dm (residual branch).
    Matrix<T>& dh = w.t2;
    linear_backward(dm, bc.hact, cmap(P, o.W_out, f, d), mmap(G, o.W_out, f, d), bias_ptr(G, o.b_out), &dh);
    activation_backward(cfg_.activation, dh, bc.hpre, dh);
    Matrix<T>& dc = w.t3;
    linear_backward(dh, bc.c, cmap(P, o.W_in, d, f), mmap(G, o.W_in, d, f), bias_ptr(G, o.b_in), &dc);
    if (cfg_.norm == Norm::pre) {
      layernorm_backward(dc, bc.m, P + o.ln2_w, bc.ln2_mean, bc.ln2_rstd, dm, G + o.ln2_w, G + o.ln2_b, true);
    } else {
      dm += dc;
    }
    if (cfg_.norm == Norm::post) {
      w.t4 = dm;
      layernorm_backward(w.t4, bc.mpre, P + o.ln1_w, bc.ln1_mean, bc.ln1_rstd, dm, G + o.ln1_w, G + o.ln1_b, false);
    }
    // dm is now dL/dmpre = dL/do and the residual's gradient at the query rows.
    Matrix<T>& dz = w.t2;
    linear_backward(dm, bc.z, cmap(P, o.W_O, d, d), mmap(G, o.W_O, d, d), bias_ptr(G, o.b_O), &dz);
    Matrix<T>& dq = w.dq;
    Matrix<T>& dk = w.dk;
    Matrix<T>& dv = w.dv;
    dk.setZero(R, d);
    dv.setZero(R, d);
    const bool tempered = cfg_.attention_scale == AttentionScale::tempered;
    w.dscale.assign(bc.qrows.size(), T(0));
    attention_backward(dz, bc.q, bc.k, bc.v, bc.qpos, w.rows.len, cfg_.n_heads, bc.scale.data(), bc.probs,
                       static_cast<std::int64_t>(bc.probs.size() / std::max<std::size_t>(1, bc.qrows.size() * static_cast<std::size_t>(cfg_.n_heads))),
                       dq, dk, dv, tempered ? w.dscale.data() : nullptr);
    if (tempered) {
      const double inv = 1.0 / std::sqrt(static_cast<double>(cfg_.d_head()));
      T* gb = G + o.beta;
      for (std::size_t i = 0; i < bc.qrows.size(); ++i)
        for (const auto& [m, coef] : length_scale_coefficients(bc.qpos[i].pos + 1))
          gb[m] += static_cast<T>(coef * inv) * w.dscale[i];
    }
    if (cfg_.positions == Positions::rope) {
      rope_apply(dq, bc.qpos_t.data(), cfg_.n_heads, w.rope, true);
      rope_apply(dk, w.rows.pos.data(), cfg_.n_heads, w.rope, true);
    }
    Matrix<T>& da = w.t3;
    Matrix<T>& tmp = w.t2;
    linear_backward(dk, bc.a, cmap(P, o.W_K, d, d), mmap(G, o.W_K, d, d), bias_ptr(G, o.b_K), &da);
    linear_backward(dv, bc.a, cmap(P, o.W_V, d, d), mmap(G, o.W_V, d, d), bias_ptr(G, o.b_V), &da, true);
    if (static_cast<Eigen::Index>(bc.qrows.size()) == R) {  // queries at every row (qrows = 0..R−1)
      linear_backward(dq, bc.aq, cmap(P, o.W_Q, d, d), mmap(G, o.W_Q, d, d), bias_ptr(G, o.b_Q), &da, true);
    } else {
      linear_backward(dq, bc.aq, cmap(P, o.W_Q, d, d), mmap(G, o.W_Q, d, d), bias_ptr(G, o.b_Q), &tmp);
      for (std::size_t i = 0; i < bc.qrows.size(); ++i) da.row(bc.qrows[i]) += tmp.row(static_cast<Eigen::Index>(i));
    }
    Matrix<T>& dx = w.dx;
    if (cfg_.norm == Norm::pre) {
      layernorm_backward(da, bc.x, P + o.ln1_w, bc.ln1_mean, bc.ln1_rstd, dx, G + o.ln1_w, G + o.ln1_b, false);
    } else {
      dx = da;
    }
    for (std::size_t i = 0; i < bc.qrows.size(); ++i) dx.row(bc.qrows[i]) += dm.row(static_cast<Eigen::Index>(i));
  }

  ModelConfig cfg_;
  ParameterLayout layout_;
  std::vector<T> params_;
  std::vector<BlockOffsets> blocks_;
  std::size_t off_W_E_ = kAbsent, off_W_pos_ = kAbsent, off_lnf_w_ = kAbsent, off_lnf_b_ = kAbsent,
              off_W_U_ = kAbsent, off_b_U_ = kAbsent;
};

}  // namespace genlab::nn

#endif  // GENLAB_NN_TRANSFORMER_HPP
