#ifndef GENLAB_BIAS_GENERALIZED_CHI_SQUARE_TAIL_HPP
#define GENLAB_BIAS_GENERALIZED_CHI_SQUARE_TAIL_HPP
// ln P(L <= x) for the generalized χ² law L = offset + Σ_j w_j χ'²_{h_j}(δ_j) of a GP hypothesis's
// test loss (genlab::sample::GeneralizedChiSquare, P2 §3.3 / spec §2.3), accurate deep in the lower
// tail where P underflows a double — the exact inductive bias I(ε) = −ln P(L <= ε) without fitting.
//
// Method: Laplace inversion along the vertical line through the saddlepoint c (K'(c) = x, K the
// cumulant generating function), with the saddlepoint factor taken out in log space:
//   c < 0:  F(x) = e^{K(c) − c x} · (−1/π) ∫_0^∞ Re[ e^{K(c+iu) − K(c) − i u x} / (c + i u) ] du
//   c > 0:  1 − F(x) = e^{K(c) − c x} · (1/π) ∫_0^∞ Re[ ... same ... ] du
// On this line the phase is stationary at u = 0 and |e^{K(c+iu)−K(c)}| falls monotonically, so the
// remaining integral is O(1/|c|) and smooth: adaptive Gauss–Kronrod gets it to ~1e-12 relative at
// any depth. Exact (no approximation beyond quadrature), O(terms) per integrand evaluation.
// Also: the Lugannani–Rice saddlepoint approximation (no integral; relative error of F ~1e-3).

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>

#include <boost/math/quadrature/gauss_kronrod.hpp>

#include "genlab/bias/noncentral_chi_squared.hpp"
#include "genlab/core/error.hpp"
#include "genlab/sample/generalized_chi_square.hpp"

namespace genlab::bias {

namespace detail {
struct GcsCgf {
  const sample::GeneralizedChiSquare& law;
  double K(double t) const {
    double s = law.offset * t;
    for (std::size_t j = 0; j < law.weights.size(); ++j) {
      const double a = 1 - 2 * law.weights[j] * t;
      s += -0.5 * law.dof[j] * std::log(a) + law.noncentrality[j] * law.weights[j] * t / a;
    }
    return s;
  }
  double K1(double t) const {
    double s = law.offset;
    for (std::size_t j = 0; j < law.weights.size(); ++j) {
      const double w = law.weights[j], a = 1 - 2 * w * t;
      s += law.dof[j] * w / a + law.noncentrality[j] * w / (a * a);
    }
    return s;
  }
  double K2(double t) const {
    double s = 0;
    for (std::size_t j = 0; j < law.weights.size(); ++j) {
      const double w = law.weights[j], a = 1 - 2 * w * t;
      s += 2 * law.dof[j] * w * w / (a * a) + 4 * law.noncentrality[j] * w * w / (a * a * a);
    }
    return s;
  }
  std::complex<double> K(std::complex<double> t) const {
    std::complex<double> s = law.offset * t;
    for (std::size_t j = 0; j < law.weights.size(); ++j) {
      const std::complex<double> a = 1.0 - 2.0 * law.weights[j] * t;
      s += -0.5 * law.dof[j] * std::log(a) + law.noncentrality[j] * law.weights[j] * t / a;
    }
    return s;
  }
  double w_max() const { return *std::max_element(law.weights.begin(), law.weights.end()); }

  // The saddlepoint K'(c) = x by safeguarded Newton inside a bracket (K' is increasing).
  double saddlepoint(double x) const {
    const double tmax = 0.5 / w_max();
    double lo, hi;
    if (x < K1(0)) {
      hi = 0;
      lo = -1 / (x - law.offset);  // K'(lo) < x: each term w(h+δ)/(1+2w/y)... shrinks; double until below
      while (K1(lo) > x) lo *= 2;
    } else {
      lo = 0;
      hi = tmax;
    }
    double c = 0.5 * (lo + hi);
    for (int it = 0; it < 200; ++it) {
      const double f = K1(c) - x;
      if (f > 0) hi = c; else lo = c;
      double next = c - f / K2(c);
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      if (std::abs(next - c) <= 1e-15 * std::abs(c)) return next;
      c = next;
    }
    return c;
  }
};

template <class F>
double gk_adaptive(const F& f, double a, double b, double tol, int depth) {
  double err = 0;
  const double v = boost::math::quadrature::gauss_kronrod<double, 21>::integrate(f, a, b, 0, 0.0, &err);
  if (err <= tol || depth == 0) return v;
  const double m = 0.5 * (a + b);
  return gk_adaptive(f, a, m, 0.5 * tol, depth - 1) + gk_adaptive(f, m, b, 0.5 * tol, depth - 1);
}
}  // namespace detail

/// ln P(L <= x) for the generalized χ² `law`, by inversion along the saddlepoint line (see the file
/// comment). −inf for x <= offset. Relative accuracy of ln P a few 1e-10 or better when the total
/// degrees of freedom Σh_j >= 2. Cost O(terms · quadrature nodes) (~1e3 nodes).
inline double generalized_chi_square_log_cdf(const sample::GeneralizedChiSquare& law, double x) {
  const char* where = "genlab::bias::generalized_chi_square_log_cdf";
  law.validate();
  core::require(!std::isnan(x), where, "x", x, "a number");
  core::require(!law.weights.empty(), where, "law.weights.size()", 0, ">= 1 term");
  if (x <= law.offset) return detail::kNegInf;
  if (std::isinf(x)) return 0.0;
  const detail::GcsCgf cgf{law};
  double c = cgf.saddlepoint(x);
  // The formula holds on any vertical line c != 0; the saddlepoint's is the best-conditioned, but
  // within half a standard deviation of the mean it comes too close to the pole at 0, so use the
  // line half a (reciprocal) standard deviation to the left instead.
  const double sd0 = std::sqrt(cgf.K2(0));
  if (std::abs(c) * sd0 < 0.5) c = -0.5 / sd0;
  const double Kc = cgf.K(c);
  const double sigma = 1 / std::sqrt(cgf.K2(c));
  auto g = [&](double v) {  // integrand in v = u/σ
    const double u = v * sigma;
    const std::complex<double> t(c, u);
    const std::complex<double> e = std::exp(cgf.K(t) - Kc - std::complex<double>(0, u * x)) / t;
    return e.real() * sigma;
  };
  // |integrand| is bounded by e^{Re K(c+iu) − K(c)}/|c+iu|, decreasing in u: integrate in pieces of
  // growing width until that bound, times the piece width, is below 1e-17 of the running integral.
  auto bound = [&](double v) {
    const double u = v * sigma;
    return std::exp(cgf.K(std::complex<double>(c, u)).real() - Kc) / std::abs(std::complex<double>(c, u)) * sigma;
  };
  double integral = 0, a = 0, width = 1;
  for (int piece = 0; piece < 400; ++piece) {
    const double b = a + width;
    // Requests near 1e-15 sit below the rounding floor of Gauss–Kronrod's error estimate and only
    // bisect to the depth limit (2^12 pieces, seconds per call); 1e-14 with depth 8 gives the same
    // values (to 1e-15 on GP-like laws, a few 1e-10 on a 4-dof law) in milliseconds.
    integral += detail::gk_adaptive(g, a, b, 1e-14 * std::max(std::abs(integral), bound(0)), 8);
    a = b;
    if (bound(a) * a < 1e-17 * std::abs(integral)) break;
    if (piece >= 8) width *= 1.5;
  }
  const double scale = Kc - c * x;  // ln of the saddlepoint factor
  if (c < 0) {
    const double inner = -integral / 3.14159265358979323846;
    core::require(inner > 0, where, "inversion integral", inner, "> 0 (quadrature failed; law too degenerate)");
    return scale + std::log(inner);
  }
  const double q = std::exp(scale) * integral / 3.14159265358979323846;
  return std::log1p(-std::min(std::max(q, 0.0), 1.0));
}

/// −ln P(L <= ε) in nats: the exact inductive bias of the GP hypothesis space for target loss ε.
inline double generalized_chi_square_neg_log_cdf(const sample::GeneralizedChiSquare& law, double x) {
  return -generalized_chi_square_log_cdf(law, x);
}

/// Lugannani–Rice saddlepoint approximation of ln P(L <= x): F ≈ Φ(r) + φ(r)(1/r − 1/q),
/// r = sign(c)·sqrt(2(c x − K(c))), q = c·sqrt(K''(c)); in log space via the Mills ratio. O(terms).
/// Cheap cross-check of the exact inversion; loses accuracy within ~1e-3 sd of the mean.
inline double generalized_chi_square_log_cdf_saddlepoint(const sample::GeneralizedChiSquare& law, double x) {
  law.validate();
  core::require(!law.weights.empty(), "genlab::bias::generalized_chi_square_log_cdf_saddlepoint",
                "law.weights.size()", 0, ">= 1 term");
  if (x <= law.offset) return detail::kNegInf;
  const detail::GcsCgf cgf{law};
  const double c = cgf.saddlepoint(x);
  // At the mean r = q = 0 and the correction is 0/0; there the exact inversion is cheap and stable.
  if (std::abs(c) * std::sqrt(cgf.K2(0)) < 1e-3) return generalized_chi_square_log_cdf(law, x);
  const double r = (c < 0 ? -1 : 1) * std::sqrt(std::max(0.0, 2 * (c * x - cgf.K(c))));
  const double q = c * std::sqrt(cgf.K2(c));
  const double log_Phi = -neg_log_normal_cdf(r);
  const double log_phi = -0.5 * r * r - 0.5 * std::log(2 * 3.14159265358979323846);
  const double corr = std::exp(log_phi - log_Phi) * (1 / r - 1 / q);
  return log_Phi + std::log1p(std::max(corr, -1 + 1e-300));
}

}  // namespace genlab::bias

#endif  // GENLAB_BIAS_GENERALIZED_CHI_SQUARE_TAIL_HPP
