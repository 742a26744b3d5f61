// Results do not depend on the thread count, for both GEMM backends.
//
// This file is compiled twice (tests/CMakeLists.txt): against genlab::genlab, where Eigen's
// float/double products run on OpenBLAS when it was found (EIGEN_USE_BLAS), and against Eigen's
// own kernels. Every GEMM-heavy path of the library runs at 1 and 2 OpenMP threads and must give
// the same bits. Sizes are chosen so that the products are real GEMMs (Eigen sends products with
// rows + depth + cols < 20 to a coefficient loop) and large enough for OpenBLAS to split them
// across threads (it keeps M·N·K <= 262144 on one thread), both inside genlab's parallel loops,
// where a product runs on its thread alone, and outside them.
#include <catch2/catch.hpp>

#include <cstdint>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "genlab/bias/gp_posterior.hpp"
#include "genlab/bias/knn.hpp"
#include "genlab/measure/irt.hpp"
#include "genlab/core/parallel.hpp"
#include "genlab/core/philox.hpp"
#include "genlab/core/random.hpp"
#include "genlab/core/sequence.hpp"
#include "genlab/nn/adamw.hpp"
#include "genlab/nn/batch.hpp"
#include "genlab/nn/probes.hpp"
#include "genlab/sample/gaussian_process.hpp"
#include "genlab/sample/random_features.hpp"
#include "../support/threads.hpp"

using namespace genlab;

namespace {

#if defined(EIGEN_USE_BLAS)
constexpr const char* kBackend = "OpenBLAS";
#else
constexpr const char* kBackend = "Eigen";
#endif

using testsupport::with_threads;

Eigen::MatrixXd normal_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
  core::Philox4x32 g(seed);
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = core::normal_double(g);
  return m;
}

std::vector<core::Sequence> token_sequences(int n, int vocab, int len, std::uint64_t seed) {
  auto g = core::philox_stream(seed, 0);
  std::vector<core::Sequence> out;
  for (int i = 0; i < n; ++i) {
    std::vector<core::Token> prompt, answer;
    for (int t = 0; t < len; ++t)
      (t < len / 2 ? prompt : answer).push_back(static_cast<core::Token>(core::uniform_index(g, static_cast<std::uint32_t>(vocab))));
    out.push_back(core::make_sequence(prompt, answer));
  }
  return out;
}

}  // namespace

TEST_CASE("determinism: products give the same bits at 1 and 2 threads where genlab runs them", "[threads][gemm]") {
  INFO("GEMM backend: " << kBackend);
  const Eigen::MatrixXd a = normal_matrix(300, 200, 1), b = normal_matrix(200, 250, 2);
  const Eigen::VectorXd x = normal_matrix(200, 1, 3);
  auto products = [&] {
    Eigen::MatrixXd c = a * b;
    Eigen::MatrixXd ct = a.transpose() * a;  // 200 × 200 from a 300-long depth
    Eigen::MatrixXf cf = a.cast<float>() * b.cast<float>();
    Eigen::VectorXd y = a * x;
    return std::make_tuple(c, ct, cf, y);
  };
  auto compare = [](const auto& one, const auto& two) {
    CHECK(std::get<0>(one) == std::get<0>(two));
    CHECK(std::get<1>(one) == std::get<1>(two));
    CHECK(std::get<2>(one) == std::get<2>(two));
    CHECK(std::get<3>(one) == std::get<3>(two));
  };
  // Under core::SingleThreadedProducts, as genlab computes every product outside its parallel loops
  // (bare, OpenBLAS splits these differently at 1 and 2 threads, and Eigen changes its depth blocking).
  auto guarded = [&] {
    const core::SingleThreadedProducts one_thread;
    return products();
  };
  const auto one = with_threads(1, guarded);
  compare(one, with_threads(2, guarded));
  // And inside a parallel loop of one thread: the region pins the products to its thread.
  std::vector<decltype(products())> in_loop(1);
  with_threads(2, [&] {
    core::parallel_for_scratch(1, 1, [] { return 0; }, [&](std::int64_t, int&) { in_loop[0] = products(); });
    return 0;
  });
  compare(one, in_loop[0]);
  // And the products are right (the backend computes what Eigen's lazy product computes).
  const Eigen::MatrixXd lazy = a.lazyProduct(b);
  CHECK((std::get<0>(one) - lazy).cwiseAbs().maxCoeff() < 1e-11);
}

TEST_CASE("determinism: transformer training gives the same bits at 1 and 2 threads", "[threads][nn]") {
  INFO("GEMM backend: " << kBackend);
  const auto data = token_sequences(256, 12, 16, 7);
  nn::ModelConfig c;
  c.vocab_size = 12;
  c.max_seq_len = 16;
  c.n_layers = 2;
  c.d_model = 64;
  c.n_heads = 4;
  c.d_mlp = 256;
  auto run = [&] {
    nn::Transformer<float> m(c, 5);
    nn::AdamWConfig oc;
    oc.weight_decay = 0.1;
    nn::AdamW<float> opt(oc);
    nn::Workspace<float> ws;
    ws.rows_per_shard = 256;
    std::vector<float> grad;
    std::vector<double> losses;
    std::vector<std::size_t> idx(128);  // 2048 tokens a step: shards run in parallel at 2 threads
    for (int step = 0; step < 4; ++step) {
      for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = (static_cast<std::size_t>(step) * idx.size() + i) % data.size();
      losses.push_back(nn::batch_loss_and_grad(m, data, idx, &grad, ws).loss_nats);
      opt.update(m.parameters(), grad, m.layout());
    }
    return std::make_pair(losses, m.parameters());
  };
  const auto one = with_threads(1, run);
  const auto two = with_threads(2, run);
  CHECK(one.first == two.first);
  CHECK(one.second == two.second);
}

TEST_CASE("determinism: transformer probes (run_with_activations) give the same bits at 1 and 2 threads",
          "[threads][nn]") {
  // One shard of all inputs, run from outside any parallel loop: 1,200 rows × 64 → 256 GEMMs
  // that OpenBLAS would split across threads (the grokking run's progress measures use this).
  INFO("GEMM backend: " << kBackend);
  nn::ModelConfig c;
  c.vocab_size = 20;
  c.max_seq_len = 3;
  c.n_layers = 1;
  c.d_model = 64;
  c.n_heads = 4;
  c.d_mlp = 256;
  const nn::Transformer<float> m(c, 3);
  std::vector<std::vector<core::Token>> inputs;
  for (core::Token a = 0; a < 20; ++a)
    for (core::Token b = 0; b < 20; ++b) inputs.push_back({a, b, 19});
  auto run = [&] {
    const nn::Activations<float> act = nn::run_with_activations(m, inputs);
    return std::make_pair(act.logits, act.mlp_post.back());
  };
  const auto one = with_threads(1, run);
  const auto two = with_threads(2, run);
  CHECK(one.first == two.first);
  CHECK(one.second == two.second);
}

TEST_CASE("determinism: GP and random-feature sampling give the same bits at 1 and 2 threads",
          "[threads][sample]") {
  INFO("GEMM backend: " << kBackend);
  // A GP space with a dense covariance: the tile GEMM G = A Z is 120 × 120 by 120 × (tile·k).
  const Eigen::MatrixXd l = normal_matrix(120, 120, 11);
  sample::GpHypothesisSpace space;
  space.covariance = l * l.transpose() / 120.0 + Eigen::MatrixXd::Identity(120, 120);
  space.mean = normal_matrix(120, 4, 12);
  space.targets = Eigen::MatrixXd::Zero(120, 4);
  for (int i = 0; i < 120; ++i) space.targets(i, i % 4) = 1;
  const auto f = sample::factor_gp(space);
  auto gp = [&](int threads) {
    sample::SampleOptions o;
    o.threads = threads;
    o.block = 64;
    return sample::sample_gp_losses(f, 3, 0, 200, o);
  };
  const auto gp1 = with_threads(1, [&] { return gp(1); });
  const auto gp2 = with_threads(2, [&] { return gp(2); });
  CHECK(gp1.mse == gp2.mse);
  CHECK(gp1.error == gp2.error);

  sample::MlpData data;
  data.train_inputs = normal_matrix(100, 10, 21);
  data.test_inputs = normal_matrix(150, 10, 22);
  data.train_targets = Eigen::MatrixXd::Zero(100, 3);
  data.test_targets = Eigen::MatrixXd::Zero(150, 3);
  for (int i = 0; i < 100; ++i) data.train_targets(i, i % 3) = 1;
  for (int i = 0; i < 150; ++i) data.test_targets(i, i % 3) = 1;
  sample::RandomFeatureSpace rf;
  rf.features = 256;
  auto features = [&](int threads) {
    sample::SampleOptions o;
    o.threads = threads;
    return sample::sample_random_feature_losses(rf, data, 4, 0, 6, o);
  };
  const auto rf1 = with_threads(1, [&] { return features(1); });
  const auto rf2 = with_threads(2, [&] { return features(2); });
  CHECK(rf1.test.mse == rf2.test.mse);
  CHECK(rf1.train_mse == rf2.train_mse);
}

TEST_CASE("determinism: kNN and the GP posterior give the same bits at 1 and 2 threads", "[threads][bias]") {
  INFO("GEMM backend: " << kBackend);
  const Eigen::MatrixXd x = normal_matrix(600, 24, 31);
  for (auto precision : {bias::KnnPrecision::float32_certified, bias::KnnPrecision::float64}) {
    bias::KnnOptions o;
    o.precision = precision;
    o.query_block = 128;
    o.reference_block = 256;
    const auto k1 = with_threads(1, [&] { return bias::knn_self(x, 5, {}, o); });
    const auto k2 = with_threads(2, [&] { return bias::knn_self(x, 5, {}, o); });
    CHECK(k1.indices == k2.indices);
    CHECK(k1.distances == k2.distances);
  }

  const Eigen::MatrixXd xtr = normal_matrix(200, 8, 41), xte = normal_matrix(150, 8, 42);
  Eigen::MatrixXd ytr = Eigen::MatrixXd::Zero(200, 3), yte = Eigen::MatrixXd::Zero(150, 3);
  for (int i = 0; i < 200; ++i) ytr(i, i % 3) = 1;
  for (int i = 0; i < 150; ++i) yte(i, i % 3) = 1;
  bias::Kernel kernel;
  kernel.bandwidth = 2.0;
  const auto p1 = with_threads(1, [&] { return bias::gp_posterior(kernel, xtr, ytr, xte, yte); });
  const auto p2 = with_threads(2, [&] { return bias::gp_posterior(kernel, xtr, ytr, xte, yte); });
  CHECK(p1.alpha == p2.alpha);
  CHECK(p1.space.mean == p2.space.mean);
  CHECK(p1.space.covariance == p2.space.covariance);
}

TEST_CASE("determinism: IRT fits give the same bits at 1 and 2 threads", "[threads][measure]") {
  INFO("GEMM backend: " << kBackend);
  core::Philox4x32 g(51);
  std::vector<double> b(60), a(60), theta(3000);
  for (auto& v : b) v = core::normal_double(g);
  for (auto& v : a) v = std::exp(0.3 * core::normal_double(g));
  for (auto& v : theta) v = core::normal_double(g);
  const auto y = measure::simulate_irt_responses(b, a, theta, 52);
  for (auto model : {measure::IrtModel::one_pl, measure::IrtModel::two_pl}) {
    measure::IrtConfig cfg;
    cfg.method = measure::IrtMethod::marginal_ml;
    cfg.model = model;
    const auto f1 = with_threads(1, [&] { return measure::fit_irt(y, cfg); });
    const auto f2 = with_threads(2, [&] { return measure::fit_irt(y, cfg); });
    CHECK(f1.difficulty == f2.difficulty);
    CHECK(f1.discrimination == f2.discrimination);
    CHECK(f1.ability == f2.ability);
    CHECK(f1.log_likelihood_nats == f2.log_likelihood_nats);
  }
}
