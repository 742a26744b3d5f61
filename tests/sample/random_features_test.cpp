// Random-feature and linear hypothesis spaces: kernel limit, exact interpolation, sharding.
#include <catch2/catch.hpp>

#include <cmath>

#include "genlab/core/philox.hpp"
#include "genlab/core/random.hpp"
#include "genlab/sample/random_features.hpp"

using namespace genlab;

namespace {
sample::MlpData small_data(int n, int nt, int d, int k) {
  core::Philox4x32 g(31);
  sample::MlpData data;
  data.train_inputs.resize(n, d);
  data.test_inputs.resize(nt, d);
  for (Eigen::Index i = 0; i < data.train_inputs.size(); ++i) data.train_inputs.data()[i] = core::normal_double(g);
  for (Eigen::Index i = 0; i < data.test_inputs.size(); ++i) data.test_inputs.data()[i] = core::normal_double(g);
  data.train_targets = Eigen::MatrixXd::Zero(n, k);
  data.test_targets = Eigen::MatrixXd::Zero(nt, k);
  for (int i = 0; i < n; ++i) data.train_targets(i, i % k) = 1;
  for (int i = 0; i < nt; ++i) data.test_targets(i, i % k) = 1;
  return data;
}
}  // namespace

TEST_CASE("Random features: the prior covariance approaches the RBF kernel", "[sample][features]") {
  sample::RandomFeatureSpace s;
  s.features = 64;
  s.lengthscale = 1.3;
  s.interpolate = false;
  auto data = small_data(2, 2, 3, 1);
  // f at two points x, x' over 4000 hypotheses: E[f(x) f(x')] = k(x, x') for any D.
  double sxx = 0, sxy = 0;
  const int n = 4000;
  for (int i = 0; i < n; ++i) {
    const auto h = sample::random_feature_hypothesis(s, data, 5, i);
    const Eigen::MatrixXd f = h.predict(data.test_inputs);
    sxx += f(0, 0) * f(0, 0);
    sxy += f(0, 0) * f(1, 0);
  }
  const double r2 = (data.test_inputs.row(0) - data.test_inputs.row(1)).squaredNorm();
  const double kxy = std::exp(-r2 / (2 * 1.3 * 1.3));
  // Standard errors: var(f²) ≈ 2 (for unit variance), var(f f') ≈ 1 + k².
  CHECK(std::abs(sxx / n - 1.0) < 4 * std::sqrt(2.0 / n) + 0.02);
  CHECK(std::abs(sxy / n - kxy) < 4 * std::sqrt((1 + kxy * kxy) / n) + 0.02);
}

TEST_CASE("Random features: interpolating hypotheses fit the training set exactly", "[sample][features]") {
  auto data = small_data(10, 7, 3, 3);
  for (auto kind : {sample::FeatureKind::fourier, sample::FeatureKind::linear}) {
    sample::RandomFeatureSpace s;
    s.kind = kind;
    s.features = kind == sample::FeatureKind::linear ? 3 : 40;
    if (kind == sample::FeatureKind::linear) {
      CHECK_THROWS_WITH(sample::sample_random_feature_losses(s, data, 1, 0, 4), Catch::Contains("cannot interpolate"));
      s.interpolate = false;
    }
    sample::SampleOptions o;
    o.threads = 1;
    const auto r = sample::sample_random_feature_losses(s, data, 9, 0, 12, o);
    for (std::size_t i = 0; i < 12; ++i) {
      if (s.interpolate) {
        CHECK(r.train_mse[i] < 1e-12);
        CHECK(r.train_error[i] == 0.0);
      }
      CHECK(std::isfinite(r.test.mse[i]));
    }
    o.threads = 2;
    o.block = 5;
    const auto merged = sample::merge({sample::sample_random_feature_losses(s, data, 9, 0, 7, o).test,
                                       sample::sample_random_feature_losses(s, data, 9, 7, 12, o).test});
    CHECK(merged.mse == r.test.mse);
    CHECK(merged.error == r.test.error);
  }
}
