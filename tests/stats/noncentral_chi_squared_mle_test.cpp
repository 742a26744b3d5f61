// stats::maximum_likelihood_fit and the scaled noncentral χ² log-likelihood: the value against a
// plain sum of stats::log_pdf, the analytic gradient and Hessian against central finite
// differences, the fit recovering the parameters of large seeded samples (within 4 standard errors
// from the observed information), the k-statistics in closed form, and bad input refused by name.
#include <catch2/catch.hpp>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "genlab/core/random.hpp"
#include "genlab/stats/noncentral_chi_squared_fit.hpp"
#include "genlab/stats/noncentral_chi_squared_mle.hpp"
#include "../support/ncx2_draws.hpp"

using namespace genlab;
using testsupport::ncx2_draws;

TEST_CASE("ncx2 log-likelihood: the sum of log densities; gradient and Hessian equal finite differences") {
  const auto L = ncx2_draws(11, 400, 5, 2, 2.0, 0.7);
  const double pts[4][3] = {{5, 8, 0.7}, {1.5, 30, 0.2}, {40, 0.3, 0.1}, {3, 1e-3, 1.2}};  // {df, nc, scale}
  for (const auto& p : pts) {
    INFO("df " << p[0] << " nc " << p[1] << " s " << p[2]);
    const stats::ScaledNoncentralChiSquared law(p[2], p[0], p[1]);
    double direct = 0;
    for (double x : L) direct += stats::log_pdf(law, x);
    CHECK(stats::log_likelihood(law, L) == Approx(direct).epsilon(1e-12));
    const auto d = stats::log_likelihood_derivatives(law, L);
    CHECK(d.value == Approx(direct).epsilon(1e-12));
    const double th[3] = {std::log(p[0]), std::log(p[1]), std::log(p[2])};
    auto at = [](const double* t) { return stats::ScaledNoncentralChiSquared(std::exp(t[2]), std::exp(t[0]), std::exp(t[1])); };
    const double h = 1e-5;
    for (int a = 0; a < 3; ++a) {
      double tp[3] = {th[0], th[1], th[2]}, tm[3] = {th[0], th[1], th[2]};
      tp[a] += h;
      tm[a] -= h;
      const double fd = (stats::log_likelihood(at(tp), L) - stats::log_likelihood(at(tm), L)) / (2 * h);
      CHECK(d.gradient[a] == Approx(fd).epsilon(1e-6).margin(1e-6));
      const auto gp = stats::log_likelihood_derivatives(at(tp), L).gradient;
      const auto gm = stats::log_likelihood_derivatives(at(tm), L).gradient;
      for (int b = 0; b < 3; ++b) CHECK(d.hessian[a][b] == Approx((gp[b] - gm[b]) / (2 * h)).epsilon(1e-6).margin(1e-5));
    }
  }
  // λ = 0: the ln λ row and column are 0; the rest is the central χ²'s, in closed form:
  // ∂/∂ln s Σ ln f = Σ (x_i/2 − ν/2) with x_i = L_i/s.
  const stats::ScaledNoncentralChiSquared central(0.5, 4, 0);
  const auto c = stats::log_likelihood_derivatives(central, L);
  CHECK(c.gradient[1] == 0);
  CHECK(c.hessian[1][1] == 0);
  CHECK(c.hessian[0][1] == 0);
  double g_scale = 0;
  for (double x : L) g_scale += 0.5 * x / 0.5 - 2.0;
  CHECK(c.gradient[2] == Approx(g_scale).epsilon(1e-12));
}

TEST_CASE("ncx2 maximum likelihood recovers the parameters of large seeded samples") {
  struct Case {
    std::uint64_t seed;
    int n, df, shifted;
    double shift, scale;
  };
  // s·χ'²_ν(λ) with λ = shifted·shift²: (7, 6.75, 0.3), (4, 16, 0.2), (10, 1, 0.01)
  const Case cases[] = {{21, 20000, 7, 3, 1.5, 0.3}, {22, 20000, 4, 4, 2.0, 0.2}, {23, 20000, 10, 1, 1.0, 0.01}};
  for (const auto& c : cases) {
    const auto L = ncx2_draws(c.seed, c.n, c.df, c.shifted, c.shift, c.scale);
    const double truth[3] = {double(c.df), c.shifted * c.shift * c.shift, c.scale};
    const stats::Ncx2MleFit f = stats::maximum_likelihood_fit(L);
    INFO("truth " << truth[0] << " " << truth[1] << " " << truth[2] << "; fit " << f.law.df << " " << f.law.nc << " "
                  << f.law.scale << " after " << f.iterations << " iterations");
    CHECK(f.log_likelihood == Approx(stats::log_likelihood(f.law, L)).epsilon(1e-13));
    CHECK(f.evaluations < 40);
    // At least as likely as the truth and the cumulant start.
    CHECK(f.log_likelihood >= stats::log_likelihood(stats::ScaledNoncentralChiSquared(truth[2], truth[0], truth[1]), L));
    CHECK(f.log_likelihood >= stats::log_likelihood(stats::cumulant_fit(L).law, L));
    // A maximum: negative definite Hessian (interior: λ > 0 for all three) and a Newton step that
    // would gain less than 1e-6 in ln L (gᵀ(−H)⁻¹g / 2).
    REQUIRE(f.law.nc > 0);
    const auto d = stats::log_likelihood_derivatives(f.law, L);
    Eigen::Matrix3d info;
    Eigen::Vector3d g;
    for (int a = 0; a < 3; ++a) {
      g(a) = d.gradient[a];
      for (int b = 0; b < 3; ++b) info(a, b) = -d.hessian[a][b];
    }
    Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d> eig(info);
    CHECK(eig.eigenvalues().minCoeff() > 0);
    CHECK(0.5 * g.dot(info.ldlt().solve(g)) < 1e-6);
    // Each log parameter within 4 standard errors (inverse observed information) of the truth.
    const Eigen::Matrix3d cov = info.inverse();
    const double fitted[3] = {f.law.df, f.law.nc, f.law.scale};
    for (int a = 0; a < 3; ++a) {
      const double se = std::sqrt(cov(a, a));
      INFO("parameter " << a << " se(ln) " << se);
      CHECK(std::abs(std::log(fitted[a] / truth[a])) < 4 * se);
    }
    // The mean s(ν + λ) is pinned far more tightly than the shape.
    CHECK(stats::mean(f.law) == Approx(truth[2] * (truth[0] + truth[1])).epsilon(0.02));
  }
}

TEST_CASE("ncx2 maximum likelihood: a central sample ends on the boundary; any start, the same maximum") {
  const auto L = ncx2_draws(3, 3000, 4, 0, 0.0, 0.5);  // 0.5·χ²_4
  const stats::Ncx2MleFit f = stats::maximum_likelihood_fit(L);
  CHECK(f.law.nc == 0);
  CHECK(f.law.df == Approx(4).epsilon(0.1));
  CHECK(f.law.scale == Approx(0.5).epsilon(0.1));
  // On the boundary the (ln ν, ln s) block is stationary.
  const auto d = stats::log_likelihood_derivatives(f.law, L);
  CHECK(std::abs(d.gradient[0]) < 1e-4);
  CHECK(std::abs(d.gradient[2]) < 1e-4);
  // From scipy's start ν = λ = 1 (s = 1): the same maximum as from the cumulant fit.
  const auto M = ncx2_draws(4, 3000, 5, 5, 3.0, 0.2);
  const auto a = stats::maximum_likelihood_fit(M);
  const auto b = stats::maximum_likelihood_fit(M, {}, stats::ScaledNoncentralChiSquared(1, 1, 1));
  CHECK(b.log_likelihood == Approx(a.log_likelihood).epsilon(1e-12));
  CHECK(b.law.df == Approx(a.law.df).epsilon(1e-5));
  CHECK(b.law.nc == Approx(a.law.nc).epsilon(1e-5));
}

TEST_CASE("sample cumulants are the k-statistics; the sample cumulant fit is cumulant_fit of them") {
  // {1, 2, 3, 4, 10}: mean 4, m2 = 10, m3 = 36; k2 = (5/4)·10, k3 = (25/12)·36.
  const std::vector<double> x = {1, 2, 3, 4, 10};
  const auto k = stats::sample_cumulants(x);
  CHECK(k[0] == Approx(4.0).epsilon(1e-15));
  CHECK(k[1] == Approx(12.5).epsilon(1e-15));
  CHECK(k[2] == Approx(75.0).epsilon(1e-15));
  const auto f = stats::cumulant_fit(x), g = stats::cumulant_fit(k[0], k[1], k[2]);
  CHECK(f.method == g.method);
  CHECK(f.law.df == g.law.df);
  CHECK(f.law.nc == g.law.nc);
  CHECK(f.law.scale == g.law.scale);
}

TEST_CASE("ncx2 likelihood and fits refuse bad input, naming the parameter and value") {
  const auto L = ncx2_draws(5, 50, 3, 1, 1.0, 1.0);
  const stats::ScaledNoncentralChiSquared law(1, 3, 1);
  CHECK_THROWS_WITH(stats::log_likelihood(law, {}), Catch::Contains("'sample.size()' = 0"));
  CHECK_THROWS_WITH(stats::log_likelihood(law, {1.0, 2.0, -1.0}), Catch::Contains("'sample[2]' = -1"));
  CHECK_THROWS_AS(stats::log_likelihood_derivatives(law, {1.0, std::nan("")}), std::invalid_argument);
  CHECK_THROWS_WITH(stats::log_likelihood_derivatives(law, {0.0}), Catch::Contains("'sample[0]' = 0"));
  CHECK_THROWS_WITH(stats::maximum_likelihood_fit({1.0, 2.0}), Catch::Contains("'sample.size()' = 2"));
  CHECK_THROWS_WITH(stats::maximum_likelihood_fit({1.0, 2.0, std::numeric_limits<double>::infinity()}),
                    Catch::Contains("'sample[2]' = inf"));
  stats::Ncx2MleOptions bad;
  bad.max_iterations = 0;
  CHECK_THROWS_WITH(stats::maximum_likelihood_fit(L, bad), Catch::Contains("'max_iterations' = 0"));
  bad = {};
  bad.tolerance = -1;
  CHECK_THROWS_WITH(stats::maximum_likelihood_fit(L, bad), Catch::Contains("'tolerance' = -1"));
  stats::ScaledNoncentralChiSquared start;  // fields set directly, bypassing the constructor's check
  start.df = -2;
  CHECK_THROWS_WITH(stats::maximum_likelihood_fit(L, {}, start), Catch::Contains("'df' = -2"));
  CHECK_THROWS_WITH(stats::sample_cumulants({1.0, std::nan(""), 2.0}), Catch::Contains("sample[1]"));
  CHECK_THROWS_WITH(stats::cumulant_fit(std::vector<double>{2.0, 2.0, 2.0}), Catch::Contains("'k2' = 0"));
}
