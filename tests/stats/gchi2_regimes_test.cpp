// The generalized and noncentral χ² CDFs where their arithmetic is stretched: the integrand's two
// evaluation paths (products for integer dofs, logarithms otherwise) against each other on laws
// of many terms whose phase winds through π many times; the far upper tail, where the inversion
// line sits within 1e-40 of the pole and the answer is known from the dominant term; the
// noncentral χ²'s switch from its Poisson mixture to the inversion far above its mean; quantiles
// below the resolution of the offset. Independent references: the other code path, the closed
// form of the dominant term, and continuity.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "genlab/stats.hpp"

using namespace genlab;

namespace {

// A GP-like law: n terms, weights decaying like 1/j, the given dofs, noncentralities j % 4 / 2.
stats::GeneralizedChiSquared many_terms(int n, double dof) {
  stats::GeneralizedChiSquared q;
  for (int j = 0; j < n; ++j) {
    q.weights.push_back(1.0 / (j + 1));
    q.dofs.push_back(dof);
    q.noncentralities.push_back(0.5 * (j % 4));
  }
  return q;
}

}  // namespace

TEST_CASE("generalized chi-square: integer dofs (products) agree with dofs 1e-12 away (logarithms)") {
  // Integer dofs take the product path (square roots unwrapped by counting turns through π);
  // moving every dof by 1e-12 sends the same law through ln/atan. The law moves by ~1e-12, so
  // the two must agree to ~1e-10 relative wherever F or 1 − F is resolved.
  for (int n : {2, 7, 60}) {
    for (double dof : {1.0, 2.0, 3.0, 10.0}) {
      const stats::GeneralizedChiSquared q = many_terms(n, dof);
      stats::GeneralizedChiSquared near = q;
      for (double& h : near.dofs) h += 1e-12;
      for (double p : {1e-200, 1e-30, 1e-3, 0.3, 0.5, 0.9, 1 - 1e-9}) {
        const double x = stats::quantile(q, p);
        const auto a = stats::tails(q, x), b = stats::tails(near, x);
        INFO("n " << n << " dof " << dof << " p " << p << " x " << x << " method " << stats::to_string(a.method));
        CHECK(a.method == b.method);
        CHECK(std::abs(a.log_cdf - b.log_cdf) <= 1e-10 * std::max(1.0, std::abs(a.log_cdf)));
        CHECK(std::abs(a.log_sf - b.log_sf) <= 1e-10 * std::max(1.0, std::abs(a.log_sf)));
      }
    }
  }
}

TEST_CASE("generalized chi-square: mixed integer and fractional dofs agree with the perturbed law") {
  const stats::GeneralizedChiSquared q{{0.3, 1.0, 2.5, 4.0, 9.0}, {1, 2.5, 3, 0.7, 5}, {0, 1, 0.2, 3, 0.5}, -2.0};
  stats::GeneralizedChiSquared near = q;
  for (double& h : near.dofs)
    if (h == std::floor(h)) h += 1e-12;
  for (double p : {1e-100, 1e-6, 0.2, 0.5, 0.8, 1 - 1e-6}) {
    const double x = stats::quantile(q, p);
    INFO("p " << p << " x " << x);
    CHECK(stats::log_cdf(q, x) == Approx(stats::log_cdf(near, x)).epsilon(1e-10).margin(1e-10));
    CHECK(stats::log_survival(q, x) == Approx(stats::log_survival(near, x)).epsilon(1e-10).margin(1e-10));
  }
}

TEST_CASE("generalized chi-square far upper tail: the dominant term times E e^{w2 X2 / 2}") {
  // Q = X1 + w2 X2 with X1 ~ χ'²_1(δ1) and X2 ~ χ'²_2(δ2): as y → ∞, P(Q > y) / P(X1 > y) →
  // E e^{w2 X2/2} = (1 − w2)^{-1} e^{δ2 (w2/2)/(1 − w2)} (the tail of X1 falls like e^{−y/2}),
  // with relative corrections O(1/√y). Far out the inversion line is within 1e-40 of the pole at
  // 1/2 and 1 − 2c cancels to nothing in double; its distance s is carried exactly instead.
  const double w2 = 1e-3;
  for (double d1 : {0.0, 5.0})
    for (double d2 : {0.0, 3.0}) {
      const stats::GeneralizedChiSquared q{{1.0, w2}, {1.0, 2.0}, {d1, d2}, 0.0};
      const stats::NoncentralChiSquared x1(1.0, d1);
      const double log_factor = -std::log1p(-w2) + d2 * 0.5 * w2 / (1 - w2);
      INFO("d1 " << d1 << " d2 " << d2);
      const double y = 1e7;  // corrections ~1e-6 relative to log_factor, rounding ~1e-10 absolute
      CHECK(stats::log_survival(q, y) - stats::log_survival(x1, y) == Approx(log_factor).epsilon(1e-3));
      for (double far : {1e20, 1e50, 1e150, 1e300}) {
        INFO("y " << far);
        const auto t = stats::tails(q, far);
        CHECK(t.method == stats::GeneralizedChiSquaredMethod::upper_tail);
        CHECK(t.log_cdf == 0.0);
        CHECK(std::isfinite(t.log_sf));
        CHECK(t.log_sf == Approx(stats::log_survival(x1, far) + log_factor).epsilon(1e-14));
      }
    }
}

TEST_CASE("noncentral chi-square far above its mean: the mixture hands over to the inversion continuously") {
  // The upper-tail mixture peaks at j with j (a + j) = (x/2)(λ/2); beyond j = 1e5 the inversion
  // takes over. Both sides of the switch, and points far beyond it, in microseconds, not minutes.
  for (double df : {1.0, 3.0, 40.0})
    for (double nc : {5.0, 100.0, 1e4}) {
      const double a = 0.5 * df, mu = 0.5 * nc, j = 1e5;
      const double x_switch = 2 * j * (j + a) / mu;
      const stats::NoncentralChiSquared d(df, nc);
      INFO("df " << df << " nc " << nc << " switch at x " << x_switch);
      const double below = stats::log_survival(d, x_switch * (1 - 1e-7));
      const double above = stats::log_survival(d, x_switch * (1 + 1e-7));
      // d ln(1 − F)/dx = −1/2 + √(λ/(4x)) + O(1/x) there: the two sides differ by the slope only
      const double slope = -0.5 + std::sqrt(nc / (4 * x_switch));
      CHECK(above - below == Approx(slope * 2e-7 * x_switch).epsilon(1e-4));
      CHECK(below > above);
      for (double far : {1e15, 1e40, 1e300}) {
        const double l = stats::log_survival(d, far);
        INFO("x " << far);
        // ln(1 − F) = −(√x − √λ)²/2 + O(ln x) (the tail of a unit normal shifted by √λ, squared)
        CHECK(l == Approx(-0.5 * far + std::sqrt(nc * far) - 0.5 * nc).epsilon(1e-10));
        CHECK(stats::log_cdf(d, far) == 0.0);
      }
    }
}

TEST_CASE("generalized chi-square quantiles below the offset's resolution and below the smallest double") {
  // F(offset + y) = 1e-300 at y ~ 1e-20, far below the spacing of doubles at offset 1.5: the
  // quantile is solved in y and rounds to the nearest x, instead of failing.
  const stats::GeneralizedChiSquared q{{1.0, 3.0, 0.01}, {1, 1, 2}, {0.5, 0, 2}, 1.5};
  for (double p : {1e-300, 1e-200, 1e-40}) {
    const double x = stats::quantile(q, p);
    INFO("p " << p << " x " << x);
    CHECK(x >= q.offset);
    CHECK(x <= q.offset * (1 + 1e-15));
  }
  // A law of total dof 0.02: F(y) ~ y^0.01, so F at the smallest positive double is ~1e-3 and the
  // quantile of 1e-300 is 0 (rounded); p = 0.5 is resolved.
  const stats::GeneralizedChiSquared tiny{{1.0, 2.0}, {0.01, 0.01}, {0, 0}, 0.0};
  CHECK(stats::quantile(tiny, 1e-300) == 0.0);
  const double median = stats::quantile(tiny, 0.5);
  CHECK(median > 0);
  CHECK(stats::cdf(tiny, median) == Approx(0.5).epsilon(1e-10));
}

TEST_CASE("noncentral chi-square quantile of a tiny-dof law below the smallest double is 0") {
  const stats::NoncentralChiSquared d(0.01, 0.0);
  CHECK(stats::quantile(d, 1e-300) == 0.0);
  CHECK(stats::cdf(d, stats::quantile(d, 0.5)) == Approx(0.5).epsilon(1e-10));
}
