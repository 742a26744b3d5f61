#ifndef GENLAB_STATS_GENERALIZED_CHI_SQUARED_HPP
#define GENLAB_STATS_GENERALIZED_CHI_SQUARED_HPP
// The generalized χ² law Q = offset + Σ_j w_j χ'²_{h_j}(δ_j): a weighted sum of independent
// noncentral χ²s (weight w_j > 0, degrees of freedom h_j > 0, noncentrality δ_j >= 0). It is the
// exact law of a GP hypothesis's test MSE (Boopathy, Yue, Hwang, Iyer, Fiete, "Towards Exact
// Computation of Inductive Bias", IJCAI 2024, §3.3), which that paper approximates by a scaled
// noncentral χ². A value type with free functions in Boost.Math's manner:
//   GeneralizedChiSquared q{{w...}, {h...}, {δ...}, offset};
//   cdf(q, x), log_cdf(q, x), survival(q, x), log_survival(q, x), pdf(q, x), log_pdf(q, x), quantile(q, p),
//   mean(q), variance(q), cumulant(q, r), tails(q, x) (both tails and the method used).
// No normal term (Q has no Gaussian component); all weights positive.
//
// ONE CDF, exact in every regime (every branch is an exact representation; only quadrature error,
// ~1e-12 relative, separates them, so the CDF is continuous and monotone across the switches):
//  1. closed form: one term, or all weights equal (relative 1e-13): Q − offset = w·χ'²_{Σh}(Σδ),
//     the Poisson-mixture series of stats/noncentral_chi_squared.hpp (exact).
//  2. otherwise, Gil-Pelaez/Laplace inversion along a vertical line Re t = c of the moment
//     generating function M(t) = E e^{t(Q−offset)} = e^{K(t)} (Gil-Pelaez, "Note on the inversion
//     theorem", Biometrika 38:481, 1951; the shifted-contour form of Daniels, "Saddlepoint
//     approximations in statistics", Ann. Math. Stat. 25:631, 1954, eq. 2.2), with y = x − offset:
//        c < 0:  F(x)     = e^{K(c) − c y} · (−1/π) ∫_0^∞ Re[ e^{K(c+iu) − K(c) − i u y} / (c + i u) ] du
//        c > 0:  1 − F(x) = e^{K(c) − c y} · ( 1/π) ∫_0^∞ Re[ same ] du
//     K(t) = Σ_j [ −(h_j/2) ln(1 − 2 w_j t) + δ_j w_j t / (1 − 2 w_j t) ]   (Imhof 1961, eq. 2.3).
//     The line is the saddlepoint's, K'(c) = y (regimes "lower_tail"/"upper_tail"), so the
//     saddlepoint factor e^{K(c) − c y} carries the whole exponential size of a far-tail
//     probability and is kept in log space: ln F stays exact where F underflows (F = 1e-300 and far
//     below). Within half a standard deviation of the mean the saddlepoint nears the pole at 0, so
//     the line Re t = −1/(2 sd) is used instead ("central"). Imhof's integral (Imhof, "Computing the
//     distribution of quadratic forms in normal variables", Biometrika 48:419, 1961, eq. 3.2) is the
//     c → 0 limit of this formula; moving off the pole removes its 1/u singularity and its
//     cancellation between 1/2 and the integral, which is what made the former Imhof CDF lose up
//     to 0.25 absolute on two 1-dof terms with weights 30× apart.
//     In the far upper tail c is within 1e-30 of the pole 1/(2 w_max), where 1 − 2 w_max c cancels
//     to nothing in double: the line carries s = 1/(2 w_max) − c exactly (detail::GcsLine).
//     The integrand needs no logarithm per term: for integer dofs (1 − iz)^{−h/2} is a product of
//     integer powers and one square root (detail/laplace_inversion.hpp), ~10× cheaper than
//     complex logarithms, and checked against the logarithm path in tests/stats.
//     Quadrature: adaptive Gauss–Kronrod (21 points) over pieces of width min(1.5 σ_c, 3π/y) up to
//     10σ_c (σ_c = K''(c)^{-1/2}, the width of the integrand's bulk), then over half periods π/y
//     of e^{−iuy}, whose partial sums are accelerated by Wynn's ε algorithm (QUADPACK's QAWF
//     scheme) — at low total degrees of freedom H = Σh_j the integrand decays only like
//     u^{−H/2−1} and oscillates. Stops when the ε estimate is stable to 1e-13 or a rigorous tail
//     bound, ∫_u^∞ |·| <= |M(c+iu)/M(c)| / P(u) with P(u) = Σ_j (h_j/2) z_j²/(1 + z_j²) the local
//     decay exponent (→ H/2), falls below 1e-16 of the integral.
//  3. y below 1e-290 of the smallest weight, where the saddlepoint overflows: the leading term
//     F ≈ y^{H/2} e^{−Σδ/2} / (Γ(H/2+1) Π_j (2w_j)^{h_j/2}) (exact to relative O(y/w_min)).
// Cost: O(terms · ~150) per CDF call (more, ~10³–10⁴, for H <= 3): 40 µs for two or ten terms,
// 0.2 ms for 100 (bench/stats/run_bench.sh).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/stats/constants.hpp"
#include "genlab/stats/detail/laplace_inversion.hpp"
#include "genlab/stats/noncentral_chi_squared.hpp"
#include "genlab/stats/normal.hpp"

namespace genlab::stats {

/// Q = offset + Σ_j weights[j] · χ'²_{dofs[j]}(noncentralities[j]), independent terms.
struct GeneralizedChiSquared {
  std::vector<double> weights;          ///< w_j > 0
  std::vector<double> dofs;             ///< h_j > 0 (need not be integers)
  std::vector<double> noncentralities;  ///< δ_j >= 0 (sum of the squared means of term j)
  double offset = 0;                    ///< constant added to Q (finite)

  /// Throws std::invalid_argument naming the first bad parameter and its value.
  void validate(const char* where = "genlab::stats::GeneralizedChiSquared") const {
    core::require(dofs.size() == weights.size(), where, "dofs.size()", dofs.size(),
                  "weights.size() = " + std::to_string(weights.size()));
    core::require(noncentralities.size() == weights.size(), where, "noncentralities.size()", noncentralities.size(),
                  "weights.size() = " + std::to_string(weights.size()));
    for (std::size_t j = 0; j < weights.size(); ++j) {
      const std::string i = "[" + std::to_string(j) + "]";
      core::require(std::isfinite(weights[j]) && weights[j] > 0, where, "weights" + i, weights[j], "finite and > 0");
      core::require(std::isfinite(dofs[j]) && dofs[j] > 0, where, "dofs" + i, dofs[j], "finite and > 0");
      core::require(std::isfinite(noncentralities[j]) && noncentralities[j] >= 0, where, "noncentralities" + i,
                    noncentralities[j], "finite and >= 0");
    }
    core::require(std::isfinite(offset), where, "offset", offset, "finite");
  }
};

/// r-th cumulant κ_r = 2^{r−1}(r−1)! Σ_j w_j^r (h_j + r δ_j) (+ offset for r = 1), r in [1, 40]
/// (Imhof 1961, eq. 2.4 in cumulant form). O(terms).
inline double cumulant(const GeneralizedChiSquared& q, int r) {
  q.validate();
  core::require(r >= 1 && r <= 40, "genlab::stats::cumulant(GeneralizedChiSquared)", "r", r, "in [1, 40]");
  double factor = 1;
  for (int k = 1; k < r; ++k) factor *= 2.0 * k;
  double s = 0;
  for (std::size_t j = 0; j < q.weights.size(); ++j) s += std::pow(q.weights[j], r) * (q.dofs[j] + r * q.noncentralities[j]);
  return factor * s + (r == 1 ? q.offset : 0.0);
}
inline double mean(const GeneralizedChiSquared& q) { return cumulant(q, 1); }
inline double variance(const GeneralizedChiSquared& q) { return cumulant(q, 2); }

/// Which exact representation tails() used (see the file comment).
enum class GeneralizedChiSquaredMethod {
  point_mass,              ///< no terms: Q = offset
  noncentral_chi_squared,  ///< one term or equal weights: closed-form Poisson mixture
  central,                 ///< inversion on the line Re t = −1/(2 sd), near the mean
  lower_tail,              ///< inversion on the saddlepoint line, c < 0 (computes F)
  upper_tail,              ///< inversion on the saddlepoint line, c > 0 (computes 1 − F)
  origin_expansion,        ///< leading term at y → 0
};

inline const char* to_string(GeneralizedChiSquaredMethod m) {
  switch (m) {
    case GeneralizedChiSquaredMethod::point_mass: return "point_mass";
    case GeneralizedChiSquaredMethod::noncentral_chi_squared: return "noncentral_chi_squared";
    case GeneralizedChiSquaredMethod::central: return "central";
    case GeneralizedChiSquaredMethod::lower_tail: return "lower_tail";
    case GeneralizedChiSquaredMethod::upper_tail: return "upper_tail";
    case GeneralizedChiSquaredMethod::origin_expansion: return "origin_expansion";
  }
  return "?";
}

/// ln F(x), ln(1 − F(x)) and how they were computed.
struct GeneralizedChiSquaredTails {
  double log_cdf = 0;
  double log_sf = 0;
  GeneralizedChiSquaredMethod method = GeneralizedChiSquaredMethod::point_mass;
  double line = 0;  ///< c, the abscissa of the inversion line (0 for the closed forms)
};

namespace detail {

// Equal weights (or one term): the scaled noncentral χ² it is exactly, else nullptr-like false.
inline bool as_scaled_ncx2(const GeneralizedChiSquared& q, double& w, double& df, double& nc) {
  w = q.weights.front();
  df = 0;
  nc = 0;
  for (std::size_t j = 0; j < q.weights.size(); ++j) {
    if (std::abs(q.weights[j] - w) > 1e-13 * w) return false;
    df += q.dofs[j];
    nc += q.noncentralities[j];
  }
  return true;
}

// The tails at y = x − offset, taken as given (the quantile solves in y, which keeps its
// resolution where offset + y would round to offset).
inline GeneralizedChiSquaredTails gcs_tails_at(const GeneralizedChiSquared& q, double y) {
  using M = GeneralizedChiSquaredMethod;
  GeneralizedChiSquaredTails r;
  if (q.weights.empty()) {
    r.method = M::point_mass;
    r.log_cdf = y >= 0 ? 0.0 : constants::neg_inf;
    r.log_sf = y >= 0 ? constants::neg_inf : 0.0;
    return r;
  }
  double w, df, nc;
  if (as_scaled_ncx2(q, w, df, nc)) {
    const LogTails t = ncx2_log_tails(y / w, df, nc);
    r.method = M::noncentral_chi_squared;
    r.log_cdf = t.log_cdf;
    r.log_sf = t.log_sf;
    return r;
  }
  if (y <= 0) return {constants::neg_inf, 0.0, M::lower_tail, 0.0};
  if (std::isinf(y)) return {0.0, constants::neg_inf, M::upper_tail, 0.0};
  const GcsInversion inv(q.weights, q.dofs, q.noncentralities);
  double w_min = std::numeric_limits<double>::infinity();
  for (double wj : q.weights) w_min = std::min(w_min, wj);
  if (y < 1e-290 * w_min) {
    double l = 0.5 * inv.total_dof() * std::log(y) - std::lgamma(0.5 * inv.total_dof() + 1) - 0.5 * inv.total_noncentrality();
    for (std::size_t j = 0; j < q.weights.size(); ++j) l -= 0.5 * q.dofs[j] * std::log(2 * q.weights[j]);
    return {l, -std::exp(l), M::origin_expansion, 0.0};
  }
  const InversionTails t = invert_tails(inv, y, "genlab::stats::cdf(GeneralizedChiSquared)");
  r.method = t.side < 0 ? M::lower_tail : t.side > 0 ? M::upper_tail : M::central;
  r.line = t.line;
  r.log_cdf = t.log_cdf;
  r.log_sf = t.log_sf;
  return r;
}

inline GeneralizedChiSquaredTails gcs_tails(const GeneralizedChiSquared& q, double x) {
  return gcs_tails_at(q, x - q.offset);
}

inline void require_x(const GeneralizedChiSquared& q, double x, const char* where) {
  q.validate(where);
  core::require(!std::isnan(x), where, "x", x, "a number");
}

}  // namespace detail

/// ln F(x), ln(1 − F(x)) and the method used. Throws std::invalid_argument on a bad law or NaN x.
inline GeneralizedChiSquaredTails tails(const GeneralizedChiSquared& q, double x) {
  detail::require_x(q, x, "genlab::stats::tails(GeneralizedChiSquared)");
  return detail::gcs_tails(q, x);
}
/// ln P(Q <= x): exact in every regime (see the file comment); finite where P underflows.
inline double log_cdf(const GeneralizedChiSquared& q, double x) { return tails(q, x).log_cdf; }
/// P(Q <= x).
inline double cdf(const GeneralizedChiSquared& q, double x) { return std::exp(log_cdf(q, x)); }
/// ln P(Q > x), accurate far into the upper tail.
inline double log_survival(const GeneralizedChiSquared& q, double x) { return tails(q, x).log_sf; }
/// P(Q > x).
inline double survival(const GeneralizedChiSquared& q, double x) { return std::exp(log_survival(q, x)); }

/// ln f(x), the log density; exact in every regime (the CDF's representations, differentiated):
///  * one term or equal weights: the noncentral χ² density (closed form);
///  * x < offset: −inf. At x = offset exactly, the density's limit from above, which the origin
///    expansion below gives: +inf for H = Σh_j < 2 (the density is unbounded there, like χ²_1's),
///    e^{−Σδ/2}/Π_j (2w_j)^{h_j/2} for H = 2, and 0 (ln = −inf) for H > 2;
///  * y = x − offset below 1e-290 of the smallest weight: the derivative of the CDF's leading term,
///    f ≈ y^{H/2−1} e^{−Σδ/2} / (Γ(H/2) Π_j (2w_j)^{h_j/2}) (exact to relative O(y/w_min));
///  * otherwise the inversion without the pole on the saddlepoint line (Daniels, "Saddlepoint
///    approximations in statistics", Ann. Math. Stat. 25:631, 1954, eq. 2.2):
///      f(x) = e^{K(c) − c y} · (1/π) ∫_0^∞ Re[ e^{K(c+iu) − K(c) − i u y} ] du,   K'(c) = y,
///    the density form of Imhof's (1961) inversion. |e^{K(c+iu) − K(c)}| decays like u^{−H/2}, so
///    for H <= 2 the integral converges only conditionally, through the oscillation of e^{−iuy}:
///    its partial sums over half periods π/y form an alternating sequence whose limit Wynn's ε
///    algorithm extracts, as QUADPACK's QAWF does for Fourier integrals of slowly decaying
///    functions (Piessens, de Doncker-Kapenga, Überhuber, Kahaner, "QUADPACK", 1983, §2.2.2; the
///    same scheme as the CDF's, see the file comment).
/// NaN never: a failed quadrature throws std::domain_error. O(terms · 10³) (~10⁴ for H <= 3).
inline double log_pdf(const GeneralizedChiSquared& q, double x) {
  const char* where = "genlab::stats::log_pdf(GeneralizedChiSquared)";
  detail::require_x(q, x, where);
  core::require(!q.weights.empty(), where, "weights.size()", 0, ">= 1 term (a point mass has no density)");
  const double y = x - q.offset;
  if (y < 0 || std::isinf(y)) return constants::neg_inf;
  double h_total = 0, d_total = 0, w_min = std::numeric_limits<double>::infinity(), log_prod = 0;
  for (std::size_t j = 0; j < q.weights.size(); ++j) {
    h_total += q.dofs[j];
    d_total += q.noncentralities[j];
    w_min = std::min(w_min, q.weights[j]);
    log_prod += 0.5 * q.dofs[j] * std::log(2 * q.weights[j]);
  }
  // ln of the origin expansion's y^{H/2−1} coefficient.
  const double log_origin = -0.5 * d_total - log_prod - std::lgamma(0.5 * h_total);
  if (y == 0) {
    if (h_total < 2) return std::numeric_limits<double>::infinity();
    return h_total == 2 ? log_origin : constants::neg_inf;
  }
  double w, df, nc;
  if (detail::as_scaled_ncx2(q, w, df, nc)) return log_pdf(NoncentralChiSquared(df, nc), y / w) - std::log(w);
  if (y < 1e-290 * w_min) return (0.5 * h_total - 1) * std::log(y) + log_origin;
  const detail::GcsInversion inv(q.weights, q.dofs, q.noncentralities);
  const detail::GcsLine line = inv.saddlepoint(y);
  const double I = inv.integral(line, y, false) * constants::inv_pi;
  core::require_domain(I > 0, where, "inversion integral", I, "> 0 (quadrature failed)");
  return inv.log_factor(line, y) + std::log(I);
}
/// f(x) = e^{log_pdf(q, x)} (+inf at x = offset when Σh_j < 2).
inline double pdf(const GeneralizedChiSquared& q, double x) { return std::exp(log_pdf(q, x)); }

/// x with P(Q <= x) = p (0 → offset, 1 → +inf), solved on ln F or ln(1 − F); ~1e-15 relative in
/// x − offset. O(60 CDF evaluations).
inline double quantile(const GeneralizedChiSquared& q, double p) {
  const char* where = "genlab::stats::quantile(GeneralizedChiSquared)";
  q.validate(where);
  if (q.weights.empty()) {
    core::require(p >= 0 && p <= 1, where, "p", p, "a probability in [0, 1]");
    return q.offset;
  }
  const double start = mean(q) - q.offset;
  return q.offset + detail::quantile_by_tails(
                        [&](double y) {
                          const GeneralizedChiSquaredTails t = detail::gcs_tails_at(q, y);
                          return detail::LogTails{t.log_cdf, t.log_sf};
                        },
                        p, start, where);
}

/// Lugannani–Rice saddlepoint approximation of ln F (Lugannani & Rice, "Saddle point approximation
/// for the distribution of the sum of independent random variables", Adv. Appl. Prob. 12:475,
/// 1980, eq. 4): F ≈ Φ(r) + φ(r)(1/r − 1/s), r = sign(c)·sqrt(2(c y − K(c))), s = c·sqrt(K''(c)).
/// An approximation (relative error of F ~1e-3 for GP-like laws); O(terms). Near the mean
/// (|c|·sd < 1e-3, where it is 0/0) it returns the exact log_cdf.
inline double saddlepoint_approximation_log_cdf(const GeneralizedChiSquared& q, double x) {
  const char* where = "genlab::stats::saddlepoint_approximation_log_cdf";
  detail::require_x(q, x, where);
  core::require(!q.weights.empty(), where, "weights.size()", 0, ">= 1 term");
  const double y = x - q.offset;
  if (y <= 0) return constants::neg_inf;
  const detail::GcsInversion inv(q.weights, q.dofs, q.noncentralities);
  const detail::GcsLine line = inv.saddlepoint(y);
  const double c = line.c;
  if (std::abs(c) * std::sqrt(inv.K2(inv.line_at(0))) < 1e-3) return log_cdf(q, x);
  const double r = (c < 0 ? -1 : 1) * std::sqrt(std::max(0.0, -2 * inv.log_factor(line, y)));
  const double s = c * std::sqrt(inv.K2(line));
  const double log_Phi = log_normal_cdf(r);
  const double log_phi = -0.5 * r * r - constants::ln_sqrt_two_pi;
  const double corr = std::exp(log_phi - log_Phi) * (1 / r - 1 / s);
  return log_Phi + std::log1p(std::max(corr, -1 + 1e-300));
}

}  // namespace genlab::stats

#endif  // GENLAB_STATS_GENERALIZED_CHI_SQUARED_HPP
