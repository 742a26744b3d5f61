// GP posterior hypotheses: exactness of the two loss paths, shard/thread independence, and the
// sampled losses against the exact generalized chi-square law.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include <boost/math/distributions/non_central_chi_squared.hpp>

#include "genlab/core/philox.hpp"
#include "genlab/core/random.hpp"
#include "genlab/sample/gaussian_process.hpp"

using namespace genlab;
using sample::GpHypothesisSpace;

namespace {

// A GP-like space: Σ = B Bᵀ / N_t + 0.05 I (a spread of eigenvalues), random mean, one-hot targets.
GpHypothesisSpace toy_space(int nt, int k, std::uint64_t seed) {
  core::Philox4x32 g(seed);
  Eigen::MatrixXd b(nt, nt);
  for (Eigen::Index i = 0; i < b.size(); ++i) b.data()[i] = core::normal_double(g);
  GpHypothesisSpace s;
  s.covariance = b * b.transpose() / nt + 0.05 * Eigen::MatrixXd::Identity(nt, nt);
  s.mean.resize(nt, k);
  for (Eigen::Index i = 0; i < s.mean.size(); ++i) s.mean.data()[i] = 0.3 * core::normal_double(g);
  s.targets = Eigen::MatrixXd::Zero(nt, k);
  for (int r = 0; r < nt; ++r) s.targets(r, core::uniform_index(g, static_cast<std::uint32_t>(k))) = 1.0;
  return s;
}

double ks_statistic(std::vector<double> x, const sample::GeneralizedChiSquare& law) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0.0;
  for (std::size_t j = 0; j < x.size(); ++j) {
    const double f = law.cdf(x[j]);
    d = std::max({d, (j + 1) / n - f, f - j / n});
  }
  return d;
}

}  // namespace

TEST_CASE("GP: eigenbasis MSE equals the MSE of the same predictions", "[sample][gp]") {
  const auto space = toy_space(15, 4, 1);
  const auto f = sample::factor_gp(space);
  sample::SampleOptions full, eig;
  eig.classification_error = false;
  const auto a = sample::sample_gp_losses(f, 42, 5, 45, full);
  const auto b = sample::sample_gp_losses(f, 42, 5, 45, eig);
  REQUIRE(a.mse.size() == 40);
  REQUIRE(a.error.size() == 40);
  CHECK(b.error.empty());
  for (std::size_t j = 0; j < 40; ++j) {
    // Independent recomputation from the predictions themselves.
    const Eigen::MatrixXd F = sample::gp_hypothesis(f, 42, 5 + j);
    const double mse = (F - space.targets).squaredNorm() / static_cast<double>(F.size());
    int wrong = 0;
    for (Eigen::Index r = 0; r < F.rows(); ++r) {
      Eigen::Index pf, py;
      F.row(r).maxCoeff(&pf);
      space.targets.row(r).maxCoeff(&py);
      wrong += pf != py;
    }
    CHECK(a.mse[j] == Approx(mse).epsilon(1e-12));
    CHECK(b.mse[j] == Approx(mse).epsilon(1e-12));
    CHECK(a.error[j] == Approx(wrong / 15.0));
  }
  // The factor reproduces the covariance.
  CHECK((f.factor * f.factor.transpose() - space.covariance).cwiseAbs().maxCoeff() < 1e-12);
}

TEST_CASE("GP: shards merge exactly and threads/blocks do not change a bit", "[sample][gp]") {
  const auto f = sample::factor_gp(toy_space(9, 3, 2));
  for (bool cls : {true, false}) {
    sample::SampleOptions o;
    o.classification_error = cls;
    o.threads = 1;
    const auto whole = sample::sample_gp_losses(f, 7, 0, 300, o);
    sample::SampleOptions o2 = o;
    o2.threads = 3;
    o2.block = 7;
    const auto merged = sample::merge({sample::sample_gp_losses(f, 7, 200, 300, o2),
                                       sample::sample_gp_losses(f, 7, 0, 37, o2),
                                       sample::sample_gp_losses(f, 7, 37, 200, o)});
    CHECK(merged.begin == 0);
    CHECK(merged.end == 300);
    CHECK(merged.mse == whole.mse);  // bitwise
    CHECK(merged.error == whole.error);
    o2.threads = 2;
    o2.block = 1;
    CHECK(sample::sample_gp_losses(f, 7, 0, 300, o2).mse == whole.mse);
  }
  sample::SampleOptions o;
  CHECK_THROWS_WITH(sample::merge({sample::sample_gp_losses(f, 7, 0, 10, o), sample::sample_gp_losses(f, 7, 11, 20, o)}),
                    Catch::Contains("shard.begin") && Catch::Contains("11"));
  CHECK_THROWS_WITH(sample::merge({sample::sample_gp_losses(f, 7, 0, 10, o), sample::sample_gp_losses(f, 8, 10, 20, o)}),
                    Catch::Contains("shard.seed"));
}

TEST_CASE("GP: Imhof CDF equals the scaled noncentral chi-square when the weights are equal", "[sample][gp]") {
  // V10 of the spec: μ = 0, Σ = I, N_t = k = 10, one-hot targets: N_t k L ~ χ'²_100(10);
  // I(ε) = −ln P(L <= ε) exact values (nats) from mpmath.
  GpHypothesisSpace s;
  s.mean = Eigen::MatrixXd::Zero(10, 10);
  s.covariance = Eigen::MatrixXd::Identity(10, 10);
  s.targets = Eigen::MatrixXd::Identity(10, 10);
  const auto law = sample::gp_loss_law(s);
  CHECK(law.mean() == Approx(1.1).epsilon(1e-12));
  CHECK(law.variance() == Approx(2.0 * 1e-4 * (100 + 2 * 10)).epsilon(1e-12));
  const double eps[] = {1.2, 1.1, 1.0, 0.9, 0.8, 0.5};
  const double nats[] = {0.2881886177, 0.6566161322, 1.316872697, 2.389748802, 4.019669303, 14.51713485};
  for (int j = 0; j < 6; ++j) {
    CHECK(-std::log(law.cdf(eps[j])) == Approx(nats[j]).epsilon(1e-7));
    CHECK(-std::log(law.cdf_imhof(eps[j])) == Approx(nats[j]).epsilon(1e-6));
  }
  // Unequal dof/noncentrality per term, one common weight: still one scaled χ'².
  sample::GeneralizedChiSquare q;
  q.weights = {0.5, 0.5, 0.5};
  q.dof = {1, 2, 4};
  q.noncentrality = {0.0, 1.5, 2.5};
  q.offset = 0.25;
  boost::math::non_central_chi_squared_distribution<double> ref(7.0, 4.0);
  for (double x : {0.5, 1.0, 3.0, 5.0, 9.0})
    {
    CHECK(q.cdf(x) == Approx(boost::math::cdf(ref, (x - 0.25) / 0.5)).margin(1e-12));
    CHECK(q.cdf_imhof(x) == Approx(boost::math::cdf(ref, (x - 0.25) / 0.5)).margin(1e-8));
  }
  CHECK(q.cdf(0.2) == 0.0);
}

TEST_CASE("GP: sampled losses follow the exact generalized chi-square law", "[sample][gp]") {
  const auto f = sample::factor_gp(toy_space(12, 3, 3));
  const auto law = sample::gp_loss_law(f);
  REQUIRE(law.weights.size() == 12);
  sample::SampleOptions o;
  o.classification_error = false;
  const std::size_t n = 1500;
  const auto s = sample::sample_gp_losses(f, 2024, 0, n, o);
  double m = 0, v = 0;
  for (double x : s.mse) m += x;
  m /= n;
  for (double x : s.mse) v += (x - m) * (x - m);
  v /= (n - 1);
  // Mean within 4 standard errors; variance within 4 standard errors of the sample variance
  // (var(s²) ≈ (κ4 + 2κ2²)/n).
  CHECK(std::abs(m - law.mean()) < 4.0 * std::sqrt(law.variance() / n));
  const double var_se = std::sqrt((law.cumulant(4) + 2 * law.variance() * law.variance()) / n);
  CHECK(std::abs(v - law.variance()) < 4.0 * var_se);
  // Kolmogorov–Smirnov at a fixed seed, 1% critical value 1.63/√n.
  const double d = ks_statistic(s.mse, law);
  INFO("KS D = " << d << ", critical " << 1.63 / std::sqrt(double(n)));
  CHECK(d < 1.63 / std::sqrt(static_cast<double>(n)));
  // A wrong law (variance scaled by 1.3) is rejected: the test can fail.
  auto wrong = law;
  for (auto& w : wrong.weights) w *= 1.3;
  CHECK(ks_statistic(s.mse, wrong) > 1.63 / std::sqrt(static_cast<double>(n)));
}

TEST_CASE("GP: bad input is rejected with a clear message", "[sample][gp]") {
  auto s = toy_space(5, 2, 4);
  s.covariance(0, 1) += 0.1;
  CHECK_THROWS_WITH(sample::factor_gp(s), Catch::Contains("symmetric"));
  s = toy_space(5, 2, 4);
  s.covariance -= 2.0 * Eigen::MatrixXd::Identity(5, 5);
  CHECK_THROWS_WITH(sample::factor_gp(s), Catch::Contains("eigenvalue"));
  s = toy_space(5, 2, 4);
  s.targets.resize(4, 2);
  CHECK_THROWS_WITH(sample::factor_gp(s), Catch::Contains("targets.rows()"));
  s = toy_space(5, 1, 4);
  CHECK_THROWS_WITH(sample::sample_gp_losses(s, 1, 0, 4), Catch::Contains("classification_error = false"));
  sample::SampleOptions o;
  o.classification_error = false;
  CHECK(sample::sample_gp_losses(s, 1, 0, 4, o).mse.size() == 4);
  CHECK_THROWS_WITH(sample::sample_gp_losses(s, 1, 5, 4, o), Catch::Contains("'end' = 4"));
}
