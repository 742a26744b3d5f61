#ifndef GENLAB_BIAS_EXACT_HPP
#define GENLAB_BIAS_EXACT_HPP
// Exact inductive bias (Boopathy, Yue, Hwang, Iyer, Fiete, "Towards Exact Computation of Inductive
// Bias", IJCAI 2024):  I(ε) = −ln P_{h∼p_h}(L_test(h) <= ε)  over hypotheses that fit the training data.
// From sampled test losses: fit s·χ'²_ν(λ) (loss_model.hpp) and evaluate −ln F(ε/s; ν, λ) in log
// space (noncentral_chi_squared.hpp). For the GP hypothesis space also the exact law of the loss, a
// generalized χ², evaluated without fitting (generalized_chi_square_tail.hpp), so the fitted
// estimate can be checked against the truth.
//
// Uncertainty from the number S of sampled hypotheses:
//  * Fisher: sd(Î) ≈ sqrt(∇Iᵀ H⁻¹ ∇I), H the observed information (analytic Hessian of −ln L in
//    (ln ν, ln λ, ln s)); interval Î ± z·sd. (The paper's own bound was not retrieved; this is the
//    delta method.)
//  * bootstrap: refit on B resamples (Philox stream (seed, b)), percentile interval.
// Outputs are in nats with bits alongside (bits = nats / ln 2).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <boost/math/distributions/normal.hpp>

#include "genlab/core/parallel.hpp"
#include "genlab/bias/detail/constants.hpp"
#include "genlab/bias/generalized_chi_square_tail.hpp"
#include "genlab/bias/loss_model.hpp"
#include "genlab/bias/noncentral_chi_squared.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/random.hpp"
#include "genlab/sample/gaussian_process.hpp"
#include "genlab/stats/intervals.hpp"

namespace genlab::bias {

enum class LossFit { maximum_likelihood, cumulants };
/// exact: log-space −ln F everywhere. reference_compat: scipy's value where scipy is finite and
/// Sankaran's z²/2 where it underflows, as FieteLab/Exact-Inductive-Bias does.
enum class TailMode { exact, reference_compat };

struct ExactIbOptions {
  LossFit fit = LossFit::maximum_likelihood;
  TailMode tail = TailMode::exact;
  double confidence = 0.95;      ///< level of both intervals
  bool fisher_interval = true;   ///< needs fit = maximum_likelihood
  int bootstrap_resamples = 0;   ///< 0 = no bootstrap interval
  std::uint64_t seed = 0;        ///< bootstrap resampling
  MleFitOptions mle;

  void validate(const char* where) const {
    core::require(confidence > 0 && confidence < 1, where, "confidence", confidence, "in (0, 1)");
    core::require(bootstrap_resamples >= 0, where, "bootstrap_resamples", bootstrap_resamples, ">= 0");
    core::require(!fisher_interval || fit == LossFit::maximum_likelihood, where, "fisher_interval", fisher_interval,
                  "false unless fit = maximum_likelihood (the observed information is the likelihood's)");
  }
};

/// I at one target error ε.
struct ExactIbEstimate {
  double error = 0;                 ///< ε, in loss units
  double nats = 0, bits = 0;        ///< from the fitted model
  double empirical_fraction = 0;    ///< fraction of sampled losses <= ε (direct counting)
  double empirical_nats = 0;        ///< −ln of it (inf when no sample reaches ε)
  double law_nats = NAN;            ///< exact law (GP only; NaN otherwise)
  /// Delta-method (Wald) interval from the likelihood's observed information: I ± z·sd, its lower
  /// end clamped at 0 (I = −ln F can not be negative; small samples and targets near the typical
  /// loss would otherwise give negative lower ends).
  double fisher_sd_nats = NAN, fisher_low_nats = NAN, fisher_high_nats = NAN;
  double bootstrap_low_nats = NAN, bootstrap_high_nats = NAN;
};

struct ExactIbResult {
  ScaledNcx2 model;
  std::vector<ExactIbEstimate> estimates;
  std::size_t samples = 0;
  std::uint64_t seed = 0;  ///< of the hypothesis sample when sampled here (else the bootstrap seed)
  ExactIbOptions options;

  core::Json to_json() const {
    auto num = [](double v) { return std::isfinite(v) ? core::Json(v) : core::Json(nullptr); };
    core::Json rows = core::Json::array();
    for (const auto& e : estimates)
      rows.push_back(core::Json{{"error", e.error}, {"nats", num(e.nats)}, {"bits", num(e.bits)},
                      {"empirical_fraction", e.empirical_fraction}, {"empirical_nats", num(e.empirical_nats)},
                      {"law_nats", num(e.law_nats)}, {"law_bits", num(e.law_nats / detail::kLn2)},
                      {"fisher_sd_nats", num(e.fisher_sd_nats)}, {"fisher_low_nats", num(e.fisher_low_nats)},
                      {"fisher_high_nats", num(e.fisher_high_nats)}, {"bootstrap_low_nats", num(e.bootstrap_low_nats)},
                      {"bootstrap_high_nats", num(e.bootstrap_high_nats)}});
    return core::Json{{"model", model.to_json()}, {"samples", samples}, {"seed", seed},
                      {"fit", options.fit == LossFit::maximum_likelihood ? "maximum_likelihood" : "cumulants"},
                      {"tail", options.tail == TailMode::exact ? "exact" : "reference_compat"},
                      {"confidence", options.confidence}, {"estimates", rows}};
  }
};

/// −ln F(ε/s) of a fitted model under the chosen tail mode, nats.
inline double model_neg_log_cdf(const ScaledNcx2& m, double error, TailMode tail) {
  return tail == TailMode::exact ? ncx2_neg_log_cdf(error / m.scale, m.df, m.nc)
                                 : reference_compat_neg_log_cdf(error / m.scale, m.df, m.nc);
}

namespace detail {
inline ScaledNcx2 fit_losses(const std::vector<double>& losses, const ExactIbOptions& opt, const ScaledNcx2* start) {
  return opt.fit == LossFit::maximum_likelihood ? fit_ncx2_mle(losses, opt.mle, start) : fit_ncx2_cumulants(losses);
}
}  // namespace detail

/// Exact inductive bias at each target error from sampled test losses (all finite and > 0; the
/// ncx2 model has location 0). O(fit) + O(S) per ε, plus B refits for the bootstrap.
/// Throws on fewer than 3 losses, non-positive/NaN losses, or a target error <= 0.
inline ExactIbResult exact_inductive_bias(const std::vector<double>& losses, const std::vector<double>& errors,
                                          const ExactIbOptions& opt = {}) {
  const core::SingleThreadedProducts one_thread;  // bits independent of the thread count (core/parallel.hpp)
  const char* where = "genlab::bias::exact_inductive_bias";
  opt.validate(where);
  core::require(!errors.empty(), where, "errors.size()", 0, ">= 1 target error");
  for (double e : errors) core::require(std::isfinite(e) && e > 0, where, "error", e, "a finite target loss > 0");
  for (double v : losses) core::require(std::isfinite(v) && v > 0, where, "losses[i]", v, "finite and > 0");
  ExactIbResult r;
  r.options = opt;
  r.samples = losses.size();
  r.seed = opt.seed;
  r.model = detail::fit_losses(losses, opt, nullptr);
  std::vector<double> sorted = losses;
  std::sort(sorted.begin(), sorted.end());
  for (double e : errors) {
    ExactIbEstimate est;
    est.error = e;
    est.nats = model_neg_log_cdf(r.model, e, opt.tail);
    est.bits = est.nats / detail::kLn2;
    const auto below = std::upper_bound(sorted.begin(), sorted.end(), e) - sorted.begin();
    est.empirical_fraction = static_cast<double>(below) / static_cast<double>(sorted.size());
    est.empirical_nats = -std::log(est.empirical_fraction);
    r.estimates.push_back(est);
  }
  const double z = boost::math::quantile(boost::math::normal_distribution<double>(), 0.5 + 0.5 * opt.confidence);
  if (opt.fisher_interval) {
    // Observed information in θ = (ln ν, ln λ, ln s): the analytic Hessian of −ln L (at λ = 0 the
    // ln λ row is 0 and drops out below).
    const double th[3] = {std::log(r.model.df), std::log(std::max(r.model.nc, 1e-12)), std::log(r.model.scale)};
    const Ncx2LogLikelihoodDerivatives d = ncx2_log_likelihood_derivatives(losses, r.model.df, r.model.nc, r.model.scale);
    Eigen::Matrix3d H;
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) H(a, b) = -d.hessian[a][b];
    // Pseudo-inverse on the positive eigen-directions: λ at its boundary leaves a flat direction.
    Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d> eig(H);
    Eigen::Matrix3d cov = Eigen::Matrix3d::Zero();
    const double top = eig.eigenvalues().maxCoeff();
    for (int i = 0; i < 3; ++i)
      if (eig.eigenvalues()(i) > 1e-10 * top)
        cov += eig.eigenvectors().col(i) * eig.eigenvectors().col(i).transpose() / eig.eigenvalues()(i);
    for (auto& est : r.estimates) {
      Eigen::Vector3d g;
      for (int a = 0; a < 3; ++a) {
        double tp[3] = {th[0], th[1], th[2]}, tm[3] = {th[0], th[1], th[2]};
        tp[a] += 1e-5;
        tm[a] -= 1e-5;
        auto I_at = [&](const double* t) {
          return ncx2_neg_log_cdf(est.error / std::exp(t[2]), std::exp(t[0]), std::exp(t[1]));
        };
        g(a) = (I_at(tp) - I_at(tm)) / 2e-5;
      }
      est.fisher_sd_nats = std::sqrt(std::max(0.0, g.dot(cov * g)));
      est.fisher_low_nats = std::max(0.0, est.nats - z * est.fisher_sd_nats);
      est.fisher_high_nats = est.nats + z * est.fisher_sd_nats;
    }
  }
  if (opt.bootstrap_resamples > 0) {
    const std::size_t n = losses.size();
    std::vector<std::vector<double>> boot(r.estimates.size());
    std::vector<double> resample(n);
    for (int b = 0; b < opt.bootstrap_resamples; ++b) {
      core::Philox4x32 g = core::philox_stream(opt.seed, static_cast<std::uint64_t>(b));
      for (std::size_t i = 0; i < n; ++i) resample[i] = losses[core::uniform_index(g, static_cast<std::uint32_t>(n))];
      const ScaledNcx2 m = detail::fit_losses(resample, opt, &r.model);
      for (std::size_t e = 0; e < r.estimates.size(); ++e)
        boot[e].push_back(model_neg_log_cdf(m, r.estimates[e].error, opt.tail));
    }
    const double lo_q = 0.5 - 0.5 * opt.confidence, hi_q = 0.5 + 0.5 * opt.confidence;
    for (std::size_t e = 0; e < r.estimates.size(); ++e) {
      auto& v = boot[e];
      std::sort(v.begin(), v.end());
      // The statistics layer's percentile (linear between order statistics, numpy's default).
      r.estimates[e].bootstrap_low_nats = stats::detail::sorted_quantile(v, lo_q);
      r.estimates[e].bootstrap_high_nats = stats::detail::sorted_quantile(v, hi_q);
    }
  }
  return r;
}

/// A source of sampled hypotheses' test losses: sampler(seed, begin, end) returns the losses of
/// hypotheses [begin, end) (hypothesis i drawn from Philox stream (seed, i)), so CPU, GPU and
/// sharded samplers plug in interchangeably.
using LossSampler = std::function<std::vector<double>(std::uint64_t seed, std::uint64_t begin, std::uint64_t end)>;

/// Draws `count` hypotheses through `sampler` and estimates I at each target error.
inline ExactIbResult exact_inductive_bias_sampled(const LossSampler& sampler, std::uint64_t count, std::uint64_t seed,
                                                  const std::vector<double>& errors, const ExactIbOptions& opt = {}) {
  core::require(count >= 3, "genlab::bias::exact_inductive_bias_sampled", "count", count, ">= 3");
  const std::vector<double> losses = sampler(seed, 0, count);
  core::require(losses.size() == count, "genlab::bias::exact_inductive_bias_sampled", "sampler result size",
                losses.size(), "count = " + std::to_string(count));
  ExactIbResult r = exact_inductive_bias(losses, errors, opt);
  r.seed = seed;
  return r;
}

/// GP hypothesis space: samples `count` posterior hypotheses with genlab::sample::sample_gp_losses
/// (test MSE), fits the loss model, and adds the exact generalized-χ² value law_nats at each ε.
inline ExactIbResult gp_exact_inductive_bias(const sample::GpHypothesisSpace& space, std::uint64_t count,
                                             std::uint64_t seed, const std::vector<double>& errors,
                                             const ExactIbOptions& opt = {}) {
  const sample::GpFactor factor = sample::factor_gp(space);
  LossSampler sampler = [&](std::uint64_t s, std::uint64_t b, std::uint64_t e) {
    sample::SampleOptions so;
    so.classification_error = false;
    return sample::sample_gp_losses(factor, s, b, e, so).mse;
  };
  ExactIbResult r = exact_inductive_bias_sampled(sampler, count, seed, errors, opt);
  const sample::GeneralizedChiSquare law = sample::gp_loss_law(factor);
  for (auto& est : r.estimates) est.law_nats = generalized_chi_square_neg_log_cdf(law, est.error);
  return r;
}

}  // namespace genlab::bias

#endif  // GENLAB_BIAS_EXACT_HPP
