#ifndef GENLAB_STATS_NONCENTRAL_CHI_SQUARED_HPP
#define GENLAB_STATS_NONCENTRAL_CHI_SQUARED_HPP
// The noncentral χ² law χ'²_ν(λ) (ν = df > 0 degrees of freedom, noncentrality λ = nc >= 0; λ = 0
// is the central χ²) as a value type with free functions, in Boost.Math's manner:
//   NoncentralChiSquared d(10, 5);  cdf(d, x), log_cdf(d, x), survival(d, x), log_survival(d, x),
//   pdf(d, x), log_pdf(d, x), quantile(d, p), mean(d), variance(d), cumulant(d, r).
//
// Method (exact in every regime; Johnson, Kotz & Balakrishnan, "Continuous Univariate
// Distributions" vol. 2, 2nd ed., ch. 29, eq. 29.2 and 29.4): the Poisson mixture
//   F(x; ν, λ) = Σ_{j≥0} Pois(j; λ/2) · P(ν/2 + j, x/2)       (P: regularised lower incomplete Γ)
//   f(x; ν, λ) = Σ_{j≥0} Pois(j; λ/2) · f_{χ²_{ν+2j}}(x)
// summed in log space around its largest term (j ≈ λ/2), both ways, until the terms fall e^-40
// below the running maximum. Below the mean (x <= ν + λ) the CDF is summed; above it the upper
// tail Q = Σ Pois·Q(ν/2+j, x/2) is summed and F = 1 − Q, so F and 1 − F both keep full relative
// accuracy (~1e-13) from F = 1e-300 and below (ln F stays finite where F underflows; scipy's
// ncx2.logcdf returns −inf past −ln F ≈ 745) up to 1 − F = 1e-300. ln P uses its power series
// a ln y − y − lnΓ(a+1) + ln Σ_k y^k/((a+1)…(a+k)) where P itself would underflow (DLMF 8.7.1);
// Boost.Math's gamma_p / gamma_q elsewhere. Cost: O(sqrt(λ) + 1) incomplete-gamma evaluations.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/tools/roots.hpp>

#include "genlab/core/error.hpp"
#include "genlab/stats/constants.hpp"
#include "genlab/stats/detail/laplace_inversion.hpp"

namespace genlab::stats {

/// χ'²_ν(λ). Construct with NoncentralChiSquared(df, nc): throws std::invalid_argument naming the
/// parameter unless df is finite and > 0 and nc is finite and >= 0.
struct NoncentralChiSquared {
  double df = 1;  ///< ν, degrees of freedom (> 0, need not be an integer)
  double nc = 0;  ///< λ, noncentrality = sum of the squared means of the normal components (>= 0)

  NoncentralChiSquared() = default;
  NoncentralChiSquared(double df_, double nc_ = 0) : df(df_), nc(nc_) { validate(); }
  void validate(const char* where = "genlab::stats::NoncentralChiSquared") const {
    core::require(std::isfinite(df) && df > 0, where, "df", df, "a finite number of degrees of freedom > 0");
    core::require(std::isfinite(nc) && nc >= 0, where, "nc", nc, "a finite noncentrality >= 0");
  }
};

/// r-th cumulant κ_r = 2^{r−1}(r−1)!(ν + rλ), r in [1, 40] (JKB eq. 29.7). O(r).
inline double cumulant(const NoncentralChiSquared& d, int r) {
  d.validate();
  core::require(r >= 1 && r <= 40, "genlab::stats::cumulant(NoncentralChiSquared)", "r", r, "in [1, 40]");
  double factor = 1;
  for (int q = 1; q < r; ++q) factor *= 2.0 * q;
  return factor * (d.df + r * d.nc);
}
inline double mean(const NoncentralChiSquared& d) { return cumulant(d, 1); }      ///< ν + λ
inline double variance(const NoncentralChiSquared& d) { return cumulant(d, 2); }  ///< 2(ν + 2λ)

namespace detail {

// ln Pois(j; mu).
inline double log_poisson(double j, double mu) {
  if (mu == 0) return j == 0 ? 0.0 : constants::neg_inf;
  return -mu + j * std::log(mu) - std::lgamma(j + 1);
}

inline void require_x(double x, const char* where) { core::require(!std::isnan(x), where, "x", x, "a number"); }

/// ln F and ln(1 − F) of χ'²_ν(λ) at x, each to full relative accuracy (see the file comment).
struct LogTails {
  double log_cdf = 0;
  double log_sf = 0;
};

inline LogTails ncx2_log_tails(double x, double df, double nc);

}  // namespace detail

/// ln P(a, y), the log of the regularised lower incomplete gamma function (a > 0, y >= 0), finite
/// wherever P > 0 even when P underflows a double (power series, DLMF 8.7.1). O(1) to O(a) terms.
inline double log_gamma_p(double a, double y) {
  if (y <= 0) return constants::neg_inf;
  if (std::isinf(y)) return 0.0;
  if (y < a + 1) {
    const double p = y < 0.5 * a ? 0.0 : boost::math::gamma_p(a, y);
    if (p > 1e-280) return std::log(p);
    double sum = 1, term = 1;
    for (int k = 1; k < 100000; ++k) {
      term *= y / (a + k);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return a * std::log(y) - y - std::lgamma(a + 1) + std::log(sum);
  }
  return std::log1p(-boost::math::gamma_q(a, y));
}

/// ln Q(a, y) = ln(1 − P(a, y)), finite wherever Q > 0 (Boost.Math's gamma_q, and ln of the
/// asymptotic prefactor form when Q underflows). O(1).
inline double log_gamma_q(double a, double y) {
  if (y <= 0) return 0.0;
  if (std::isinf(y)) return constants::neg_inf;
  if (y < a + 1) return std::log1p(-boost::math::gamma_p(a, y));
  const double q = boost::math::gamma_q(a, y);
  if (q > 1e-280) return std::log(q);
  // Q(a, y) = y^a e^{-y}/Γ(a) · U where U = ∫_0^∞ e^{-y s}(1+s)^{a−1} ds; Legendre's continued
  // fraction for U (DLMF 8.9.2), evaluated by the modified Lentz method.
  const double tiny = 1e-300;
  double b = y + 1 - a, c = 1 / tiny, dd = 1 / b, h = dd;
  for (int i = 1; i < 100000; ++i) {
    const double an = -i * (i - a);
    b += 2;
    dd = an * dd + b;
    if (std::abs(dd) < tiny) dd = tiny;
    c = b + an / c;
    if (std::abs(c) < tiny) c = tiny;
    dd = 1 / dd;
    const double del = dd * c;
    h *= del;
    if (std::abs(del - 1) < 1e-16) break;
  }
  return a * std::log(y) - y - std::lgamma(a) + std::log(h);
}

namespace detail {
inline LogTails ncx2_log_tails(double x, double df, double nc) {
  LogTails t;
  if (x <= 0) return {constants::neg_inf, 0.0};
  if (std::isinf(x)) return {0.0, constants::neg_inf};
  const double mu = 0.5 * nc, y = 0.5 * x, a = 0.5 * df;
  if (y <= 0) return {constants::neg_inf, 0.0};  // x = the smallest subnormal: x/2 underflows
  const bool upper = x > df + nc;
  // The terms peak near j = mu in the lower tail; in the upper tail Q(a + j, y) grows like
  // y^j/Γ(a + j) while the Poisson weight falls like mu^j/j!, so they peak near the root of
  // j (a + j) = y mu, far above mu when x is far above the mean.
  const double j_mode = upper ? std::max(mu, 0.5 * (std::sqrt(a * a + 4 * y * mu) - a)) : mu;
  // Beyond ~1e5 the mixture needs ~sqrt(80 j) gamma functions around the peak and j itself
  // leaves the range where a + j is exact: invert the moment generating function instead (exact
  // in every regime, see stats/detail/laplace_inversion.hpp), the generalized χ² CDF's method.
  if (j_mode > 1e5) {
    const std::vector<double> w{1.0}, h{df}, d{nc};
    const InversionTails r = invert_tails(GcsInversion(w, h, d), x, "genlab::stats::cdf(NoncentralChiSquared)");
    return {r.log_cdf, r.log_sf};
  }
  const double j0 = std::floor(j_mode);
  constexpr double kLogDrop = 40.0;  // terms e^-40 ≈ 4e-18 below the running maximum are dropped
  double best = constants::neg_inf, sum = 0;  // Σ e^{term − best}
  auto add = [&](double v) {
    if (v > best) {
      sum = sum * std::exp(best - v) + 1;
      best = v;
    } else {
      sum += std::exp(v - best);
    }
  };
  // Each sequence ln Pois(j) + ln P(a+j, y) (or ln Q) is unimodal in j (a sum of log-concave
  // sequences), with its mode near j0: walk down then up until the terms fall kLogDrop below the
  // maximum.
  auto term = [&](double j) {
    return log_poisson(j, mu) + (upper ? log_gamma_q(a + j, y) : log_gamma_p(a + j, y));
  };
  for (double j = j0; j >= 0; --j) {
    const double v = term(j);
    add(v);
    if (v < best - kLogDrop) break;
  }
  for (double j = j0 + 1;; ++j) {
    const double v = term(j);
    add(v);
    // Past the mode the terms only fall (unimodal), and each is below its Poisson weight.
    if (j > j_mode && (v < best - kLogDrop || log_poisson(j, mu) < best - kLogDrop)) break;
    if (mu == 0 || (best == constants::neg_inf && j > mu + 64)) break;
  }
  const double l = best + std::log(sum);
  if (upper) {
    t.log_sf = std::min(l, 0.0);
    t.log_cdf = std::log1p(-std::exp(t.log_sf));
  } else {
    t.log_cdf = std::min(l, 0.0);
    t.log_sf = std::log1p(-std::exp(t.log_cdf));
  }
  return t;
}
}  // namespace detail

/// ln F(x). −inf for x <= 0, 0 for x = +inf; relative accuracy ~1e-13 of F (so absolute ~1e-13 of
/// ln F near 0 and relative ~1e-15 of ln F deep in the lower tail). Throws on NaN x.
inline double log_cdf(const NoncentralChiSquared& d, double x) {
  d.validate();
  detail::require_x(x, "genlab::stats::log_cdf(NoncentralChiSquared)");
  return detail::ncx2_log_tails(x, d.df, d.nc).log_cdf;
}
/// F(x) = P(X <= x).
inline double cdf(const NoncentralChiSquared& d, double x) { return std::exp(log_cdf(d, x)); }
/// ln(1 − F(x)), accurate far into the upper tail.
inline double log_survival(const NoncentralChiSquared& d, double x) {
  d.validate();
  detail::require_x(x, "genlab::stats::log_survival(NoncentralChiSquared)");
  return detail::ncx2_log_tails(x, d.df, d.nc).log_sf;
}
/// 1 − F(x) = P(X > x).
inline double survival(const NoncentralChiSquared& d, double x) { return std::exp(log_survival(d, x)); }

/// ln f(x; ν, λ) for many x at fixed (ν, λ): the largest term of the Poisson mixture is found in
/// closed form, the others follow by their ratio in linear space, and the two lgamma values of the
/// largest term come from tables built once for x <= x_max (lgamma is slow and, in glibc, writes a
/// global, which serialises threads). O(sqrt(λx) + 1) per call.
class NoncentralChiSquaredLogPdf {
 public:
  NoncentralChiSquaredLogPdf(double df, double nc, double x_max = 0) : a_(0.5 * df), mu_(0.5 * nc) {
    NoncentralChiSquared(df, nc).validate("genlab::stats::NoncentralChiSquaredLogPdf");
    if (mu_ > 0 && x_max > 0) {
      const auto top = static_cast<std::size_t>(peak(0.5 * x_max)) + 2;
      lg_j_.resize(top);
      lg_aj_.resize(top);
      for (std::size_t j = 0; j < top; ++j) {
        lg_j_[j] = std::lgamma(static_cast<double>(j) + 1);
        lg_aj_[j] = std::lgamma(a_ + static_cast<double>(j));
      }
    }
    log_mu_ = mu_ > 0 ? std::log(mu_) : 0.0;
  }

  double operator()(double x) const {
    // At x = 0 only the j = 0 term survives: f(0+) = +inf for ν < 2, e^{−λ/2}/2 for ν = 2, 0 above.
    if (x == 0) {
      if (a_ < 1) return std::numeric_limits<double>::infinity();
      return a_ == 1 ? -mu_ - constants::ln2 : constants::neg_inf;
    }
    if (!(x > 0) || std::isinf(x)) return constants::neg_inf;
    const double y = 0.5 * x, lx = std::log(x);
    if (mu_ == 0) return (a_ - 1) * lx - y - a_ * constants::ln2 - std::lgamma(a_);
    const double jm = peak(y);
    const auto ji = static_cast<std::size_t>(jm);
    const double lg_j = ji < lg_j_.size() ? lg_j_[ji] : std::lgamma(jm + 1);
    const double lg_aj = ji < lg_aj_.size() ? lg_aj_[ji] : std::lgamma(a_ + jm);
    const double h = a_ + jm;
    // ln Pois(jm; mu) + ln f_{χ²_{ν+2jm}}(x)
    const double t0 = -mu_ + jm * log_mu_ - lg_j + (h - 1) * lx - y - h * constants::ln2 - lg_aj;
    // t_{j+1}/t_j = mu·y/((j+1)(a+j)); stop below e^-40 of the largest term.
    const double my = mu_ * y, drop = 4.248354255291589e-18;  // e^-40
    double sum = 1, t = 1;
    for (double j = jm; j > 0; --j) {
      t *= j * (a_ + j - 1) / my;
      sum += t;
      if (t < drop) break;
    }
    t = 1;
    for (double j = jm;; ++j) {
      t *= my / ((j + 1) * (a_ + j));
      sum += t;
      if (t < drop) break;
    }
    return t0 + std::log(sum);
  }

 private:
  // Index of the largest mixture term: the ratio mu·y/((j+1)(a+j)) crosses 1 at the positive root
  // of j² + (a+1)j + a − mu·y.
  double peak(double y) const {
    const double b = a_ + 1, c = a_ - mu_ * y;
    const double jr = 0.5 * (-b + std::sqrt(b * b - 4 * c));
    return jr > 0 ? std::floor(jr) : 0.0;
  }
  double a_, mu_, log_mu_ = 0;
  std::vector<double> lg_j_, lg_aj_;
};

/// ln f(x), the log density: −inf for x < 0; at x = 0 the limit from above (+inf for ν < 2). For
/// many x at one law build a NoncentralChiSquaredLogPdf once.
inline double log_pdf(const NoncentralChiSquared& d, double x) {
  detail::require_x(x, "genlab::stats::log_pdf(NoncentralChiSquared)");
  return NoncentralChiSquaredLogPdf(d.df, d.nc)(x);
}
inline double pdf(const NoncentralChiSquared& d, double x) { return std::exp(log_pdf(d, x)); }

namespace detail {
/// x with F(x) = p for an increasing CDF given as ln F and ln(1 − F) on x > 0: brackets by
/// factors of 4 from `start`, then TOMS 748 on ln F − ln p (p <= 1/2) or ln(1−p) − ln(1 − F)
/// (p > 1/2) to ~1e-15 relative in x.
template <class Tails>
double quantile_by_tails(const Tails& tails, double p, double start, const char* where) {
  core::require(p >= 0 && p <= 1, where, "p", p, "a probability in [0, 1]");
  if (p == 0) return 0.0;
  if (p == 1) return std::numeric_limits<double>::infinity();
  const bool lower = p <= 0.5;
  const double target = lower ? std::log(p) : std::log1p(-p);
  auto g = [&](double x) {
    const LogTails t = tails(x);
    return lower ? t.log_cdf - target : target - t.log_sf;
  };
  double lo = start, hi = start;
  double glo = g(lo), ghi = glo;
  for (int i = 0; glo > 0 && i < 600; ++i) hi = lo, ghi = glo, lo *= 0.25, glo = g(lo);
  for (int i = 0; ghi < 0 && i < 600; ++i) lo = hi, glo = ghi, hi *= 4, ghi = g(hi);
  core::require_domain(glo <= 0 && ghi >= 0 && std::isfinite(hi), where, "p", p,
                       "a probability whose quantile is a finite double");
  // lo underflowed to 0: F at the smallest positive double already exceeds p (a law with a tiny
  // total dof), so the quantile rounds to 0.
  if (glo == 0 || lo == 0) return lo;
  if (ghi == 0) return hi;
  std::uintmax_t iterations = 200;
  const auto r = boost::math::tools::toms748_solve(g, lo, hi, glo, ghi, boost::math::tools::eps_tolerance<double>(50),
                                                   iterations);
  return 0.5 * (r.first + r.second);
}
}  // namespace detail

/// x with F(x) = p (p in [0, 1]; 0 → 0, 1 → +inf). Solves on ln F (p <= 1/2) or ln(1 − F) so p
/// from 1e-300 to 1 − 1e-16 is resolved; ~1e-15 relative in x. O(60 CDF evaluations).
inline double quantile(const NoncentralChiSquared& d, double p) {
  d.validate();
  return detail::quantile_by_tails([&](double x) { return detail::ncx2_log_tails(x, d.df, d.nc); }, p,
                                   d.df + d.nc, "genlab::stats::quantile(NoncentralChiSquared)");
}

/// Sankaran's (1963, "Approximations to the non-central chi-square distribution", Biometrika
/// 50:199, eq. 8) normal approximation: F(x; ν, λ) ≈ Φ(z) with the z returned here. An
/// approximation (relative error of F grows in the tails); used only to reproduce reference code.
inline double sankaran_z(const NoncentralChiSquared& d, double x) {
  d.validate("genlab::stats::sankaran_z");
  const double k = d.df, l = d.nc;
  const double h = 1 - (2.0 / 3.0) * (k + l) * (k + 3 * l) / ((k + 2 * l) * (k + 2 * l));
  const double p = (k + 2 * l) / ((k + l) * (k + l));
  const double m = (h - 1) * (1 - 3 * h);
  return (std::pow(x / (k + l), h) - (1 + h * p * (h - 1 - 0.5 * (2 - h) * m * p))) /
         (h * std::sqrt(2 * p) * (1 + 0.5 * m * p));
}

}  // namespace genlab::stats

#endif  // GENLAB_STATS_NONCENTRAL_CHI_SQUARED_HPP
