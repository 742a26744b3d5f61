// KV-cache decoding against full recomputation, probes, and the minGPT sorting smoke test.
#include <catch2/catch.hpp>

#include <cmath>

#include "genlab/nn.hpp"
#include "test_util.hpp"

using namespace genlab::nn;
using genlab::core::Token;

namespace {

// The oracle: greedy decoding by re-running the whole model on the grown sequence every step.
std::vector<std::vector<Token>> recompute_generate(const Transformer<double>& m, const std::vector<std::vector<Token>>& prompts,
                                                   int n_new, std::vector<Matrix<double>>* step_logits) {
  std::vector<std::vector<Token>> out(prompts.size());
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    std::vector<Token> seq = prompts[i];
    for (int k = 0; k < n_new; ++k) {
      const Activations<double> a = run_with_activations(m, {seq});
      const Eigen::Index last = static_cast<Eigen::Index>(seq.size()) - 1;
      Eigen::Index am = 0;
      for (Eigen::Index c = 1; c < a.logits.cols(); ++c)
        if (a.logits(last, c) > a.logits(last, am)) am = c;
      if (step_logits) step_logits->push_back(a.logits.row(last));
      seq.push_back(static_cast<Token>(am));
      out[i].push_back(static_cast<Token>(am));
    }
  }
  return out;
}

ModelConfig decode_config(Norm norm, Positions pos, AttentionScale sc) {
  ModelConfig c;
  c.vocab_size = 9;
  c.max_seq_len = 16;
  c.n_layers = 2;
  c.d_model = 16;
  c.n_heads = 4;
  c.d_mlp = 24;
  c.norm = norm;
  c.positions = pos;
  c.attention_scale = sc;
  c.scale_length = 4;
  c.init_std = 0.6;  // peaked logits: argmax ties are unlikely
  return c;
}

}  // namespace

TEST_CASE("greedy decoding with a KV cache equals full recomputation") {
  const std::vector<std::vector<Token>> prompts = {{1, 2, 3}, {4}, {5, 6, 7, 8, 0, 1}, {2, 2}};
  const int n_new = 7;
  for (auto norm : {Norm::none, Norm::pre, Norm::post})
    for (auto pos : {Positions::none, Positions::learned, Positions::sinusoidal, Positions::rope})
      for (auto sc : {AttentionScale::inv_sqrt_d, AttentionScale::tempered}) {
        Transformer<double> m(decode_config(norm, pos, sc), 3);
        nntest::perturb(m, 0.3, 4);
        Workspace<double> ws;
        ws.rows_per_shard = 12;  // several shards of prompts
        const auto cached = greedy_generate(m, prompts, std::vector<std::int64_t>(prompts.size(), n_new), ws);
        const auto oracle = recompute_generate(m, prompts, n_new, nullptr);
        INFO("norm=" << to_string(norm) << " pos=" << to_string(pos) << " scale=" << to_string(sc));
        CHECK(cached == oracle);
      }
}

TEST_CASE("decode_step logits equal the recomputed logits to rounding") {
  Transformer<double> m(decode_config(Norm::pre, Positions::rope, AttentionScale::log_n), 8);
  const std::vector<Token> prompt = {3, 1, 4, 1};
  std::vector<Matrix<double>> oracle_logits;
  const auto oracle = recompute_generate(m, {prompt}, 5, &oracle_logits);
  ShardWork<double> w;
  w.rows.n_seq = 1;
  w.rows.len = 4;
  w.rows.tokens = {3, 1, 4, 1};
  w.rows.pos = {0, 1, 2, 3};
  w.rows.out_rows = {3};
  m.prefill(w, 9);
  CHECK((w.logits.row(0) - oracle_logits[0].row(0)).cwiseAbs().maxCoeff() < 1e-12);
  for (int k = 1; k < 5; ++k) {
    m.decode_step(w, {0}, {oracle[0][static_cast<std::size_t>(k - 1)]}, {3 + k});
    CHECK((w.logits.row(0) - oracle_logits[static_cast<std::size_t>(k)].row(0)).cwiseAbs().maxCoeff() < 1e-12);
  }
}

TEST_CASE("probes expose attention patterns, residual stream and MLP activations consistently") {
  ModelConfig c = decode_config(Norm::none, Positions::learned, AttentionScale::inv_sqrt_d);
  Transformer<double> m(c, 5);
  const Activations<double> a = run_with_activations(m, {{1, 2, 3, 4}, {5, 6}});
  REQUIRE(a.pattern.size() == 2);
  for (std::int64_t b = 0; b < 2; ++b)
    for (std::int64_t h = 0; h < 4; ++h)
      for (std::int64_t q = 0; q < 4; ++q) {
        double s = 0;
        for (std::int64_t k = 0; k < 4; ++k) s += a.attention(1, b, h, q, k);
        CHECK(s == Approx(1.0));
        if (q < 3) CHECK(a.attention(0, b, h, q, q + 1) == 0.0);
      }
  // No LN: resid_post = resid_mid + MLP; resid_mid = resid_pre + attention output; logits = resid · W_U.
  Matrix<double> logits = a.resid_post[1] * m.parameter("unembed.W_U");
  CHECK((logits - a.logits).cwiseAbs().maxCoeff() < 1e-12);
  CHECK((a.resid_mid[0] - a.resid_pre[0] - a.attn_out[0]).cwiseAbs().maxCoeff() < 1e-12);
  Matrix<double> mlp = a.mlp_post[0] * m.parameter("blocks.0.mlp.W_out");
  mlp.rowwise() += Eigen::RowVectorXd(m.parameter("blocks.0.mlp.b_out").transpose());
  CHECK((a.resid_post[0] - a.resid_mid[0] - mlp).cwiseAbs().maxCoeff() < 1e-12);
  // Writing a parameter by name changes the model: zeroing W_U zeroes the logits.
  m.parameter("unembed.W_U").setZero();
  CHECK(run_with_activations(m, {{1, 2}}).logits.cwiseAbs().maxCoeff() == 0.0);
}

TEST_CASE("a 2-layer model learns to sort length-6 lists over 3 values (minGPT demo) to 100% exact match") {
  // minGPT's demo: input 6 digits in {0,1,2}, output them sorted; loss on the output only.
  auto make = [](std::uint64_t seed, int n) {
    auto g = genlab::core::philox_stream(seed, 0);
    std::vector<genlab::core::Sequence> out;
    for (int i = 0; i < n; ++i) {
      std::vector<Token> x(6);
      for (auto& t : x) t = static_cast<Token>(genlab::core::uniform_index(g, 3));
      std::vector<Token> y = x;
      std::sort(y.begin(), y.end());
      out.push_back(genlab::core::make_sequence(x, y));
    }
    return out;
  };
  const auto train = make(1, 3000), test = make(2, 300);
  ModelConfig c;
  c.vocab_size = 3;
  c.max_seq_len = 11;
  c.n_layers = 2;
  c.d_model = 32;
  c.n_heads = 2;
  c.d_mlp = 64;
  c.norm = Norm::pre;
  c.positions = Positions::learned;
  c.activation = Activation::gelu;
  c.attn_bias = c.mlp_bias = true;
  c.init_std = 0.02;
  Transformer<float> m(c, 1);
  AdamWConfig oc;
  oc.lr = 3e-3;
  oc.beta2 = 0.99;
  oc.weight_decay = 0.01;
  oc.warmup_steps = 20;
  TrainConfig tc;
  tc.steps = 2000;
  tc.batch_size = 64;
  tc.eval_every = 100;
  Trainer<float> t(m, oc, tc);
  t.add_eval("test", test);
  t.on_eval([](std::int64_t, genlab::core::Json& row, const Transformer<float>&) {
    return row.at("test_exact_match").get<double>() < 1.0;  // stop once solved
  });
  const TrainResult r = t.train(train);
  Workspace<float> ws;
  const DecodeMetrics d = greedy_accuracy(m, test, ws);
  INFO("updates " << r.steps << ", final train loss " << r.train_loss_nats.back());
  CHECK(r.steps <= 2000);
  CHECK(d.exact_match == 1.0);
  CHECK(evaluate(m, test, ws).exact_match == d.exact_match);
  REQUIRE(d.per_position_accuracy.size() == 6);
}
