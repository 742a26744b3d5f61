#ifndef GENLAB_TESTS_NN_REFERENCE_MODELS_HPP
#define GENLAB_TESTS_NN_REFERENCE_MODELS_HPP
// The small double-precision models, batches and optimizer settings that genlab and PyTorch are
// compared on. Shared by bench/nn/nn_bench.cpp (which dumps them for bench/nn/torch_peer.py) and
// tests/nn/pytorch_reference_test.cpp (which checks genlab against PyTorch's committed outputs in
// tests/data/nn/<config>/, written by `torch_peer.py export`).

#include <stdexcept>
#include <string>
#include <vector>

#include "genlab/core/random.hpp"
#include "genlab/core/sequence.hpp"
#include "genlab/nn/adamw.hpp"
#include "genlab/nn/config.hpp"
#include "genlab/nn/transformer.hpp"

namespace genlab::nn::reference {

/// Nanda et al.'s data: all (a, b) mod p shuffled with a seed, the first frac as training set;
/// sequence a b = c with the loss on c.
inline std::vector<core::Sequence> nanda_data(int p, double frac, std::uint64_t seed) {
  std::vector<core::Sequence> all;
  for (int a = 0; a < p; ++a)
    for (int b = 0; b < p; ++b) all.push_back(core::make_sequence({a, b, p}, {(a + b) % p}));
  auto g = core::philox_stream(seed, 0);
  core::shuffle(all.begin(), all.end(), g);
  all.resize(static_cast<std::size_t>(frac * static_cast<double>(all.size())));  // int(0.3·p²) = 3830, as Nanda
  return all;
}

/// nanda (Nanda's exact model), prerope (2-layer pre-LN RoPE GELU), post (Power's post-LN tied
/// layout), tempered (learned length-dependent scale), logn (fixed log-n scale).
inline ModelConfig config(const std::string& which) {
  ModelConfig c;
  if (which == "nanda") return nanda_grokking_config(113);
  c.vocab_size = 11;
  c.max_seq_len = 12;
  c.n_layers = 2;
  c.d_model = 32;
  c.n_heads = 4;
  c.d_mlp = 64;
  c.init_std = 0.3;
  c.attn_bias = c.mlp_bias = c.unembed_bias = true;
  if (which == "prerope") {
    c.norm = Norm::pre;
    c.positions = Positions::rope;
    c.activation = Activation::gelu;
  } else if (which == "post") {
    c.norm = Norm::post;
    c.positions = Positions::sinusoidal;
    c.tied_embeddings = true;
  } else if (which == "tempered") {
    c.norm = Norm::pre;
    c.positions = Positions::none;
    c.attention_scale = AttentionScale::tempered;
    c.scale_length = 6;  // longer sequences exercise the log-linear extrapolation
    c.activation = Activation::gelu;
  } else if (which == "logn") {
    c.norm = Norm::none;
    c.positions = Positions::learned;
    c.attention_scale = AttentionScale::log_n;
    c.scale_length = 6;
  } else {
    throw std::invalid_argument("genlab::nn::reference::config: unknown config \"" + which + "\"");
  }
  return c;
}

/// The batch: 256 of Nanda's training equations, or 24 random 6 + 5 token sequences (equal
/// lengths, so the peer needs no padding logic; answers graded).
inline std::vector<core::Sequence> data(const std::string& which) {
  if (which == "nanda") {
    auto d = nanda_data(113, 0.3, 0);
    d.resize(256);
    return d;
  }
  std::vector<core::Sequence> out;
  auto g = core::philox_stream(5, 0);
  for (int i = 0; i < 24; ++i) {
    std::vector<core::Token> p(6), a(5);
    for (auto& t : p) t = static_cast<core::Token>(core::uniform_index(g, 11));
    for (auto& t : a) t = static_cast<core::Token>(core::uniform_index(g, 11));
    out.push_back(core::make_sequence(p, a));
  }
  return out;
}

/// The model: initialized with seed 17, then every non-matrix parameter (biases, gains, β)
/// perturbed so that none sits at its initial value.
inline Transformer<double> model(const std::string& which) {
  Transformer<double> m(config(which), 17);
  auto g = core::philox_stream(18, 0);
  for (const auto& p : m.layout().infos())
    if (!p.is_matrix)
      for (std::size_t i = 0; i < p.size; ++i) m.parameters()[p.offset + i] += 0.1 * core::normal_double(g);
  return m;
}

/// The 10 compared AdamW steps: lr 1e-2, wd 0.5, 3 warmup steps, clipping at global norm 1.
inline AdamWConfig optimizer() {
  AdamWConfig oc;
  oc.lr = 1e-2;
  oc.weight_decay = 0.5;
  oc.warmup_steps = 3;
  oc.grad_clip = 1.0;
  return oc;
}

}  // namespace genlab::nn::reference

#endif  // GENLAB_TESTS_NN_REFERENCE_MODELS_HPP
