#ifndef GENLAB_BIAS_NONCENTRAL_CHI_SQUARED_HPP
#define GENLAB_BIAS_NONCENTRAL_CHI_SQUARED_HPP
// The noncentral χ² law χ'²_ν(λ) in log space, for the exact inductive bias of Boopathy, Yue, Hwang,
// Iyer, Fiete ("Towards Exact Computation of Inductive Bias", IJCAI 2024): I(ε) = −ln F(ε/s; ν, λ)
// for a loss law s·χ'²_ν(λ). The functions here are the original API, now thin wrappers of
// genlab::stats (stats/noncentral_chi_squared.hpp: the Poisson-mixture series summed in log space,
// exact from F = 1e-300 and below to 1 − F = 1e-300), plus the reference code's Sankaran
// compatibility mode.

#include <cmath>
#include <limits>

#include "genlab/core/error.hpp"
#include "genlab/stats/noncentral_chi_squared.hpp"
#include "genlab/stats/normal.hpp"

namespace genlab::bias {

namespace detail {
inline constexpr double kNegInf = -std::numeric_limits<double>::infinity();
// Terms below the running maximum by this much (e^-40 ≈ 4e-18) are dropped.
inline constexpr double kLogDrop = 40.0;

inline void check_ncx2(double df, double nc, const char* where) {
  stats::NoncentralChiSquared d;
  d.df = df;
  d.nc = nc;
  d.validate(where);
}
}  // namespace detail

/// ln P(a, y), the log of the regularised lower incomplete gamma function (stats::log_gamma_p).
inline double log_gamma_p(double a, double y) { return stats::log_gamma_p(a, y); }

/// ln F(x; ν, λ) of the noncentral χ² (df = ν > 0, nc = λ >= 0): stats::log_cdf.
inline double ncx2_log_cdf(double x, double df, double nc) {
  detail::check_ncx2(df, nc, "genlab::bias::ncx2_log_cdf");
  return stats::log_cdf(stats::NoncentralChiSquared(df, nc), x);
}

/// −ln F(x; ν, λ) in nats: the exact inductive bias of P2 for x = ε/s.
inline double ncx2_neg_log_cdf(double x, double df, double nc) { return -ncx2_log_cdf(x, df, nc); }

/// ln f(x; ν, λ) for many x at fixed (ν, λ) (stats::NoncentralChiSquaredLogPdf).
using Ncx2LogPdf = stats::NoncentralChiSquaredLogPdf;

/// ln f(x; ν, λ), the log density of the noncentral χ² (x > 0).
inline double ncx2_log_pdf(double x, double df, double nc) { return Ncx2LogPdf(df, nc)(x); }

/// Sankaran's (1963) normal approximation of F(x; ν, λ), as in FieteLab/Exact-Inductive-Bias
/// utils.py: returns z, with F ≈ Φ(z) (stats::sankaran_z).
inline double sankaran_z(double x, double df, double nc) {
  detail::check_ncx2(df, nc, "genlab::bias::sankaran_z");
  return stats::sankaran_z(stats::NoncentralChiSquared(df, nc), x);
}

/// −ln Φ(z) for any z, without underflow (stats::neg_log_normal_cdf).
inline double neg_log_normal_cdf(double z) { return stats::neg_log_normal_cdf(z); }

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
