#ifndef GENLAB_BIAS_NONCENTRAL_CHI_SQUARED_HPP
#define GENLAB_BIAS_NONCENTRAL_CHI_SQUARED_HPP
// The noncentral χ² law χ'²_ν(λ) in log space, for the exact inductive bias of P2 (Boopathy, Yue,
// Hwang, Iyer, Fiete, IJCAI 2024): I(ε) = −ln F(ε/s; ν, λ) for a loss law s·χ'²_ν(λ).
//
//   F(x; ν, λ) = Σ_{j≥0} Pois(j; λ/2) · P(ν/2 + j, x/2)      (P = regularised lower incomplete Γ)
//   f(x; ν, λ) = Σ_{j≥0} Pois(j; λ/2) · f_{χ²_{ν+2j}}(x)
//
// Both sums run in log space around their largest term, and ln P uses its power series where P
// itself would underflow, so −ln F stays finite and accurate (1e-12 relative) far past the point
// where scipy's ncx2.logcdf returns −inf (about −ln F > 745). Boost.Math supplies P and Q where
// they are representable.

#include <cmath>
#include <limits>
#include <vector>

#include <boost/math/special_functions/gamma.hpp>

#include "genlab/core/error.hpp"

namespace genlab::bias {

namespace detail {
inline constexpr double kNegInf = -std::numeric_limits<double>::infinity();
// Terms below the running maximum by this much (e^-40 ≈ 4e-18) are dropped.
inline constexpr double kLogDrop = 40.0;

inline void check_ncx2(double df, double nc, const char* where) {
  core::require(std::isfinite(df) && df > 0, where, "df", df, "a finite number of degrees of freedom > 0");
  core::require(std::isfinite(nc) && nc >= 0, where, "nc", nc, "a finite noncentrality >= 0");
}

// ln Pois(j; mu).
inline double log_poisson(double j, double mu) {
  if (mu == 0) return j == 0 ? 0.0 : kNegInf;
  return -mu + j * std::log(mu) - std::lgamma(j + 1);
}
}  // namespace detail

/// ln P(a, y), the log of the regularised lower incomplete gamma function, a > 0, y >= 0.
/// Power series a·ln y − y − lnΓ(a+1) + ln Σ_k y^k/((a+1)…(a+k)) where P is tiny (no underflow),
/// Boost.Math's gamma_p / log1p(−gamma_q) elsewhere.
inline double log_gamma_p(double a, double y) {
  if (y <= 0) return detail::kNegInf;
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

/// ln F(x; ν, λ), the log CDF of the noncentral χ² with ν = df > 0 degrees of freedom and
/// noncentrality λ = nc >= 0 (λ = 0 is the central χ²). Accurate deep into the lower tail.
/// O(sqrt(λ) + ν-independent) incomplete-gamma evaluations.
inline double ncx2_log_cdf(double x, double df, double nc) {
  detail::check_ncx2(df, nc, "genlab::bias::ncx2_log_cdf");
  core::require(!std::isnan(x), "genlab::bias::ncx2_log_cdf", "x", x, "a number");
  if (x <= 0) return detail::kNegInf;
  if (std::isinf(x)) return 0.0;
  const double mu = 0.5 * nc, y = 0.5 * x, a = 0.5 * df;
  if (x > df + nc) {
    // Upper half: F is near 1, so sum the upper tail Q = Σ Pois·Q(a+j, y) and take log1p(−Q).
    const double j0 = std::floor(mu);
    double q = 0;
    for (double j = j0; j >= 0; --j) {
      const double t = std::exp(detail::log_poisson(j, mu)) * boost::math::gamma_q(a + j, y);
      q += t;
      if (t < q * 1e-18 && j < j0 - 5) break;
    }
    for (double j = j0 + 1;; ++j) {
      const double w = std::exp(detail::log_poisson(j, mu));
      const double t = w * boost::math::gamma_q(a + j, y);
      q += t;
      if (j > mu && w < q * 1e-18 + 1e-300) break;  // Q(a+j, y) <= 1, so the Poisson tail bounds the rest
    }
    return std::log1p(-std::min(q, 1.0));
  }
  // Lower half: log-sum-exp of ln Pois(j) + ln P(a+j, y), a unimodal sequence in j; walk down and
  // up from j0 = ⌊λ/2⌋ until the terms fall kLogDrop below the running maximum.
  const double j0 = std::floor(mu);
  double best = detail::kNegInf, sum = 0;  // Σ e^{t − best}
  auto add = [&](double t) {
    if (t > best) {
      sum = sum * std::exp(best - t) + 1;
      best = t;
    } else {
      sum += std::exp(t - best);
    }
  };
  for (double j = j0; j >= 0; --j) {
    const double t = detail::log_poisson(j, mu) + log_gamma_p(a + j, y);
    add(t);
    if (t < best - detail::kLogDrop) break;
  }
  for (double j = j0 + 1;; ++j) {
    const double t = detail::log_poisson(j, mu) + log_gamma_p(a + j, y);
    add(t);
    if (t < best - detail::kLogDrop) break;
  }
  return best + std::log(sum);
}

/// −ln F(x; ν, λ) in nats: the exact inductive bias of P2 for x = ε/s.
inline double ncx2_neg_log_cdf(double x, double df, double nc) { return -ncx2_log_cdf(x, df, nc); }

/// ln f(x; ν, λ) of the noncentral χ² for many x at fixed (ν, λ): the largest term of the Poisson
/// mixture is found in closed form, the others follow by their ratio in linear space, and the two
/// lgamma values of the largest term come from tables built once for x <= x_max (lgamma is slow
/// and, in glibc, writes a global, which serialises threads).
class Ncx2LogPdf {
 public:
  Ncx2LogPdf(double df, double nc, double x_max = 0) : a_(0.5 * df), mu_(0.5 * nc) {
    detail::check_ncx2(df, nc, "genlab::bias::Ncx2LogPdf");
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
    if (!(x > 0) || std::isinf(x)) return detail::kNegInf;
    const double y = 0.5 * x, lx = std::log(x);
    constexpr double ln2 = 0.69314718055994530942;
    if (mu_ == 0) return (a_ - 1) * lx - y - a_ * ln2 - std::lgamma(a_);
    const double jm = peak(y);
    const auto ji = static_cast<std::size_t>(jm);
    const double lg_j = ji < lg_j_.size() ? lg_j_[ji] : std::lgamma(jm + 1);
    const double lg_aj = ji < lg_aj_.size() ? lg_aj_[ji] : std::lgamma(a_ + jm);
    const double h = a_ + jm;
    // ln Pois(jm; mu) + ln f_{χ²_{ν+2jm}}(x)
    const double t0 = -mu_ + jm * log_mu_ - lg_j + (h - 1) * lx - y - h * ln2 - lg_aj;
    // t_{j+1}/t_j = mu·y/((j+1)(a+j)); stop below e^-40 of the largest term.
    const double my = mu_ * y, drop = std::exp(-detail::kLogDrop);
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

/// ln f(x; ν, λ), the log density of the noncentral χ² (x > 0), summed in log space (see
/// Ncx2LogPdf; for many x at one (ν, λ) build an Ncx2LogPdf once).
inline double ncx2_log_pdf(double x, double df, double nc) { return Ncx2LogPdf(df, nc)(x); }

/// Sankaran's (1963) normal approximation of F(x; ν, λ), as in FieteLab/Exact-Inductive-Bias
/// utils.py: returns z, with F ≈ Φ(z).
inline double sankaran_z(double x, double df, double nc) {
  detail::check_ncx2(df, nc, "genlab::bias::sankaran_z");
  const double k = df, l = nc;
  const double h = 1 - (2.0 / 3.0) * (k + l) * (k + 3 * l) / ((k + 2 * l) * (k + 2 * l));
  const double p = (k + 2 * l) / ((k + l) * (k + l));
  const double m = (h - 1) * (1 - 3 * h);
  return (std::pow(x / (k + l), h) - (1 + h * p * (h - 1 - 0.5 * (2 - h) * m * p))) /
         (h * std::sqrt(2 * p) * (1 + 0.5 * m * p));
}

/// −ln Φ(z) for any z, without underflow (erfc for moderate z, the asymptotic series deep in the
/// lower tail).
inline double neg_log_normal_cdf(double z) {
  if (z > -30) return -std::log(0.5 * std::erfc(-z / std::sqrt(2.0)));
  // ln Φ(z) = −z²/2 − ln(−z√(2π)) + ln(1 − 1/z² + 3/z⁴ − 15/z⁶ ...)
  const double z2 = z * z;
  return 0.5 * z2 + std::log(-z * std::sqrt(2 * 3.14159265358979323846)) -
         std::log1p(-1 / z2 + 3 / (z2 * z2) - 15 / (z2 * z2 * z2));
}

/// −ln F in the reference code's way (Exact-Inductive-Bias utils.py): scipy's ncx2.logcdf, and,
/// where that underflows to −inf (F below the smallest subnormal, −ln F > 744.44), Sankaran's z²/2,
/// which drops the −ln(−z√(2π)) term of −ln Φ(z) and is biased low. Compatibility mode only:
/// prefer ncx2_neg_log_cdf. Nats.
inline double reference_compat_neg_log_cdf(double x, double df, double nc) {
  const double exact = ncx2_neg_log_cdf(x, df, nc);
  const double scipy_limit = -std::log(std::numeric_limits<double>::denorm_min());
  if (exact < scipy_limit) return exact;
  const double z = sankaran_z(x, df, nc);
  return 0.5 * z * z;
}

}  // namespace genlab::bias

#endif  // GENLAB_BIAS_NONCENTRAL_CHI_SQUARED_HPP
