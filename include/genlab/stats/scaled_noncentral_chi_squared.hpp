#ifndef GENLAB_STATS_SCALED_NONCENTRAL_CHI_SQUARED_HPP
#define GENLAB_STATS_SCALED_NONCENTRAL_CHI_SQUARED_HPP
// The scaled noncentral χ² law s·χ'²_ν(λ): the loss model of Boopathy, Yue, Hwang, Iyer, Fiete,
// "Towards Exact Computation of Inductive Bias" (IJCAI 2024, §3.3), whose inductive bias at target
// loss ε is I(ε) = −ln F(ε/s; ν, λ). Every function is the noncentral χ²'s at x/s (exact, see
// stats/noncentral_chi_squared.hpp); cumulants scale as s^r κ_r.

#include <cmath>

#include "genlab/core/error.hpp"
#include "genlab/stats/noncentral_chi_squared.hpp"

namespace genlab::stats {

/// scale · χ'²_df(nc). Construct with ScaledNoncentralChiSquared(scale, df, nc): throws
/// std::invalid_argument naming the parameter unless scale > 0, df > 0, nc >= 0 (all finite).
struct ScaledNoncentralChiSquared {
  double scale = 1;  ///< s > 0
  double df = 1;     ///< ν > 0
  double nc = 0;     ///< λ >= 0

  ScaledNoncentralChiSquared() = default;
  ScaledNoncentralChiSquared(double scale_, double df_, double nc_) : scale(scale_), df(df_), nc(nc_) { validate(); }
  void validate(const char* where = "genlab::stats::ScaledNoncentralChiSquared") const {
    core::require(std::isfinite(scale) && scale > 0, where, "scale", scale, "finite and > 0");
    core::require(std::isfinite(df) && df > 0, where, "df", df, "a finite number of degrees of freedom > 0");
    core::require(std::isfinite(nc) && nc >= 0, where, "nc", nc, "a finite noncentrality >= 0");
  }
  NoncentralChiSquared unscaled() const { return NoncentralChiSquared(df, nc); }
};

inline double cumulant(const ScaledNoncentralChiSquared& d, int r) {
  d.validate();
  return std::pow(d.scale, r) * cumulant(d.unscaled(), r);
}
inline double mean(const ScaledNoncentralChiSquared& d) { return cumulant(d, 1); }
inline double variance(const ScaledNoncentralChiSquared& d) { return cumulant(d, 2); }
inline double log_cdf(const ScaledNoncentralChiSquared& d, double x) { d.validate(); return log_cdf(d.unscaled(), x / d.scale); }
inline double cdf(const ScaledNoncentralChiSquared& d, double x) { return std::exp(log_cdf(d, x)); }
inline double log_survival(const ScaledNoncentralChiSquared& d, double x) {
  d.validate();
  return log_survival(d.unscaled(), x / d.scale);
}
inline double survival(const ScaledNoncentralChiSquared& d, double x) { return std::exp(log_survival(d, x)); }
inline double log_pdf(const ScaledNoncentralChiSquared& d, double x) {
  d.validate();
  return log_pdf(d.unscaled(), x / d.scale) - std::log(d.scale);
}
inline double pdf(const ScaledNoncentralChiSquared& d, double x) { return std::exp(log_pdf(d, x)); }
inline double quantile(const ScaledNoncentralChiSquared& d, double p) { d.validate(); return d.scale * quantile(d.unscaled(), p); }

}  // namespace genlab::stats

#endif  // GENLAB_STATS_SCALED_NONCENTRAL_CHI_SQUARED_HPP
