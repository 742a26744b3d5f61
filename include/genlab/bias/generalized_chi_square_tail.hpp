#ifndef GENLAB_BIAS_GENERALIZED_CHI_SQUARE_TAIL_HPP
#define GENLAB_BIAS_GENERALIZED_CHI_SQUARE_TAIL_HPP
// ln P(L <= x) for the generalized χ² law L = offset + Σ_j w_j χ'²_{h_j}(δ_j) of a GP hypothesis's
// test loss (Boopathy, Yue, Hwang, Iyer, Fiete, "Towards Exact Computation of Inductive Bias",
// IJCAI 2024, §3.3), accurate deep in the lower tail where P underflows a double: the exact
// inductive bias I(ε) = −ln P(L <= ε) without sampling or fitting. Thin wrappers of genlab::stats
// (stats/generalized_chi_squared.hpp: one exact CDF for every regime, saddlepoint-line inversion in
// log space in the tails); the original entry points keep their names.

#include <cmath>

#include "genlab/core/error.hpp"
#include "genlab/sample/generalized_chi_square.hpp"
#include "genlab/stats/constants.hpp"
#include "genlab/stats/generalized_chi_squared.hpp"

namespace genlab::bias {

/// ln P(L <= x) for the generalized χ² `law` (stats::log_cdf). −inf for x <= offset.
/// Throws std::invalid_argument for a law without terms, a bad law or NaN x.
inline double generalized_chi_square_log_cdf(const stats::GeneralizedChiSquared& law, double x) {
  core::require(!law.weights.empty(), "genlab::bias::generalized_chi_square_log_cdf", "law.weights.size()", 0,
                ">= 1 term");
  return stats::log_cdf(law, x);
}
inline double generalized_chi_square_log_cdf(const sample::GeneralizedChiSquare& law, double x) {
  return generalized_chi_square_log_cdf(law.to_stats(), x);
}

/// −ln P(L <= ε) in nats: the exact inductive bias of a hypothesis space whose test loss has the
/// generalized χ² law `law`, at target loss ε (IJCAI 2024, §3.1 definition with §3.3's law).
inline double generalized_chi_square_neg_log_cdf(const stats::GeneralizedChiSquared& law, double x) {
  return -generalized_chi_square_log_cdf(law, x);
}
inline double generalized_chi_square_neg_log_cdf(const sample::GeneralizedChiSquare& law, double x) {
  return -generalized_chi_square_log_cdf(law, x);
}

/// Lugannani–Rice saddlepoint approximation of ln P(L <= x) (stats::saddlepoint_approximation_log_cdf):
/// a cheap cross-check of the exact value, relative error of P ~1e-3.
inline double generalized_chi_square_log_cdf_saddlepoint(const sample::GeneralizedChiSquare& law, double x) {
  return stats::saddlepoint_approximation_log_cdf(law.to_stats(), x);
}

/// The exact inductive bias of a given loss law at target loss ε, without sampling or fitting:
/// I(ε) = −ln P(L <= ε), in nats and bits (bits = nats / ln 2).
struct LawInductiveBias {
  double error = 0;  ///< ε
  double nats = 0;
  double bits = 0;
  stats::GeneralizedChiSquaredMethod method = stats::GeneralizedChiSquaredMethod::point_mass;  ///< how ln P was computed
};

/// I(ε) of the generalized χ² loss law `law` (e.g. sample::gp_loss_law(space).to_stats()), for each
/// target loss ε > 0. O(terms · 10³) per ε.
inline LawInductiveBias law_inductive_bias(const stats::GeneralizedChiSquared& law, double error) {
  core::require(std::isfinite(error) && error > 0, "genlab::bias::law_inductive_bias", "error", error,
                "a finite target loss > 0");
  const stats::GeneralizedChiSquaredTails t = stats::tails(law, error);
  return {error, -t.log_cdf, -t.log_cdf / stats::constants::ln2, t.method};
}

}  // namespace genlab::bias

#endif  // GENLAB_BIAS_GENERALIZED_CHI_SQUARE_TAIL_HPP
