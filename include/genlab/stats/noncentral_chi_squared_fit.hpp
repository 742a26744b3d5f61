#ifndef GENLAB_STATS_NONCENTRAL_CHI_SQUARED_FIT_HPP
#define GENLAB_STATS_NONCENTRAL_CHI_SQUARED_FIT_HPP
// Closed-form fits of a scaled noncentral χ² s·χ'²_ν(λ) to cumulants (of a sample or of an exact
// law such as a generalized χ²). The sample maximum-likelihood fit (Newton on the Poisson-mixture
// likelihood) is stats::maximum_likelihood_fit (stats/noncentral_chi_squared_mle.hpp); its method
// tag is the same enum.
//
//  * cumulant matching (three cumulants; s·χ'²_ν(λ) has κ1 = s(ν+λ), κ2 = 2s²(ν+2λ),
//    κ3 = 8s³(ν+3λ), Johnson, Kotz & Balakrishnan, "Continuous Univariate Distributions" vol. 2,
//    eq. 29.7):  s = [κ2 − sqrt(κ2² − κ1κ3/2)]/(2κ1), λ = κ2/(2s²) − κ1/s, ν = κ1/s − λ.
//    Exact (recovers the law) when the data are a scaled noncentral χ².
//  * Satterthwaite (two cumulants, λ = 0): s = κ2/(2κ1), ν = 2κ1²/κ2 (Satterthwaite, "An
//    approximate distribution of estimates of variance components", Biometrics Bulletin 2:110,
//    1946) — the fallback when three-cumulant matching has no solution (negative discriminant or
//    λ < 0, i.e. κ3 too small or too large for any noncentral χ²).

#include <array>
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/stats/generalized_chi_squared.hpp"
#include "genlab/stats/scaled_noncentral_chi_squared.hpp"

namespace genlab::stats {

/// How a scaled noncentral χ² was obtained.
enum class Ncx2FitMethod {
  maximum_likelihood,  ///< sample MLE (stats::maximum_likelihood_fit)
  cumulants,           ///< three-cumulant match
  satterthwaite,       ///< two-cumulant match with λ = 0 (fallback of cumulants)
};

inline const char* to_string(Ncx2FitMethod m) {
  switch (m) {
    case Ncx2FitMethod::maximum_likelihood: return "maximum_likelihood";
    case Ncx2FitMethod::cumulants: return "cumulants";
    case Ncx2FitMethod::satterthwaite: return "satterthwaite";
  }
  return "?";
}

/// Writes to_string(m), so a method prints as its name.
inline std::ostream& operator<<(std::ostream& os, Ncx2FitMethod m) { return os << to_string(m); }

/// A fitted law and how it was fitted.
struct Ncx2Fit {
  ScaledNoncentralChiSquared law;
  Ncx2FitMethod method = Ncx2FitMethod::cumulants;
};

/// Two-cumulant (Satterthwaite) match: λ = 0, s = κ2/(2κ1), ν = 2κ1²/κ2. κ1, κ2 finite and > 0.
inline Ncx2Fit satterthwaite_fit(double k1, double k2) {
  const char* where = "genlab::stats::satterthwaite_fit";
  core::require(std::isfinite(k1) && k1 > 0, where, "k1", k1, "finite and > 0 (a positive mean)");
  core::require(std::isfinite(k2) && k2 > 0, where, "k2", k2, "finite and > 0 (a positive variance)");
  return {ScaledNoncentralChiSquared(k2 / (2 * k1), 2 * k1 * k1 / k2, 0), Ncx2FitMethod::satterthwaite};
}

/// Three-cumulant match (see the file comment), falling back to satterthwaite_fit when no scaled
/// noncentral χ² has these cumulants (κ3 NaN counts as missing). O(1).
inline Ncx2Fit cumulant_fit(double k1, double k2, double k3) {
  const char* where = "genlab::stats::cumulant_fit";
  core::require(std::isfinite(k1) && k1 > 0, where, "k1", k1, "finite and > 0 (a positive mean)");
  core::require(std::isfinite(k2) && k2 > 0, where, "k2", k2, "finite and > 0 (a positive variance)");
  const double disc = k2 * k2 - 0.5 * k1 * k3;
  if (std::isfinite(k3) && disc >= 0) {
    const double s = (k2 - std::sqrt(disc)) / (2 * k1);
    if (s > 0) {
      const double nc = k2 / (2 * s * s) - k1 / s;
      const double df = k1 / s - nc;
      if (nc >= 0 && df > 0 && std::isfinite(df)) return {ScaledNoncentralChiSquared(s, df, nc), Ncx2FitMethod::cumulants};
    }
  }
  return satterthwaite_fit(k1, k2);
}

/// The first three cumulants of a sample as its unbiased k-statistics k1 = mean,
/// k2 = n/(n−1)·m2, k3 = n²/((n−1)(n−2))·m3 (m_r the central sample moments; Fisher, "Moments and
/// product moments of sampling distributions", Proc. London Math. Soc. 30:199, 1930). Needs at
/// least 3 finite values. O(n).
inline std::array<double, 3> sample_cumulants(const std::vector<double>& sample) {
  const char* where = "genlab::stats::sample_cumulants";
  core::require(sample.size() >= 3, where, "sample.size()", sample.size(), ">= 3");
  const double n = static_cast<double>(sample.size());
  double mean = 0;
  for (std::size_t i = 0; i < sample.size(); ++i) {
    if (!std::isfinite(sample[i]))
      core::throw_invalid_argument(where, "sample[" + std::to_string(i) + "]", sample[i], "finite");
    mean += sample[i];
  }
  mean /= n;
  double m2 = 0, m3 = 0;
  for (double v : sample) {
    const double d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  return {mean, n / (n - 1) * m2, n * n / ((n - 1) * (n - 2)) * m3};
}

/// cumulant_fit on the sample's k-statistics (sample_cumulants): the method-of-moments fit, and the
/// start of maximum_likelihood_fit. The sample needs a positive mean and a positive variance. O(n).
inline Ncx2Fit cumulant_fit(const std::vector<double>& sample) {
  const auto k = sample_cumulants(sample);
  return cumulant_fit(k[0], k[1], k[2]);
}

/// The scaled noncentral χ² matching the first cumulants of a generalized χ² (offset must be 0:
/// s·χ'²_ν(λ) has no location). method = cumulants (with its Satterthwaite fallback) or
/// satterthwaite; maximum_likelihood needs a sample and throws std::invalid_argument here. This is
/// the approximation Boopathy et al. (IJCAI 2024, §3.3) make of the GP loss law, in closed form.
inline Ncx2Fit fit(const GeneralizedChiSquared& q, Ncx2FitMethod method = Ncx2FitMethod::cumulants) {
  const char* where = "genlab::stats::fit(GeneralizedChiSquared)";
  q.validate(where);
  core::require(q.offset == 0, where, "offset", q.offset, "0 (a scaled noncentral chi-square has no location)");
  core::require(!q.weights.empty(), where, "weights.size()", 0, ">= 1 term");
  core::require(method != Ncx2FitMethod::maximum_likelihood, where, "method", to_string(method),
                "cumulants or satterthwaite (maximum likelihood needs a sample: stats::maximum_likelihood_fit)");
  if (method == Ncx2FitMethod::satterthwaite) return satterthwaite_fit(cumulant(q, 1), cumulant(q, 2));
  return cumulant_fit(cumulant(q, 1), cumulant(q, 2), cumulant(q, 3));
}

}  // namespace genlab::stats

#endif  // GENLAB_STATS_NONCENTRAL_CHI_SQUARED_FIT_HPP
