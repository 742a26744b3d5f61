// AdamW against its closed form, the training loop's determinism across thread counts, exact
// resume from a checkpoint, checkpoint files, config validation.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <tuple>

#include "genlab/core/io/npy.hpp"
#include "genlab/nn.hpp"
#include "test_util.hpp"
#include "../support/threads.hpp"

using namespace genlab::nn;
namespace fs = std::filesystem;

namespace {

ModelConfig small_config() {
  ModelConfig c;
  c.vocab_size = 6;
  c.max_seq_len = 12;
  c.n_layers = 2;
  c.d_model = 16;
  c.n_heads = 2;
  c.d_mlp = 32;
  c.norm = Norm::pre;
  c.positions = Positions::rope;
  c.activation = Activation::gelu;
  return c;
}

fs::path training_scratch(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("genlab_nn_test_" + name);
  fs::remove_all(p);
  fs::remove_all(fs::path(p.string() + ".old"));
  return p;
}

}  // namespace

TEST_CASE("AdamW's first steps equal the closed form, with warmup, decay and clipping") {
  ParameterLayout layout;
  layout.add("w", {1, 2});
  layout.add("b", {1});
  AdamWConfig c;
  c.lr = 0.1;
  c.beta1 = 0.9;
  c.beta2 = 0.99;
  c.eps = 1e-8;
  c.weight_decay = 0.5;
  c.warmup_steps = 2;
  c.decay_matrices_only = true;
  AdamW<double> opt(c);
  std::vector<double> p = {1.0, -2.0, 3.0}, g = {0.5, 0.25, -1.0};
  const AdamWStep s1 = opt.update(p, g, layout);
  // Update 0: lr = 0.1·1/2; m̂ = g, v̂ = g², step = lr·g/(|g| + eps) ≈ lr·sign(g).
  CHECK(s1.lr == Approx(0.05));
  CHECK(s1.grad_norm == Approx(std::sqrt(0.25 + 0.0625 + 1.0)));
  CHECK(p[0] == Approx(1.0 * (1 - 0.05 * 0.5) - 0.05));
  CHECK(p[1] == Approx(-2.0 * (1 - 0.05 * 0.5) - 0.05));
  CHECK(p[2] == Approx(3.0 + 0.05));  // bias: not decayed
  CHECK(c.lr_at(1) == Approx(0.1));
  c.schedule = Schedule::cosine;
  c.total_steps = 12;
  c.min_lr_ratio = 0.1;
  CHECK(c.lr_at(2) == Approx(0.1));
  CHECK(c.lr_at(7) == Approx(0.1 * (0.1 + 0.9 * 0.5)));
  CHECK(c.lr_at(12) == Approx(0.01));
  AdamWConfig clip;
  clip.grad_clip = 1.0;
  clip.warmup_steps = 0;
  AdamW<double> o2(clip);
  std::vector<double> q = {0, 0, 0}, h = {3.0, 4.0, 0.0};
  const AdamWStep s2 = o2.update(q, h, layout);
  CHECK(s2.grad_norm == Approx(5.0));
  CHECK(h[0] == Approx(0.6).epsilon(1e-5));
  CHECK(h[1] == Approx(0.8).epsilon(1e-5));
  std::vector<double> bad = {NAN, 0, 0};
  CHECK_THROWS_AS(o2.update(q, bad, layout), std::runtime_error);
}

TEST_CASE("AdamW on a large model equals the plain loop and is bit-identical with 1 and 2 threads") {
  // 300,000 parameters in three tensors (one not decayed, one crossing the pieces' size): the
  // threaded path, in pieces. Reference: torch.optim.AdamW's loop written out element by element.
  ParameterLayout layout;
  layout.add("a", {300, 700});
  layout.add("bias", {5});
  layout.add("c", {17999, 5});
  const std::size_t n = layout.total();
  std::vector<float> p0(n), g0(n);
  auto rng = genlab::core::philox_stream(9, 0);
  for (std::size_t i = 0; i < n; ++i) {
    p0[i] = static_cast<float>(genlab::core::normal_double(rng));
    g0[i] = static_cast<float>(1e-2 * genlab::core::normal_double(rng));
  }
  for (const double clip : {0.0, 1.0}) {  // ‖g‖ ≈ 5.5: clipped in the second pass
    AdamWConfig c;
    c.weight_decay = 0.1;
    c.decay_matrices_only = true;
    c.grad_clip = clip;
    c.warmup_steps = 0;
    auto run = [&] {
      AdamW<float> opt(c);
      std::vector<float> p = p0, g = g0;
      double norm = 0;
      for (int s = 0; s < 3; ++s) {
        g = g0;
        norm = opt.update(p, g, layout).grad_norm;
      }
      return std::make_tuple(p, g, norm);
    };
    const auto one = testsupport::with_threads(1, run);
    const auto two = testsupport::with_threads(2, run);
    CHECK(std::get<0>(one) == std::get<0>(two));
    CHECK(std::get<1>(one) == std::get<1>(two));
    CHECK(std::get<2>(one) == std::get<2>(two));
    // The plain loop, three updates with the same gradient.
    double sq = 0;
    for (float x : g0) sq += static_cast<double>(x) * x;
    const double norm = std::sqrt(sq);
    CHECK(std::get<2>(one) == Approx(norm).epsilon(1e-13));
    const float scale = clip > 0 && norm > clip ? static_cast<float>(clip / (norm + 1e-6)) : 1.0f;
    std::vector<float> p = p0, m(n, 0.0f), v(n, 0.0f);
    for (int t = 1; t <= 3; ++t) {
      const double bc1 = 1 - std::pow(c.beta1, t), bc2 = 1 - std::pow(c.beta2, t);
      const float step = static_cast<float>(c.lr / bc1), bc2s = static_cast<float>(std::sqrt(bc2));
      for (std::size_t i = 0; i < n; ++i) {
        const float gi = g0[i] * scale;
        if (i < 210000 || i >= 210005) p[i] *= static_cast<float>(1 - c.lr * c.weight_decay);
        m[i] = static_cast<float>(c.beta1) * m[i] + static_cast<float>(1 - c.beta1) * gi;
        v[i] = static_cast<float>(c.beta2) * v[i] + static_cast<float>(1 - c.beta2) * gi * gi;
        p[i] -= step * m[i] / (std::sqrt(v[i]) / bc2s + static_cast<float>(c.eps));
      }
    }
    double worst = 0;
    for (std::size_t i = 0; i < n; ++i) worst = std::max(worst, std::abs(static_cast<double>(p[i]) - std::get<0>(one)[i]));
    CHECK(worst <= (clip > 0 ? 1e-6 : 0.0));  // equal, up to the clip factor's last bit
  }
}

TEST_CASE("config validation names the parameter, value and expectation") {
  ModelConfig c = small_config();
  c.n_heads = 3;
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("n_heads") && Catch::Contains("= 3") && Catch::Contains("divisor"));
  c = small_config();
  c.attention_scale = AttentionScale::tempered;
  c.scale_length = 2;
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("scale_length"));
  AdamWConfig a;
  a.schedule = Schedule::cosine;
  CHECK_THROWS_WITH(a.validate(), Catch::Contains("total_steps"));
  CHECK(ModelConfig::from_json(small_config().to_json()).to_json() == small_config().to_json());
  genlab::core::Json j = small_config().to_json();
  j["norm"] = "sandwich";
  CHECK_THROWS_WITH(ModelConfig::from_json(j), Catch::Contains("norm") && Catch::Contains("pre"));
  // Bad sequences: token out of range, first token graded, too long for learned positions.
  Transformer<double> m(small_config(), 1);
  Workspace<double> ws;
  std::vector<genlab::core::Sequence> d = {genlab::core::make_sequence({1, 2}, {9})};
  CHECK_THROWS_WITH(evaluate(m, d, ws), Catch::Contains("token"));
  d = {genlab::core::make_sequence({}, {1, 2})};
  CHECK_THROWS_WITH(evaluate(m, d, ws), Catch::Contains("loss_mask[0]"));
  CHECK_THROWS_WITH(m.parameter("blocks.7.attn.W_Q"), Catch::Contains("blocks.0.attn.W_Q"));
}

TEST_CASE("training is bit-identical with 1 and 2 threads") {
  const auto data = nntest::random_sequences(200, 6, 6, 11, 3);  // batches > 1024 tokens: shards run in parallel
  auto run = [&] {
    Transformer<float> m(small_config(), 5);
    AdamWConfig oc;
    oc.weight_decay = 0.1;
    TrainConfig tc;
    tc.steps = 6;
    tc.batch_size = 160;
    tc.eval_every = 0;
    tc.rows_per_shard = 128;
    Trainer<float> t(m, oc, tc);
    auto r = t.train(data);
    return std::make_pair(r.train_loss_nats, m.parameters());
  };
  const auto a = testsupport::with_threads(1, run);
  const auto b = testsupport::with_threads(2, run);
  CHECK(a.first == b.first);
  CHECK(a.second == b.second);
  CHECK(a.first.back() < a.first.front());
}

TEST_CASE("a run resumed from a checkpoint continues bit for bit") {
  const auto data = nntest::random_sequences(40, 6, 4, 9, 8);
  const auto test = nntest::random_sequences(10, 6, 4, 9, 9);
  const fs::path dir = training_scratch("resume");
  auto make_cfg = [&](std::int64_t steps) {
    TrainConfig tc;
    tc.steps = steps;
    tc.batch_size = 16;  // minibatches: the epoch shuffles must line up too
    tc.data_seed = 4;
    tc.eval_every = 3;
    tc.checkpoint_dir = dir;
    tc.log_jsonl = dir.string() + ".jsonl";
    tc.log_csv = dir.string() + ".csv";
    tc.rows_per_shard = 40;
    return tc;
  };
  AdamWConfig oc;
  oc.schedule = Schedule::cosine;
  oc.total_steps = 14;
  oc.grad_clip = 0.5;
  // Uninterrupted: 14 updates, no checkpoint directory.
  Transformer<double> straight(small_config(), 2);
  TrainConfig tc = make_cfg(14);
  tc.checkpoint_dir.clear();
  Trainer<double> t0(straight, oc, tc);
  t0.add_eval("test", test);
  const TrainResult full = t0.train(data);
  // Interrupted after 5 updates, then resumed in a fresh model and trainer.
  {
    Transformer<double> first(small_config(), 2);
    Trainer<double> t1(first, oc, make_cfg(5));
    t1.add_eval("test", test);
    t1.train(data);
  }
  Transformer<double> resumed(small_config(), 99);  // different init: everything must come from the checkpoint
  Trainer<double> t2(resumed, oc, make_cfg(14));
  t2.add_eval("test", test);
  const TrainResult rest = t2.train(data);
  CHECK(rest.steps == 14);
  CHECK(rest.train_loss_nats == full.train_loss_nats);
  CHECK(resumed.parameters() == straight.parameters());
  REQUIRE(rest.log.size() == full.log.size());
  for (std::size_t i = 0; i < full.log.size(); ++i) CHECK(rest.log[i].at("test_loss") == full.log[i].at("test_loss"));
  CHECK(genlab::core::read_jsonl(dir.string() + ".jsonl").size() == full.log.size());
  CHECK(genlab::core::read_csv(dir.string() + ".csv").size() == full.log.size());
  // The checkpoint is plain numpy: one array per named parameter with its documented shape.
  const auto a = genlab::core::read_npy(dir / "params" / "blocks.1.mlp.W_in.npy");
  CHECK(a.shape == std::vector<std::size_t>{16, 32});
  CHECK(a.to_double()[3] == resumed.parameter("blocks.1.mlp.W_in")(0, 3));
  CHECK(fs::exists(dir / "adam_m" / "embed.W_E.npy"));
  const Transformer<double> loaded = load_model<double>(dir);
  CHECK(loaded.parameters() == resumed.parameters());
  fs::remove_all(dir);
}

TEST_CASE("a float model's loss and gradient agree with the double model's") {
  const auto data = nntest::random_sequences(12, 6, 4, 9, 12);
  Transformer<double> md(small_config(), 7);
  Transformer<float> mf(small_config(), 7);
  for (std::size_t i = 0; i < md.parameters().size(); ++i) mf.parameters()[i] = static_cast<float>(md.parameters()[i]);
  for (std::size_t i = 0; i < md.parameters().size(); ++i) md.parameters()[i] = mf.parameters()[i];
  Workspace<double> wd;
  Workspace<float> wf;
  std::vector<std::size_t> idx(data.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::vector<double> gd;
  std::vector<float> gf;
  const double ld = batch_loss_and_grad(md, data, idx, &gd, wd).loss_nats;
  const double lf = batch_loss_and_grad(mf, data, idx, &gf, wf).loss_nats;
  CHECK(lf == Approx(ld).epsilon(1e-5));
  double num = 0, den = 0;
  for (std::size_t i = 0; i < gd.size(); ++i) {
    num += (gd[i] - gf[i]) * (gd[i] - gf[i]);
    den += gd[i] * gd[i];
  }
  CHECK(std::sqrt(num / den) < 1e-4);
}
