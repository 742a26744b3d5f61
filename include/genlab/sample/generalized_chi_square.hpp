#ifndef GENLAB_SAMPLE_GENERALIZED_CHI_SQUARE_HPP
#define GENLAB_SAMPLE_GENERALIZED_CHI_SQUARE_HPP
// The generalized chi-square law Q = offset + Σ_j w_j χ'²_{h_j}(δ_j) of a GP hypothesis's test MSE
// (Boopathy, Yue, Hwang, Iyer, Fiete, "Towards Exact Computation of Inductive Bias", IJCAI 2024,
// §3.3), as returned by gp_loss_law(). A thin wrapper kept for source compatibility: every number
// comes from genlab::stats::GeneralizedChiSquared (stats/generalized_chi_squared.hpp), which has
// the one exact CDF; to_stats() gives that value type for the free functions (log_cdf, quantile...).

#include <vector>

#include "genlab/stats/generalized_chi_squared.hpp"

namespace genlab::sample {

/// Q = offset + Σ_j w_j χ'²_{h_j}(δ_j) with independent terms (field names of the original API;
/// stats::GeneralizedChiSquared calls them weights, dofs, noncentralities, offset).
struct GeneralizedChiSquare {
  std::vector<double> weights;        // w_j > 0
  std::vector<double> dof;            // h_j > 0
  std::vector<double> noncentrality;  // δ_j >= 0
  double offset = 0.0;

  stats::GeneralizedChiSquared to_stats() const { return {weights, dof, noncentrality, offset}; }
  void validate() const { to_stats().validate("genlab::sample::GeneralizedChiSquare"); }

  /// r-th cumulant κ_r = 2^{r-1}(r-1)! Σ w_j^r (h_j + r δ_j) (+ offset for r = 1), r in [1, 40].
  double cumulant(int r) const { return stats::cumulant(to_stats(), r); }
  double mean() const { return cumulant(1); }
  double variance() const { return cumulant(2); }

  /// P(Q <= x), exact in every regime (stats::cdf; see stats/generalized_chi_squared.hpp).
  double cdf(double x) const { return stats::cdf(to_stats(), x); }

  /// Former Imhof-integral CDF, which lost up to 0.25 absolute at low degrees of freedom. Kept so
  /// existing callers compile; it now returns the same exact value as cdf().
  double cdf_imhof(double x) const { return cdf(x); }
};

}  // namespace genlab::sample

#endif  // GENLAB_SAMPLE_GENERALIZED_CHI_SQUARE_HPP
