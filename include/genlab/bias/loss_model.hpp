#ifndef GENLAB_BIAS_LOSS_MODEL_HPP
#define GENLAB_BIAS_LOSS_MODEL_HPP
// The scaled noncentral χ² model s·χ'²_ν(λ) of sampled test losses (Boopathy, Yue, Hwang, Iyer,
// Fiete, "Towards Exact Computation of Inductive Bias", IJCAI 2024, §3.3; their reference code
// fits it with scipy.stats.ncx2.fit(losses, floc=0)): the fitted model as a record (ScaledNcx2:
// parameters, how it was fitted, its JSON form, −ln F at a target loss) and the loss-model names of
// the statistics layer's fits, which do the work:
//  * maximum likelihood (location 0): stats::maximum_likelihood_fit (damped Newton on
//    (ln ν, ln λ, ln s) with the analytic gradient and Hessian, stats/noncentral_chi_squared_mle.hpp);
//  * cumulant matching with the Satterthwaite fallback: stats::cumulant_fit on the sample's
//    k-statistics (stats/noncentral_chi_squared_fit.hpp).
// The fit's method is the enum stats::Ncx2FitMethod; JSON writes it as the strings
// "maximum_likelihood", "cumulants", "satterthwaite" (stats::to_string).

#include <array>
#include <optional>
#include <vector>

#include "genlab/bias/noncentral_chi_squared.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/stats/noncentral_chi_squared_fit.hpp"
#include "genlab/stats/noncentral_chi_squared_mle.hpp"
#include "genlab/stats/scaled_noncentral_chi_squared.hpp"

namespace genlab::bias {

/// L ~ scale · χ'²_df(nc), with how it was fitted.
struct ScaledNcx2 {
  double df = 1, nc = 0, scale = 1;
  /// cumulants, satterthwaite (the cumulant fit's fallback) or maximum_likelihood; written to JSON
  /// as that name (stats::to_string).
  stats::Ncx2FitMethod method = stats::Ncx2FitMethod::cumulants;
  double log_likelihood = 0;  ///< total, for maximum_likelihood (0 otherwise)
  int evaluations = 0;        ///< likelihood evaluations of the fit

  /// −ln P(L <= error) in nats (exact log-space CDF).
  double neg_log_cdf(double error) const { return ncx2_neg_log_cdf(error / scale, df, nc); }
  double mean() const { return scale * (df + nc); }
  /// The fitted law as a genlab::stats value type (validated: throws if df, nc, scale are bad).
  stats::ScaledNoncentralChiSquared law() const { return stats::ScaledNoncentralChiSquared(scale, df, nc); }
  core::Json to_json() const {
    return core::Json{{"df", df}, {"nc", nc}, {"scale", scale}, {"method", stats::to_string(method)},
                      {"log_likelihood", log_likelihood}, {"evaluations", evaluations}};
  }
};

/// A stats fit as a ScaledNcx2 with its method.
inline ScaledNcx2 to_scaled_ncx2(const stats::Ncx2Fit& f) {
  ScaledNcx2 m;
  m.df = f.law.df;
  m.nc = f.law.nc;
  m.scale = f.law.scale;
  m.method = f.method;
  return m;
}
/// A maximum-likelihood stats fit as a ScaledNcx2 (method maximum_likelihood).
inline ScaledNcx2 to_scaled_ncx2(const stats::Ncx2MleFit& f) {
  ScaledNcx2 m = to_scaled_ncx2(stats::Ncx2Fit{f.law, stats::Ncx2FitMethod::maximum_likelihood});
  m.log_likelihood = f.log_likelihood;
  m.evaluations = f.evaluations;
  return m;
}

// The loss-model names of the statistics layer's sample fits (stats/noncentral_chi_squared_fit.hpp,
// stats/noncentral_chi_squared_mle.hpp); nothing is computed here.

/// The first three cumulants (k-statistics) of the losses: stats::sample_cumulants.
inline std::array<double, 3> sample_cumulants(const std::vector<double>& losses) {
  return stats::sample_cumulants(losses);
}

/// Scaled ncx2 matching cumulants κ1 > 0, κ2 > 0, κ3 (with the Satterthwaite fallback):
/// stats::cumulant_fit, as a ScaledNcx2 (method cumulants or satterthwaite). O(1).
inline ScaledNcx2 ncx2_from_cumulants(double k1, double k2, double k3) {
  return to_scaled_ncx2(stats::cumulant_fit(k1, k2, k3));
}

/// Cumulant-matching fit to sampled losses: stats::cumulant_fit(losses). O(n).
inline ScaledNcx2 fit_ncx2_cumulants(const std::vector<double>& losses) {
  return to_scaled_ncx2(stats::cumulant_fit(losses));
}

/// Σ_i ln f(losses_i; ν, λ, s): stats::log_likelihood. Losses finite and > 0.
inline double ncx2_log_likelihood(const std::vector<double>& losses, double df, double nc, double scale) {
  return stats::log_likelihood(stats::ScaledNoncentralChiSquared(scale, df, nc), losses);
}

/// Value, gradient and Hessian of the log-likelihood in (ln ν, ln λ, ln s).
using Ncx2LogLikelihoodDerivatives = stats::Ncx2LogLikelihoodDerivatives;

/// stats::log_likelihood_derivatives of s·χ'²_ν(λ) on the losses.
inline Ncx2LogLikelihoodDerivatives ncx2_log_likelihood_derivatives(const std::vector<double>& losses, double df,
                                                                     double nc, double scale) {
  return stats::log_likelihood_derivatives(stats::ScaledNoncentralChiSquared(scale, df, nc), losses);
}

/// Settings of the maximum-likelihood fit (stats::Ncx2MleOptions).
using MleFitOptions = stats::Ncx2MleOptions;

/// Maximum-likelihood fit of s·χ'²_ν(λ), location 0 (scipy ncx2.fit(losses, floc=0)):
/// stats::maximum_likelihood_fit, started from `start` (by default the cumulant fit).
inline ScaledNcx2 fit_ncx2_mle(const std::vector<double>& losses, const MleFitOptions& opt = {},
                               const ScaledNcx2* start = nullptr) {
  std::optional<stats::ScaledNoncentralChiSquared> s;
  if (start) s = stats::ScaledNoncentralChiSquared(start->scale, start->df, start->nc);
  return to_scaled_ncx2(stats::maximum_likelihood_fit(losses, opt, s));
}

}  // namespace genlab::bias

#endif  // GENLAB_BIAS_LOSS_MODEL_HPP
