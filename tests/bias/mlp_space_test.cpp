// Exact inductive bias of trained MLPs on a tiny two-blob task: trained networks need far less
// inductive bias than their untrained prior, wider networks fit the training set better, the
// training-fit filter, and bit-identical numbers for a seed across thread counts and shards.
#include <catch2/catch.hpp>

#include <cmath>

#include "genlab/bias/mlp_space.hpp"
#include "genlab/core/random.hpp"

using namespace genlab;
using namespace genlab::bias;

namespace {
// Two Gaussian blobs in R^2 (class c centred at (±1, 0), sd 0.5), one-hot targets; 8 train, 32 test.
sample::MlpData two_blobs() {
  sample::MlpData d;
  auto make = [](int n, std::uint64_t seed, Eigen::MatrixXd& x, Eigen::MatrixXd& y) {
    x.resize(n, 2);
    y = Eigen::MatrixXd::Zero(n, 2);
    for (int i = 0; i < n; ++i) {
      auto g = core::philox_stream(seed, static_cast<std::uint64_t>(i));
      const int c = i % 2;
      x(i, 0) = (c ? 1.0 : -1.0) + 0.5 * core::normal_double(g);
      x(i, 1) = 0.5 * core::normal_double(g);
      y(i, c) = 1;
    }
  };
  make(8, 1, d.train_inputs, d.train_targets);
  make(32, 2, d.test_inputs, d.test_targets);
  return d;
}
sample::MlpSpace arch(int width, int depth, int epochs) {
  sample::MlpSpace s;
  s.width = width;
  s.depth = depth;
  s.epochs = epochs;
  return s;
}
MlpIbOptions small_options() {
  MlpIbOptions o;
  o.count = 48;
  o.seed = 7;
  return o;
}
}  // namespace

TEST_CASE("MLP hypothesis space: architectures compared at the same ε") {
  const auto data = two_blobs();
  const std::vector<double> eps = {0.02, 0.05};
  const MlpIbOptions opt = small_options();
  const std::vector<sample::MlpSpace> trained = {arch(4, 0, 60), arch(4, 1, 60), arch(16, 0, 60), arch(16, 1, 60)};
  const auto res = compare_mlp_architectures(trained, data, eps, opt);
  REQUIRE(res.size() == 4);
  for (std::size_t a = 0; a < res.size(); ++a) {
    const auto& r = res[a];
    INFO("width " << r.space.width << " depth " << r.space.depth << " train mse " << r.mean_train_mse << " test mse "
                  << r.mean_test_mse << " I(0.02) " << r.ib.estimates[0].nats << " I(0.05) " << r.ib.estimates[1].nats);
    CHECK(r.sampled == 48);
    CHECK(r.kept == 48);  // default filter keeps every trial, as the reference does
    CHECK(r.ib.samples == 48);
    CHECK(std::isfinite(r.ib.estimates[0].nats));
    CHECK(r.ib.estimates[0].nats >= r.ib.estimates[1].nats);  // smaller ε needs more bias
    CHECK(r.ib.estimates[0].bits == Approx(r.ib.estimates[0].nats / std::log(2.0)));
    // Against its untrained prior (same width, depth, seed): training removes most of the bias needed.
    const auto prior = mlp_exact_inductive_bias(arch(r.space.width, r.space.depth, 0), data, eps, opt);
    INFO("prior test mse " << prior.mean_test_mse << " I(0.05) " << prior.ib.estimates[1].nats);
    CHECK(prior.mean_test_mse > 0.4);
    CHECK(r.mean_test_mse < 0.25 * prior.mean_test_mse);
    CHECK(r.ib.estimates[1].nats < prior.ib.estimates[1].nats - 2);
    CHECK(r.mean_train_mse < prior.mean_train_mse);
  }
  // Wider networks fit the training set better in the same number of Adam steps, at both depths,
  // and every width-16 network classifies all training points correctly.
  CHECK(res[2].mean_train_mse < 0.5 * res[0].mean_train_mse);
  CHECK(res[3].mean_train_mse < 0.5 * res[1].mean_train_mse);
  CHECK(res[2].mean_train_error == 0);
  CHECK(res[3].mean_train_error == 0);
  CHECK(res[3].mean_test_mse < res[0].mean_test_mse);
  const auto j = res[3].to_json();
  CHECK(j["width"] == 16);
  CHECK(j["depth"] == 1);
  CHECK(j["inductive_bias"]["estimates"][1]["error"] == 0.05);
}

TEST_CASE("MLP hypothesis space: training-fit filter") {
  const auto data = two_blobs();
  MlpIbOptions opt = small_options();
  opt.max_train_error = 0;  // only networks that classify every training point
  const auto narrow = mlp_exact_inductive_bias(arch(4, 0, 60), data, {0.05}, opt);
  CHECK(narrow.sampled == 48);
  CHECK(narrow.kept < 48);
  CHECK(narrow.kept >= 3);
  CHECK(narrow.fit_fraction() == Approx(static_cast<double>(narrow.kept) / 48));
  const auto wide = mlp_exact_inductive_bias(arch(16, 0, 60), data, {0.05}, opt);
  CHECK(wide.kept == 48);
  opt.max_train_mse = 0;  // nothing fits exactly
  CHECK_THROWS_WITH(mlp_exact_inductive_bias(arch(4, 0, 60), data, {0.05}, opt), Catch::Contains("fit the training set"));
  MlpIbOptions few = small_options();
  few.count = 2;
  CHECK_THROWS_WITH(mlp_exact_inductive_bias(arch(4, 0, 60), data, {0.05}, few), Catch::Contains("'count' = 2"));
  CHECK_THROWS_WITH(mlp_exact_inductive_bias(arch(4, 0, 60), data, {0.0}, small_options()), Catch::Contains("'error' = 0"));
}

TEST_CASE("MLP hypothesis space: reproducible for a seed, independent of threads and shards") {
  const auto data = two_blobs();
  const auto space = arch(8, 1, 40);
  const std::vector<double> eps = {0.03, 0.1};
  MlpIbOptions opt = small_options();
  opt.count = 24;
  opt.sampling.threads = 1;
  const auto one = mlp_exact_inductive_bias(space, data, eps, opt);
  opt.sampling.threads = 2;
  opt.sampling.block = 5;
  const auto two = mlp_exact_inductive_bias(space, data, eps, opt);
  for (std::size_t e = 0; e < eps.size(); ++e) {
    CHECK(one.ib.estimates[e].nats == two.ib.estimates[e].nats);
    CHECK(one.ib.estimates[e].fisher_sd_nats == two.ib.estimates[e].fisher_sd_nats);
  }
  CHECK(one.mean_train_mse == two.mean_train_mse);
  // Two shards [0, 10) and [10, 24), concatenated: the single run's numbers.
  const auto a = sample::sample_mlp_losses(space, data, opt.seed, 0, 10, opt.sampling);
  const auto b = sample::sample_mlp_losses(space, data, opt.seed, 10, 24, opt.sampling);
  sample::MlpLossSample joined;
  joined.test = sample::merge({b.test, a.test});
  for (const auto* s : {&a, &b}) {
    joined.train_mse.insert(joined.train_mse.end(), s->train_mse.begin(), s->train_mse.end());
    joined.train_error.insert(joined.train_error.end(), s->train_error.begin(), s->train_error.end());
  }
  const auto sharded = mlp_exact_inductive_bias_from_sample(space, joined, eps, opt);
  CHECK(sharded.ib.estimates[0].nats == one.ib.estimates[0].nats);
  CHECK(sharded.ib.model.df == one.ib.model.df);
  CHECK(sharded.seed == opt.seed);
  // Another seed draws other networks.
  opt.seed = 8;
  CHECK(mlp_exact_inductive_bias(space, data, eps, opt).ib.estimates[0].nats != one.ib.estimates[0].nats);
}
