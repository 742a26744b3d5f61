// MLP hypotheses: init law, backprop against finite differences, training to zero training
// error, and independence of threads and shards.
#include <catch2/catch.hpp>

#include <cmath>

#include "genlab/core/philox.hpp"
#include "genlab/core/random.hpp"
#include "genlab/sample/mlp.hpp"

using namespace genlab;

namespace {
// 8 points in the plane, two classes by XOR of the signs: not linearly separable.
sample::MlpData xor_data() {
  sample::MlpData d;
  d.train_inputs.resize(8, 2);
  d.train_inputs << 1, 1, -1, -1, 1, -1, -1, 1, 0.5, 0.4, -0.6, -0.5, 0.5, -0.5, -0.4, 0.6;
  d.train_targets = Eigen::MatrixXd::Zero(8, 2);
  for (int i = 0; i < 8; ++i) d.train_targets(i, d.train_inputs(i, 0) * d.train_inputs(i, 1) > 0 ? 0 : 1) = 1.0;
  d.test_inputs = 0.8 * d.train_inputs;
  d.test_targets = d.train_targets;
  return d;
}
}  // namespace

TEST_CASE("MLP: prior draws follow PyTorch's default init from the hypothesis stream", "[sample][mlp]") {
  sample::MlpSpace s;
  s.width = 64;
  s.depth = 2;
  const auto m = sample::mlp_init(s, 5, 3, 9, 4);
  REQUIRE(m.weights.size() == 4);
  CHECK(m.weights[0].rows() == 64);
  CHECK(m.weights[0].cols() == 5);
  CHECK(m.weights[3].rows() == 3);
  // First parameter = first uniform of philox_stream(9, 4), mapped to U(-1/√5, 1/√5).
  core::Philox4x32 g = core::philox_stream(9, 4);
  CHECK(m.weights[0](0, 0) == (2.0 * core::uniform_double(g) - 1.0) / std::sqrt(5.0));
  // Variance of U(-b, b) is b²/3; 4096 entries of the middle layer (b = 1/8).
  const double var = m.weights[1].squaredNorm() / m.weights[1].size();
  CHECK(var == Approx(1.0 / 64 / 3).epsilon(0.06));
  CHECK(m.weights[1].cwiseAbs().maxCoeff() <= 1.0 / 8);
  CHECK(sample::mlp_init(s, 5, 3, 9, 5).weights[0](0, 0) != m.weights[0](0, 0));
}

TEST_CASE("MLP: backpropagation matches finite differences", "[sample][mlp]") {
  sample::MlpSpace s;
  s.width = 6;
  s.depth = 1;
  const auto d = xor_data();
  const Eigen::MatrixXd x = d.train_inputs.transpose(), y = d.train_targets.transpose();
  auto m = sample::mlp_init(s, 2, 2, 3, 0);
  std::vector<Eigen::MatrixXd> gw;
  std::vector<Eigen::VectorXd> gb;
  sample::mlp_gradients(m, x, y, gw, gb);
  const double h = 1e-6;
  double worst = 0;
  for (std::size_t l = 0; l < m.weights.size(); ++l)
    for (Eigen::Index i = 0; i < m.weights[l].size(); ++i) {
      auto mp = m, mm = m;
      mp.weights[l].data()[i] += h;
      mm.weights[l].data()[i] -= h;
      const double fd = ((mp.forward(x) - y).squaredNorm() - (mm.forward(x) - y).squaredNorm()) / y.size() / (2 * h);
      worst = std::max(worst, std::abs(fd - gw[l].data()[i]));
    }
  for (std::size_t l = 0; l < m.biases.size(); ++l)
    for (Eigen::Index i = 0; i < m.biases[l].size(); ++i) {
      auto mp = m, mm = m;
      mp.biases[l][i] += h;
      mm.biases[l][i] -= h;
      const double fd = ((mp.forward(x) - y).squaredNorm() - (mm.forward(x) - y).squaredNorm()) / y.size() / (2 * h);
      worst = std::max(worst, std::abs(fd - gb[l][i]));
    }
  CHECK(worst < 1e-7);
}

TEST_CASE("MLP: trained hypotheses interpolate; threads and shards change nothing", "[sample][mlp]") {
  sample::MlpSpace s;
  s.width = 32;
  s.depth = 1;
  s.epochs = 300;
  const auto d = xor_data();
  sample::SampleOptions o;
  o.threads = 1;
  const auto r = sample::sample_mlp_losses(s, d, 77, 0, 6, o);
  for (std::size_t i = 0; i < 6; ++i) {
    CHECK(r.train_error[i] == 0.0);
    CHECK(r.train_mse[i] < 0.05);
  }
  // Training a network alone gives the same losses as in the parallel run.
  auto m = sample::mlp_init(s, 2, 2, 77, 4);
  sample::mlp_train(m, s, d.train_inputs.transpose(), d.train_targets.transpose());
  const Eigen::MatrixXd yte = d.test_targets.transpose();  // materialized: same reduction order
  CHECK(r.test.mse[4] == (m.forward(d.test_inputs.transpose()) - yte).squaredNorm() / 16.0);
  o.threads = 2;
  o.block = 4;
  const auto a = sample::sample_mlp_losses(s, d, 77, 0, 2, o), b = sample::sample_mlp_losses(s, d, 77, 2, 6, o);
  const auto merged = sample::merge({b.test, a.test});
  CHECK(merged.mse == r.test.mse);
  CHECK(merged.error == r.test.error);
  // Prior (no training) is far from interpolating on this XOR task for some hypothesis.
  s.epochs = 0;
  const auto prior = sample::sample_mlp_losses(s, d, 77, 0, 6, o);
  double worst = 0;
  for (double e : prior.train_error) worst = std::max(worst, e);
  CHECK(worst > 0.0);
}

TEST_CASE("MLP: bad input is rejected", "[sample][mlp]") {
  sample::MlpSpace s;
  s.width = 0;
  CHECK_THROWS_WITH(s.validate(), Catch::Contains("width"));
  s.width = 4;
  auto d = xor_data();
  d.test_inputs.resize(3, 5);
  CHECK_THROWS_WITH(sample::sample_mlp_losses(s, d, 1, 0, 2), Catch::Contains("test_inputs.cols()"));
}
