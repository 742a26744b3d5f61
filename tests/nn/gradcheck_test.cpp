// Whole-model finite-difference gradient checks in double: every combination of normalization,
// positions, attention scaling, activation, biases and embedding tying (288 models), on a batch
// of variable-length sequences cut into several shards.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "genlab/nn/batch.hpp"
#include "test_util.hpp"

using namespace genlab::nn;

namespace {

// The ReLU on/off pattern of every MLP unit in every shard: the loss is smooth in a parameter
// only while this pattern stays fixed, so a stencil that changes it straddles a kink and its
// finite difference means nothing (such entries are redrawn or skipped, and counted).
std::vector<bool> relu_pattern(const Workspace<double>& ws, std::size_t shards) {
  std::vector<bool> p;
  for (std::size_t s = 0; s < shards; ++s)
    for (const auto& b : ws.shards[s].blocks)
      for (Eigen::Index i = 0; i < b.hpre.size(); ++i) p.push_back(b.hpre.data()[i] > 0);
  return p;
}

// Relative error ||g − fd|| / max(||g||, ||fd||) over entries of each tensor (per_tensor sampled
// entries, or all when per_tensor <= 0), the finite difference a 5-point central stencil.
// Returns the worst tensor's error and name; `skipped` counts entries whose stencil crossed a
// ReLU kink.
double max_rel_error(Transformer<double>& m, const std::vector<genlab::core::Sequence>& data, int per_tensor,
                     std::uint64_t seed, std::string& worst_name, int* skipped = nullptr) {
  Workspace<double> ws;
  ws.rows_per_shard = 9;  // several shards, so the reduction is exercised too
  ws.slots = 1000;        // one shard per slot: relu_pattern sees every shard's activations
  std::vector<std::size_t> idx(data.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  const std::size_t shards = shard_bounds(data, idx, ws.rows_per_shard).size() - 1;
  std::vector<double> grad;
  batch_loss_and_grad(m, data, idx, &grad, ws);
  const std::vector<bool> base = relu_pattern(ws, shards);
  const bool relu = m.config().activation == Activation::relu;
  auto g = genlab::core::philox_stream(seed, 7);
  double worst = 0;
  const double h = 1e-4;
  for (const auto& p : m.layout().infos()) {
    double num = 0, den_a = 0, den_f = 0;
    const int n = per_tensor <= 0 ? static_cast<int>(p.size) : per_tensor;
    for (int k = 0, tries = 0; k < n && tries < 50 * n; ++tries) {
      const std::size_t e = p.offset + (per_tensor <= 0 ? static_cast<std::size_t>(k)
                                                        : genlab::core::uniform_index(g, static_cast<std::uint32_t>(p.size)));
      double& x = m.parameters()[e];
      const double x0 = x;
      bool smooth = true;
      auto loss_at = [&](double v) {
        x = v;
        const double l = batch_loss_and_grad(m, data, idx, static_cast<std::vector<double>*>(nullptr), ws).loss_nats;
        if (relu && relu_pattern(ws, shards) != base) smooth = false;
        return l;
      };
      const double fd = (8 * (loss_at(x0 + h) - loss_at(x0 - h)) - (loss_at(x0 + 2 * h) - loss_at(x0 - 2 * h))) / (12 * h);
      x = x0;
      if (!smooth) {
        if (skipped) ++*skipped;
        if (per_tensor <= 0) ++k;
        continue;
      }
      ++k;
      num += (fd - grad[e]) * (fd - grad[e]);
      den_a += grad[e] * grad[e];
      den_f += fd * fd;
    }
    // Gradients that vanish identically (b_K without RoPE: softmax is shift invariant) are
    // compared in absolute terms: the floor makes the tolerance 1e-9 absolute below 1e-3.
    const double rel = std::sqrt(num) / std::max(std::sqrt(std::max(den_a, den_f)), 1e-3);
    if (rel > worst) {
      worst = rel;
      worst_name = p.name;
    }
  }
  return worst;
}

ModelConfig tiny(Norm norm, Positions pos, AttentionScale sc, Activation act, bool bias, bool tied) {
  ModelConfig c;
  c.vocab_size = 7;
  c.max_seq_len = 8;
  c.n_layers = 2;
  c.d_model = 8;
  c.n_heads = 2;
  c.d_mlp = 12;
  c.norm = norm;
  c.positions = pos;
  c.attention_scale = sc;
  c.scale_length = 3;  // sequences are longer: the log-n rule and the β extrapolation are exercised
  c.activation = act;
  c.attn_bias = bias;
  c.mlp_bias = bias;
  c.unembed_bias = bias;
  c.tied_embeddings = tied;
  c.init_std = 0.35;
  return c;
}

}  // namespace

TEST_CASE("whole-model gradients match finite differences in every configuration") {
  const auto data = nntest::random_sequences(4, 7, 2, 7, 11);
  const Norm norms[] = {Norm::none, Norm::pre, Norm::post};
  const Positions poss[] = {Positions::none, Positions::learned, Positions::sinusoidal, Positions::rope};
  const AttentionScale scales[] = {AttentionScale::inv_sqrt_d, AttentionScale::log_n, AttentionScale::tempered};
  const Activation acts[] = {Activation::relu, Activation::gelu};
  int models = 0;
  std::uint64_t seed = 1;
  for (auto norm : norms)
    for (auto pos : poss)
      for (auto sc : scales)
        for (auto act : acts)
          for (int bias = 0; bias < 2; ++bias)
            for (int tied = 0; tied < 2; ++tied) {
              const ModelConfig cfg = tiny(norm, pos, sc, act, bias != 0, tied != 0);
              Transformer<double> m(cfg, seed);
              nntest::perturb(m, 0.2, seed);
              std::string worst_name;
              const double err = max_rel_error(m, data, 1, seed, worst_name);
              INFO("norm=" << to_string(norm) << " pos=" << to_string(pos) << " scale=" << to_string(sc)
                           << " act=" << to_string(act) << " bias=" << bias << " tied=" << tied << " worst tensor "
                           << worst_name << " rel err " << err);
              CHECK(err <= 1e-6);
              ++seed;
              ++models;
            }
  CHECK(models == 288);
}

TEST_CASE("every gradient entry of a pre-LN RoPE tempered model and of Nanda's model matches finite differences") {
  const auto data = nntest::random_sequences(4, 7, 3, 7, 5);
  std::string worst;
  {
    Transformer<double> m(tiny(Norm::pre, Positions::rope, AttentionScale::tempered, Activation::gelu, true, false), 3);
    nntest::perturb(m, 0.2, 3);
    const double err = max_rel_error(m, data, 0, 1, worst);
    INFO("worst tensor " << worst);
    CHECK(err <= 1e-6);
  }
  {
    ModelConfig c = nanda_grokking_config(5);
    c.d_model = 8;
    c.n_heads = 2;
    c.d_mlp = 16;
    c.max_seq_len = 3;
    std::vector<genlab::core::Sequence> seqs;
    for (int a = 0; a < 5; ++a)
      for (int b = 0; b < 5; b += 2) seqs.push_back(genlab::core::make_sequence({a, b, 5}, {(a + b) % 5}));
    Transformer<double> m(c, 4);
    nntest::perturb(m, 0.1, 4);
    int skipped = 0;
    const double err = max_rel_error(m, seqs, 0, 2, worst, &skipped);
    INFO("worst tensor " << worst << ", entries skipped at ReLU kinks: " << skipped);
    CHECK(err <= 1e-6);
    CHECK(skipped < static_cast<int>(m.parameter_count() / 20));
  }
}
