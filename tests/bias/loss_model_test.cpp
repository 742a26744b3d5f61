// Scaled noncentral χ² maximum-likelihood fit: the analytic derivatives of the log-likelihood
// against finite differences, and the Newton fit against the maxima the previous Nelder–Mead fit
// (two restarts, 300–3000 likelihood evaluations) found on the same samples.
#include <catch2/catch.hpp>

#include <cmath>

#include "genlab/bias/loss_model.hpp"
#include "genlab/core/random.hpp"
#include "../support/ncx2_draws.hpp"

using namespace genlab;
using namespace genlab::bias;
using testsupport::ncx2_draws;

TEST_CASE("ncx2 log-likelihood: analytic gradient and Hessian equal finite differences") {
  const auto L = ncx2_draws(5, 300, 7, 3, 1.5, 0.3);
  const double pts[4][3] = {{7, 6.75, 0.3}, {3.3, 40, 0.1}, {20, 0.5, 0.05}, {2.5, 1e-3, 0.4}};
  for (const auto& p : pts) {
    INFO("df " << p[0] << " nc " << p[1] << " s " << p[2]);
    const auto d = ncx2_log_likelihood_derivatives(L, p[0], p[1], p[2]);
    CHECK(d.value == Approx(ncx2_log_likelihood(L, p[0], p[1], p[2])).epsilon(1e-12));
    const double th[3] = {std::log(p[0]), std::log(p[1]), std::log(p[2])};
    const double h = 1e-5;
    for (int a = 0; a < 3; ++a) {
      double tp[3] = {th[0], th[1], th[2]}, tm[3] = {th[0], th[1], th[2]};
      tp[a] += h;
      tm[a] -= h;
      const double fd = (ncx2_log_likelihood(L, std::exp(tp[0]), std::exp(tp[1]), std::exp(tp[2])) -
                         ncx2_log_likelihood(L, std::exp(tm[0]), std::exp(tm[1]), std::exp(tm[2]))) / (2 * h);
      CHECK(d.gradient[a] == Approx(fd).epsilon(1e-6).margin(1e-6));
      const auto gp = ncx2_log_likelihood_derivatives(L, std::exp(tp[0]), std::exp(tp[1]), std::exp(tp[2])).gradient;
      const auto gm = ncx2_log_likelihood_derivatives(L, std::exp(tm[0]), std::exp(tm[1]), std::exp(tm[2])).gradient;
      for (int b = 0; b < 3; ++b) CHECK(d.hessian[a][b] == Approx((gp[b] - gm[b]) / (2 * h)).epsilon(1e-6).margin(1e-5));
    }
  }
  // λ = 0: the ln λ row and column vanish, the rest is the central χ²'s.
  const auto c = ncx2_log_likelihood_derivatives(L, 4, 0, 0.5);
  CHECK(c.gradient[1] == 0);
  CHECK(c.hessian[1][1] == 0);
  CHECK(c.value == Approx(ncx2_log_likelihood(L, 4, 0, 0.5)).epsilon(1e-12));
}

TEST_CASE("ncx2 MLE by Newton: the Nelder–Mead maxima, or higher, in a few evaluations") {
  struct Case {
    std::vector<double> losses;
    double df, nc, scale, log_likelihood;  // the Nelder–Mead fit of the same sample
  };
  const Case cases[] = {
      {ncx2_draws(9, 2000, 100, 10, 1.0, 0.01), 103.2472422, 0.04122750908, 0.01065638526, 927.2196623526},
      {ncx2_draws(3, 3000, 4, 0, 0.0, 0.5), 3.974908779, 3.844039322e-05, 0.505325118, -4750.0364526902},
      {ncx2_draws(4, 3000, 5, 5, 3.0, 0.2), 14.75802917, 28.08821871, 0.2327252537, -7258.5168096940},
  };
  for (const auto& c : cases) {
    const ScaledNcx2 m = fit_ncx2_mle(c.losses);
    INFO("df " << m.df << " nc " << m.nc << " s " << m.scale << " ll " << m.log_likelihood);
    CHECK(m.log_likelihood >= c.log_likelihood - 1e-9);
    CHECK(m.log_likelihood == Approx(ncx2_log_likelihood(c.losses, m.df, m.nc, m.scale)).epsilon(1e-13));
    CHECK(m.df == Approx(c.df).epsilon(1e-5));
    CHECK(m.scale == Approx(c.scale).epsilon(1e-3));
    CHECK(std::abs(m.nc - c.nc) < 0.05 + 1e-5 * c.nc);  // λ ≈ 0 is flat: 0.04 and 0 are the same fit
    CHECK(m.mean() == Approx(c.scale * (c.df + c.nc)).epsilon(1e-6));
    CHECK(m.evaluations < 40);
    // At the maximum the gradient vanishes (in the free coordinates).
    const auto d = ncx2_log_likelihood_derivatives(c.losses, m.df, m.nc, m.scale);
    CHECK(std::abs(d.gradient[0]) < 1e-4);
    CHECK(std::abs(d.gradient[2]) < 1e-4);
  }
  // The two λ ≈ 0 samples end on the boundary (λ = 0 exactly), the other inside.
  CHECK(fit_ncx2_mle(cases[1].losses).nc == 0);
  CHECK(fit_ncx2_mle(cases[2].losses).nc > 20);
  // Started far off (ν = λ = 1, scipy's start), the same maximum.
  ScaledNcx2 far;
  far.df = 1, far.nc = 1, far.scale = 1;
  const ScaledNcx2 a = fit_ncx2_mle(cases[2].losses), b = fit_ncx2_mle(cases[2].losses, {}, &far);
  CHECK(b.log_likelihood == Approx(a.log_likelihood).epsilon(1e-12));
  CHECK(b.df == Approx(a.df).epsilon(1e-5));
  // Bad settings.
  MleFitOptions bad;
  bad.max_iterations = 0;
  CHECK_THROWS_WITH(fit_ncx2_mle(cases[2].losses, bad), Catch::Contains("max_iterations"));
  CHECK_THROWS_WITH(ncx2_log_likelihood_derivatives(cases[2].losses, 1, 0, -1), Catch::Contains("scale"));
}
