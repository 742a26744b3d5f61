#ifndef GENLAB_MEASURE_IRT_HPP
#define GENLAB_MEASURE_IRT_HPP
// Item response theory (spec: compositional_measurement.md §6.2, Easy2Hard-Bench's difficulty
// ratings). Responses y_ij ∈ {0, 1} of respondent j to item i follow
//   1PL (Rasch): P(y_ij = 1) = σ(θ_j − b_i),     2PL: P(y_ij = 1) = σ(a_i(θ_j − b_i)),
// with log-likelihood Σ_ij [y log p + (1 − y) log(1 − p)] (nats). b_i is the item's difficulty,
// a_i its discrimination, θ_j the respondent's ability. Two fitters:
//  - joint maximum likelihood (JML): alternating Newton steps on items and respondents, with
//    the identifiability constraint mean θ = 0 (and, for 2PL, sd θ = 1);
//  - marginal maximum likelihood (MML, Bock & Aitkin 1981): EM over θ ~ N(0, 1), integrated by
//    Gauss–Hermite quadrature; abilities are posterior means (EAP).
// An extreme response pattern (an item everyone answered correctly, a respondent who got every
// item wrong, ...) has no finite maximum-likelihood estimate. Following Winsteps' extreme-score
// adjustment, such a pattern is fitted as if its score were c = extreme_adjustment (0.3) points
// away from the extreme: every observed response counts as 1 − c/n (or c/n). The estimate is
// finite and flagged in `extreme_item` / `extreme_respondent`.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "genlab/core/error.hpp"
#include "genlab/core/io/csv.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/parallel.hpp"
#include "genlab/core/random.hpp"

namespace genlab::measure {

/// P(y = 1) = σ(a(θ − b)): the 1PL/2PL item response function (a = 1 for 1PL). Spot values:
/// (θ 1, b 0) → 0.7310586; (θ 0, b 1) → 0.2689414; (a 2, θ − b = 1) → 0.8807971.
inline double irt_probability(double theta, double difficulty, double discrimination = 1.0) {
  const double z = discrimination * (theta - difficulty);
  return z >= 0.0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
}

/// Binary responses of `respondents` to `items`, item-major; a missing response is -1.
struct ResponseMatrix {
  std::size_t items = 0;
  std::size_t respondents = 0;
  std::vector<std::int8_t> responses;  // responses[i * respondents + j] ∈ {0, 1, -1}

  ResponseMatrix() = default;
  ResponseMatrix(std::size_t n_items, std::size_t n_respondents, std::int8_t fill = -1)
      : items(n_items), respondents(n_respondents), responses(n_items * n_respondents, fill) {}

  std::int8_t& at(std::size_t item, std::size_t respondent) { return responses[item * respondents + respondent]; }
  std::int8_t at(std::size_t item, std::size_t respondent) const { return responses[item * respondents + respondent]; }

  /// Throws std::invalid_argument unless the sizes agree, every entry is 0, 1 or -1, and every
  /// item and respondent has at least one observed response.
  void validate() const {
    constexpr const char* where = "genlab::measure::ResponseMatrix";
    core::require(items >= 1, where, "items", items, ">= 1");
    core::require(respondents >= 1, where, "respondents", respondents, ">= 1");
    core::require(responses.size() == items * respondents, where, "responses.size()", responses.size(),
                  "items * respondents = " + std::to_string(items * respondents));
    std::vector<std::size_t> per_respondent(respondents, 0);
    for (std::size_t i = 0; i < items; ++i) {
      std::size_t seen = 0;
      for (std::size_t j = 0; j < respondents; ++j) {
        const int y = at(i, j);
        if (y != 0 && y != 1 && y != -1)
          core::throw_invalid_argument(where, "response (" + std::to_string(i) + ", " + std::to_string(j) + ")", y,
                                       "0, 1 or -1 (missing)");
        if (y >= 0) ++seen, ++per_respondent[j];
      }
      core::require(seen > 0, where, "observed responses of item " + std::to_string(i), seen,
                    ">= 1 (an empty item cannot be fitted)");
    }
    for (std::size_t j = 0; j < respondents; ++j)
      core::require(per_respondent[j] > 0, where, "observed responses of respondent " + std::to_string(j),
                    per_respondent[j], ">= 1 (an empty respondent cannot be fitted)");
  }
};

enum class IrtModel { one_pl, two_pl };
enum class IrtMethod { joint_ml, marginal_ml };

/// How to fit. `tolerance` bounds the largest change of any item parameter between iterations
/// at convergence. `discrimination_prior_sd` > 0 adds a log a ~ N(0, sd²) penalty to 2PL fits
/// (MAP on log a, which keeps a finite for items that separate the respondents perfectly);
/// 0 is plain maximum likelihood.
struct IrtConfig {
  IrtModel model = IrtModel::one_pl;
  IrtMethod method = IrtMethod::marginal_ml;
  std::size_t max_iterations = 500;
  double tolerance = 1e-5;
  std::size_t quadrature_points = 61;  // Gauss–Hermite nodes (MML)
  double extreme_adjustment = 0.3;     // score points, in (0, 0.5)
  double discrimination_prior_sd = 0.0;
  bool parameter_expansion = true;     // PX-EM acceleration of MML (see fit_irt_mml)

  void validate() const {
    constexpr const char* where = "genlab::measure::IrtConfig";
    core::require(max_iterations >= 1, where, "max_iterations", max_iterations, ">= 1");
    core::require(tolerance > 0.0, where, "tolerance", tolerance, "> 0");
    core::require(quadrature_points >= 3 && quadrature_points <= 201, where, "quadrature_points", quadrature_points,
                  "in 3..201");
    core::require(extreme_adjustment > 0.0 && extreme_adjustment < 0.5, where, "extreme_adjustment",
                  extreme_adjustment, "a score adjustment in (0, 0.5)");
    core::require(discrimination_prior_sd >= 0.0 && std::isfinite(discrimination_prior_sd), where,
                  "discrimination_prior_sd", discrimination_prior_sd, ">= 0 (0 = no prior)");
  }
};

/// Fitted parameters with standard errors (asymptotic; see fit_irt).
struct IrtFit {
  IrtConfig config;
  std::vector<double> difficulty, difficulty_se;          // b_i
  std::vector<double> discrimination, discrimination_se;  // a_i (1 and 0 for 1PL)
  std::vector<double> ability, ability_se;                // θ_j (JML: MLE; MML: EAP and posterior sd)
  std::vector<std::uint8_t> extreme_item, extreme_respondent;
  double log_likelihood_nats = 0.0;  // joint (JML) or marginal (MML) at the estimate
  std::size_t iterations = 0;
  bool converged = false;

  core::CsvTable items_csv() const {
    core::CsvTable t({"item", "difficulty", "difficulty_se", "discrimination", "discrimination_se", "extreme"});
    for (std::size_t i = 0; i < difficulty.size(); ++i)
      t.row(i, difficulty[i], difficulty_se[i], discrimination[i], discrimination_se[i], int(extreme_item[i]));
    return t;
  }
  core::Json to_json() const {
    return core::Json{{"model", config.model == IrtModel::one_pl ? "1PL" : "2PL"},
                      {"method", config.method == IrtMethod::joint_ml ? "joint_ml" : "marginal_ml"},
                      {"quadrature_points", config.quadrature_points},
                      {"extreme_adjustment", config.extreme_adjustment},
                      {"discrimination_prior_sd", config.discrimination_prior_sd},
                      {"log_likelihood_nats", log_likelihood_nats},
                      {"iterations", iterations},
                      {"converged", converged},
                      {"difficulty", difficulty},
                      {"difficulty_se", difficulty_se},
                      {"discrimination", discrimination},
                      {"discrimination_se", discrimination_se},
                      {"ability", ability},
                      {"ability_se", ability_se},
                      {"extreme_item", extreme_item},
                      {"extreme_respondent", extreme_respondent}};
  }
};

/// Gauss–Hermite rule for E[f(θ)], θ ~ N(0, 1): nodes and weights (summing to 1) by the
/// Golub–Welsch eigenvalue method on the probabilists' Hermite Jacobi matrix. O(Q³).
struct GaussHermite {
  std::vector<double> nodes;
  std::vector<double> weights;
};

inline GaussHermite gauss_hermite_normal(std::size_t points) {
  core::require(points >= 1 && points <= 400, "genlab::measure::gauss_hermite_normal", "points", points, "in 1..400");
  GaussHermite gh;
  if (points == 1) {
    gh.nodes = {0.0};
    gh.weights = {1.0};
    return gh;
  }
  Eigen::VectorXd diag = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(points));
  Eigen::VectorXd off(static_cast<Eigen::Index>(points - 1));
  for (Eigen::Index k = 0; k < off.size(); ++k) off[k] = std::sqrt(static_cast<double>(k + 1));
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es;
  es.computeFromTridiagonal(diag, off, Eigen::ComputeEigenvectors);
  gh.nodes.resize(points);
  gh.weights.resize(points);
  double total = 0.0;
  for (std::size_t k = 0; k < points; ++k) {
    const auto ek = static_cast<Eigen::Index>(k);
    gh.nodes[k] = es.eigenvalues()[ek];
    const double v = es.eigenvectors()(0, ek);
    gh.weights[k] = std::max(v * v, 1e-300);  // far-tail weights can underflow; keep logs finite
    total += gh.weights[k];
  }
  for (auto& w : gh.weights) w /= total;
  return gh;
}

namespace detail {

inline double log_sigmoid(double z) { return z >= 0.0 ? -std::log1p(std::exp(-z)) : z - std::log1p(std::exp(z)); }

/// Newton/Fisher-scoring step for one item's (b) or (log a, b) given weighted data points
/// (θ_k, r_k correct out of n_k): returns the new parameters and the information matrix.
/// Steps are capped at 1 logit so a poor start cannot overshoot.
struct ItemStep {
  double b = 0.0, log_a = 0.0;
  double info_bb = 0.0, info_uu = 0.0, info_ub = 0.0;
  double change = 0.0;
};

template <class Points>
ItemStep item_newton(bool two_pl, double b, double log_a, double prior_sd, Points&& for_each_point) {
  const double a = std::exp(log_a);
  double gb = 0.0, gu = 0.0, wsum = 0.0, wz = 0.0, wzz = 0.0;
  for_each_point([&](double theta, double r, double n) {
    const double z = a * (theta - b);
    const double p = 1.0 / (1.0 + std::exp(-z));
    const double resid = r - n * p;
    const double w = n * p * (1.0 - p);
    gb -= a * resid;
    gu += resid * z;
    wsum += w;
    wz += w * z;
    wzz += w * z * z;
  });
  ItemStep s;
  s.info_bb = a * a * wsum;
  s.info_uu = wzz;
  s.info_ub = -a * wz;
  if (!two_pl) {
    const double step = s.info_bb > 0.0 ? std::clamp(gb / s.info_bb, -1.0, 1.0) : 0.0;
    s.b = b + step;
    s.log_a = log_a;
    s.change = std::fabs(step);
    return s;
  }
  double iuu = s.info_uu, ibb = s.info_bb, iub = s.info_ub;
  if (prior_sd > 0.0) {
    gu -= log_a / (prior_sd * prior_sd);
    iuu += 1.0 / (prior_sd * prior_sd);
    s.info_uu = iuu;
  }
  double det = iuu * ibb - iub * iub;
  const double ridge = 1e-10 * (iuu + ibb + 1e-300);
  if (!(det > ridge * (iuu + ibb))) {  // near-singular: fall back to a damped diagonal step
    iuu += ridge + 1e-8;
    ibb += ridge + 1e-8;
    iub = 0.0;
    det = iuu * ibb;
  }
  double du = (ibb * gu - iub * gb) / det;
  double db = (iuu * gb - iub * gu) / det;
  const double norm = std::max(std::fabs(du), std::fabs(db));
  if (norm > 1.0) {
    du /= norm;
    db /= norm;
  }
  // Backtrack until the item's (penalised) log-likelihood does not decrease: a full Newton step
  // on the non-concave (log a, b) surface can overshoot and cycle.
  const auto loglik = [&](double bb, double uu) {
    const double aa = std::exp(uu);
    double ll = prior_sd > 0.0 ? -0.5 * uu * uu / (prior_sd * prior_sd) : 0.0;
    for_each_point([&](double theta, double r, double n) {
      const double z = aa * (theta - bb);
      ll += r * log_sigmoid(z) + (n - r) * log_sigmoid(-z);
    });
    return ll;
  };
  const double ll0 = loglik(b, log_a);
  for (int halvings = 0; halvings < 30 && loglik(b + db, log_a + du) < ll0; ++halvings) {
    du /= 2.0;
    db /= 2.0;
  }
  s.log_a = log_a + du;
  s.b = b + db;
  s.change = std::max(std::fabs(db), std::fabs(std::exp(s.log_a) - a));
  return s;
}

/// Standard errors from an item information matrix in (log a, b).
inline void item_standard_errors(bool two_pl, double a, double info_uu, double info_ub, double info_bb, double& se_b,
                                 double& se_a) {
  if (!two_pl) {
    se_b = info_bb > 0.0 ? 1.0 / std::sqrt(info_bb) : std::numeric_limits<double>::infinity();
    se_a = 0.0;
    return;
  }
  const double det = info_uu * info_bb - info_ub * info_ub;
  if (!(det > 0.0)) {
    se_b = se_a = std::numeric_limits<double>::infinity();
    return;
  }
  se_b = std::sqrt(info_uu / det);
  se_a = a * std::sqrt(info_bb / det);  // delta method from log a
}

struct ExtremeScores {
  std::vector<double> correct_value;    // what an observed 1 counts as (1, or 1 − c/n if all correct)
  std::vector<double> incorrect_value;  // what an observed 0 counts as (0, or c/n if all wrong)
  std::vector<std::uint8_t> extreme;
};

inline ExtremeScores extreme_scores(const std::vector<std::size_t>& n, const std::vector<std::size_t>& r, double c) {
  ExtremeScores e;
  e.correct_value.assign(n.size(), 1.0);
  e.incorrect_value.assign(n.size(), 0.0);
  e.extreme.assign(n.size(), 0);
  for (std::size_t k = 0; k < n.size(); ++k) {
    const double adj = c / static_cast<double>(n[k]);
    if (r[k] == n[k]) e.correct_value[k] = 1.0 - adj, e.extreme[k] = 1;
    if (r[k] == 0) e.incorrect_value[k] = adj, e.extreme[k] = 1;
  }
  return e;
}

inline double logit_clamped(double p) {
  p = std::clamp(p, 1e-3, 1.0 - 1e-3);
  return std::log(p / (1.0 - p));
}

}  // namespace detail

/// Joint maximum likelihood. Each iteration takes one Newton step for every item (abilities
/// fixed) and every respondent (items fixed), then re-centres θ to mean 0 (2PL: also sd 1,
/// rescaling a and b so that the predictions are unchanged; with a discrimination prior the
/// prior fixes the scale instead, and only the mean is constrained). Standard errors are the inverse
/// Fisher information of each parameter block with the others held fixed. JML's estimates
/// carry the known O(1/items) bias (Andersen 1973); with hundreds of items it is small.
/// O(iterations · items · respondents).
inline IrtFit fit_irt_jml(const ResponseMatrix& data, const IrtConfig& config) {
  const std::size_t I = data.items, J = data.respondents;
  const bool two_pl = config.model == IrtModel::two_pl;
  std::vector<std::size_t> n_item(I, 0), r_item(I, 0), n_resp(J, 0), r_resp(J, 0);
  std::vector<std::int8_t> by_resp(I * J);  // respondent-major copy for the ability pass
  for (std::size_t i = 0; i < I; ++i)
    for (std::size_t j = 0; j < J; ++j) {
      const auto y = data.at(i, j);
      by_resp[j * I + i] = y;
      if (y < 0) continue;
      ++n_item[i], ++n_resp[j];
      r_item[i] += static_cast<std::size_t>(y);
      r_resp[j] += static_cast<std::size_t>(y);
    }
  const auto ex_i = detail::extreme_scores(n_item, r_item, config.extreme_adjustment);
  const auto ex_j = detail::extreme_scores(n_resp, r_resp, config.extreme_adjustment);
  // One adjusted response per cell, shared by the item and the respondent passes, so that both
  // sets of likelihood equations agree on the total score (otherwise the common location
  // would drift forever). A cell of an extreme item takes the item's adjustment.
  const auto effective = [&](std::size_t i, std::size_t j, std::int8_t y) {
    if (ex_i.extreme[i]) return y ? ex_i.correct_value[i] : ex_i.incorrect_value[i];
    return y ? ex_j.correct_value[j] : ex_j.incorrect_value[j];
  };
  IrtFit fit;
  fit.config = config;
  std::vector<double> b(I), log_a(I, 0.0), theta(J);
  for (std::size_t i = 0; i < I; ++i)
    b[i] = -detail::logit_clamped((static_cast<double>(r_item[i]) + 0.5) / (static_cast<double>(n_item[i]) + 1.0));
  for (std::size_t j = 0; j < J; ++j)
    theta[j] = detail::logit_clamped((static_cast<double>(r_resp[j]) + 0.5) / (static_cast<double>(n_resp[j]) + 1.0));
  std::vector<detail::ItemStep> steps(I);
  std::vector<double> theta_info(J, 0.0);
  const auto item_pass = [&] {
    core::parallel_for(static_cast<std::int64_t>(I), [&](std::int64_t ii) {
      const auto i = static_cast<std::size_t>(ii);
      const std::int8_t* row = &data.responses[i * J];
      steps[i] = detail::item_newton(two_pl, b[i], log_a[i], config.discrimination_prior_sd, [&](auto&& point) {
        for (std::size_t j = 0; j < J; ++j)
          if (row[j] >= 0) point(theta[j], effective(i, j, row[j]), 1.0);
      });
    });
  };
  const auto respondent_pass = [&] {
    double change = 0.0;
    std::vector<double> changes(J, 0.0);
    core::parallel_for(static_cast<std::int64_t>(J), [&](std::int64_t jj) {
      const auto j = static_cast<std::size_t>(jj);
      const std::int8_t* col = &by_resp[j * I];
      double g = 0.0, h = 0.0;
      for (std::size_t i = 0; i < I; ++i) {
        if (col[i] < 0) continue;
        const double a = std::exp(log_a[i]);
        const double p = irt_probability(theta[j], b[i], a);
        const double y = effective(i, j, col[i]);
        g += a * (y - p);
        h += a * a * p * (1.0 - p);
      }
      theta_info[j] = h;
      const double step = h > 0.0 ? std::clamp(g / h, -1.0, 1.0) : 0.0;
      theta[j] += step;
      changes[j] = std::fabs(step);
    });
    for (double c : changes) change = std::max(change, c);
    return change;
  };
  const auto recentre = [&] {
    double mean = 0.0;
    for (double t : theta) mean += t;
    mean /= static_cast<double>(J);
    double scale = 1.0;
    if (two_pl && J > 1 && config.discrimination_prior_sd == 0.0) {  // a prior on log a fixes the scale itself
      double ss = 0.0;
      for (double t : theta) ss += (t - mean) * (t - mean);
      const double sd = std::sqrt(ss / static_cast<double>(J));
      if (sd > 1e-12) scale = sd;
    }
    for (auto& t : theta) t = (t - mean) / scale;
    for (std::size_t i = 0; i < I; ++i) {
      b[i] = (b[i] - mean) / scale;
      log_a[i] += std::log(scale);
    }
  };
  for (fit.iterations = 1; fit.iterations <= config.max_iterations; ++fit.iterations) {
    item_pass();
    double change = 0.0;
    for (std::size_t i = 0; i < I; ++i) {
      change = std::max(change, steps[i].change);
      b[i] = steps[i].b;
      log_a[i] = steps[i].log_a;
    }
    change = std::max(change, respondent_pass());
    recentre();
    if (change < config.tolerance) {
      fit.converged = true;
      break;
    }
  }
  fit.iterations = std::min(fit.iterations, config.max_iterations);
  // Information at the final estimate (one more evaluation, no move).
  item_pass();
  respondent_pass();
  recentre();
  fit.difficulty = b;
  fit.difficulty_se.resize(I);
  fit.discrimination.resize(I);
  fit.discrimination_se.resize(I);
  for (std::size_t i = 0; i < I; ++i) {
    fit.discrimination[i] = std::exp(log_a[i]);
    detail::item_standard_errors(two_pl, fit.discrimination[i], steps[i].info_uu, steps[i].info_ub, steps[i].info_bb,
                                 fit.difficulty_se[i], fit.discrimination_se[i]);
    if (!two_pl) fit.discrimination_se[i] = 0.0;
  }
  fit.ability = theta;
  fit.ability_se.resize(J);
  for (std::size_t j = 0; j < J; ++j)
    fit.ability_se[j] = theta_info[j] > 0.0 ? 1.0 / std::sqrt(theta_info[j]) : std::numeric_limits<double>::infinity();
  fit.extreme_item = ex_i.extreme;
  fit.extreme_respondent = ex_j.extreme;
  double ll = 0.0;
  for (std::size_t i = 0; i < I; ++i)
    for (std::size_t j = 0; j < J; ++j) {
      const auto y = data.at(i, j);
      if (y < 0) continue;
      const double z = fit.discrimination[i] * (theta[j] - b[i]);
      ll += y ? detail::log_sigmoid(z) : detail::log_sigmoid(-z);
    }
  fit.log_likelihood_nats = ll;
  return fit;
}

/// Marginal maximum likelihood by EM (Bock & Aitkin 1981) with θ ~ N(0, 1) integrated by a
/// `quadrature_points`-node Gauss–Hermite rule. E-step: posterior weights W (respondents × Q)
/// in log space; M-step: Newton steps per item on the expected counts r_iq = Σ_j y_ij W_jq,
/// n_iq = Σ_j m_ij W_jq (both matrix products), accelerated by parameter expansion (the latent
/// mean, and for 2PL its sd, are fitted and mapped back onto the items). Abilities are posterior means with posterior sd
/// as their standard error. Item standard errors come from the cross-product of per-respondent
/// marginal scores (XPD, the empirical information of the item's block; it ignores the small
/// covariances between items). O(iterations · items · respondents · Q), mostly in GEMM.
inline IrtFit fit_irt_mml(const ResponseMatrix& data, const IrtConfig& config) {
  using Eigen::Index;
  const std::size_t I = data.items, J = data.respondents, Q = config.quadrature_points;
  const bool two_pl = config.model == IrtModel::two_pl;
  const GaussHermite gh = gauss_hermite_normal(Q);
  Eigen::MatrixXd Y = Eigen::MatrixXd::Zero(static_cast<Index>(J), static_cast<Index>(I));  // 1 = correct
  Eigen::MatrixXd M;                                                                       // 1 = observed (if any missing)
  std::vector<std::size_t> n_item(I, 0), r_item(I, 0), n_resp(J, 0), r_resp(J, 0);
  bool missing = false;
  for (std::size_t i = 0; i < I; ++i)
    for (std::size_t j = 0; j < J; ++j) {
      const auto y = data.at(i, j);
      if (y < 0) {
        missing = true;
        continue;
      }
      ++n_item[i], ++n_resp[j];
      r_item[i] += static_cast<std::size_t>(y);
      r_resp[j] += static_cast<std::size_t>(y);
      Y(static_cast<Index>(j), static_cast<Index>(i)) = y;
    }
  if (missing) {
    M = Eigen::MatrixXd::Zero(static_cast<Index>(J), static_cast<Index>(I));
    for (std::size_t i = 0; i < I; ++i)
      for (std::size_t j = 0; j < J; ++j) M(static_cast<Index>(j), static_cast<Index>(i)) = data.at(i, j) >= 0;
  }
  const auto ex_i = detail::extreme_scores(n_item, r_item, config.extreme_adjustment);
  const auto ex_j = detail::extreme_scores(n_resp, r_resp, config.extreme_adjustment);
  IrtFit fit;
  fit.config = config;
  std::vector<double> b(I), log_a(I, 0.0);
  for (std::size_t i = 0; i < I; ++i)  // σ(θ − b) averaged over N(0,1) ≈ σ(−b/1.2)
    b[i] = -1.2 * detail::logit_clamped((static_cast<double>(r_item[i]) + 0.5) / (static_cast<double>(n_item[i]) + 1.0));
  Eigen::Map<const Eigen::VectorXd> x(gh.nodes.data(), static_cast<Index>(Q));
  Eigen::RowVectorXd log_w(static_cast<Index>(Q));
  for (std::size_t q = 0; q < Q; ++q) log_w[static_cast<Index>(q)] = std::log(gh.weights[q]);
  Eigen::MatrixXd LP(static_cast<Index>(I), static_cast<Index>(Q)), LQ(static_cast<Index>(I), static_cast<Index>(Q));
  Eigen::MatrixXd W(static_cast<Index>(J), static_cast<Index>(Q));
  Eigen::VectorXd row_lse(static_cast<Index>(J));
  const auto e_step = [&] {
    for (std::size_t i = 0; i < I; ++i) {
      const double a = std::exp(log_a[i]);
      for (std::size_t q = 0; q < Q; ++q) {
        const double z = a * (gh.nodes[q] - b[i]);
        LP(static_cast<Index>(i), static_cast<Index>(q)) = detail::log_sigmoid(z);
        LQ(static_cast<Index>(i), static_cast<Index>(q)) = detail::log_sigmoid(-z);
      }
    }
    // log L_jq = Σ_i y_ij LP_iq + (m_ij − y_ij) LQ_iq = Y (LP − LQ) + M LQ.
    W.noalias() = Y * (LP - LQ);
    if (missing)
      W.noalias() += M * LQ;
    else
      W.rowwise() += LQ.colwise().sum();
    W.rowwise() += log_w;
    for (Index j = 0; j < W.rows(); ++j) {
      const double mx = W.row(j).maxCoeff();
      W.row(j) = (W.row(j).array() - mx).exp();
      const double s = W.row(j).sum();
      W.row(j) /= s;
      row_lse[j] = mx + std::log(s);
    }
  };
  Eigen::MatrixXd R, N;
  std::vector<detail::ItemStep> steps(I);
  const auto m_step = [&](bool move) {
    R.noalias() = Y.transpose() * W;  // items × Q expected correct counts
    if (missing)
      N.noalias() = M.transpose() * W;
    else
      N = W.colwise().sum().replicate(static_cast<Index>(I), 1);
    double change = 0.0;
    core::parallel_for(static_cast<std::int64_t>(I), [&](std::int64_t ii) {
      const auto i = static_cast<std::size_t>(ii);
      const auto ei = static_cast<Index>(i);
      // Extreme items: counts shrunk toward the adjusted score (see the header comment).
      const double keep = ex_i.extreme[i] ? (r_item[i] ? ex_i.correct_value[i] : 0.0) : 1.0;
      const double add = ex_i.extreme[i] && !r_item[i] ? ex_i.incorrect_value[i] : 0.0;
      double bb = b[i], la = log_a[i];
      detail::ItemStep s;
      for (int k = 0; k < (move ? 3 : 1); ++k) {
        s = detail::item_newton(two_pl, bb, la, config.discrimination_prior_sd, [&](auto&& point) {
          for (std::size_t q = 0; q < Q; ++q) {
            const double n = N(ei, static_cast<Index>(q));
            point(gh.nodes[q], keep * R(ei, static_cast<Index>(q)) + add * n, n);
          }
        });
        if (!move) break;
        bb = s.b;
        la = s.log_a;
      }
      s.b = bb;
      s.log_a = la;
      steps[i] = s;
    });
    if (!move) return 0.0;
    // Parameter expansion (PX-EM, Liu, Rubin & Wu 1998): also fit the latent mean μ (and, for
    // 2PL, sd s) from the posteriors, then map back to θ ~ N(0, 1): b ← (b − μ)/s, a ← a s.
    // Plain EM crawls along this direction at rate ≈ 1/(1 + posterior variance), which is
    // close to 1 when there are many items; the expansion removes that mode. Its fixed point
    // solves the exact-integral likelihood equations, so it can differ from the maximiser of
    // the quadrature-approximated likelihood by the quadrature error (parameter_expansion =
    // false gives the latter, slowly).
    const Eigen::RowVectorXd mass = W.colwise().sum() / static_cast<double>(J);
    const double mu = config.parameter_expansion ? mass.dot(x) : 0.0;
    const double s = two_pl && config.parameter_expansion && config.discrimination_prior_sd == 0.0 ? std::sqrt(std::max(mass.dot(x.cwiseProduct(x)) - mu * mu, 1e-6)) : 1.0;
    for (std::size_t i = 0; i < I; ++i) {
      const double nb = (steps[i].b - mu) / s, nla = steps[i].log_a + std::log(s);
      change = std::max({change, std::fabs(nb - b[i]), std::fabs(std::exp(nla) - std::exp(log_a[i]))});
      b[i] = nb;
      log_a[i] = nla;
    }
    return change;
  };
  for (fit.iterations = 1; fit.iterations <= config.max_iterations; ++fit.iterations) {
    e_step();
    if (m_step(true) < config.tolerance) {
      fit.converged = true;
      break;
    }
  }
  fit.iterations = std::min(fit.iterations, config.max_iterations);
  e_step();
  fit.log_likelihood_nats = row_lse.sum();
  // Abilities: posterior mean and sd.
  fit.ability.resize(J);
  fit.ability_se.resize(J);
  const Eigen::VectorXd eap = W * x;
  const Eigen::VectorXd second = W * x.cwiseProduct(x);
  for (std::size_t j = 0; j < J; ++j) {
    const auto ej = static_cast<Index>(j);
    fit.ability[j] = eap[ej];
    fit.ability_se[j] = std::sqrt(std::max(second[ej] - eap[ej] * eap[ej], 0.0));
  }
  // Item information by XPD: marginal score of respondent j for item i is
  //   ∂/∂b: −a (y − E_j[p]),   ∂/∂log a: a (y (θ̄_j − b) − E_j[p (θ − b)]),
  // where E_j averages over j's posterior. The needed posterior averages are W·Pᵀ and W·Dᵀ.
  Eigen::MatrixXd P(static_cast<Index>(I), static_cast<Index>(Q)), D(static_cast<Index>(I), static_cast<Index>(Q));
  for (std::size_t i = 0; i < I; ++i)
    for (std::size_t q = 0; q < Q; ++q) {
      const double p = irt_probability(gh.nodes[q], b[i], std::exp(log_a[i]));
      P(static_cast<Index>(i), static_cast<Index>(q)) = p;
      D(static_cast<Index>(i), static_cast<Index>(q)) = p * (gh.nodes[q] - b[i]);
    }
  std::vector<double> ibb(I, 0.0), iuu(I, 0.0), iub(I, 0.0);
  const Index chunk = 2048;  // respondents per block, to bound memory at J × I
  for (Index j0 = 0; j0 < static_cast<Index>(J); j0 += chunk) {
    const Index rows = std::min(chunk, static_cast<Index>(J) - j0);
    const Eigen::MatrixXd E1 = W.middleRows(j0, rows) * P.transpose();
    Eigen::MatrixXd E2;
    if (two_pl) E2 = W.middleRows(j0, rows) * D.transpose();
    core::parallel_for(static_cast<std::int64_t>(I), [&](std::int64_t ii) {
      const auto i = static_cast<std::size_t>(ii);
      const auto ei = static_cast<Index>(i);
      const double a = std::exp(log_a[i]);
      for (Index r = 0; r < rows; ++r) {
        const Index j = j0 + r;
        const auto y = data.at(i, static_cast<std::size_t>(j));
        if (y < 0) continue;
        const double sb = -a * (y - E1(r, ei));
        ibb[i] += sb * sb;
        if (two_pl) {
          const double su = a * (y * (eap[j] - b[i]) - E2(r, ei));
          iuu[i] += su * su;
          iub[i] += su * sb;
        }
      }
    });
  }
  fit.difficulty = b;
  fit.difficulty_se.resize(I);
  fit.discrimination.resize(I);
  fit.discrimination_se.resize(I);
  for (std::size_t i = 0; i < I; ++i) {
    fit.discrimination[i] = std::exp(log_a[i]);
    if (two_pl && config.discrimination_prior_sd > 0.0) iuu[i] += 1.0 / (config.discrimination_prior_sd * config.discrimination_prior_sd);
    detail::item_standard_errors(two_pl, fit.discrimination[i], iuu[i], iub[i], ibb[i], fit.difficulty_se[i],
                                 fit.discrimination_se[i]);
  }
  fit.extreme_item = ex_i.extreme;
  fit.extreme_respondent = ex_j.extreme;
  return fit;
}

/// Fits a 1PL or 2PL model by JML or MML (config.method). Throws std::invalid_argument for an
/// invalid config or response matrix (wrong size, entries other than 0/1/-1, an item or
/// respondent without responses). Estimates are always finite (extreme patterns: see the
/// header comment); `converged` says whether `tolerance` was reached.
inline IrtFit fit_irt(const ResponseMatrix& data, const IrtConfig& config = {}) {
  config.validate();
  data.validate();
  return config.method == IrtMethod::joint_ml ? fit_irt_jml(data, config) : fit_irt_mml(data, config);
}

/// Simulated responses: y_ij ~ Bernoulli(σ(a_i(θ_j − b_i))), item i drawn from Philox stream
/// (seed, i), so the matrix does not depend on the thread count. An empty `discrimination`
/// means a = 1. O(items · respondents).
inline ResponseMatrix simulate_irt_responses(const std::vector<double>& difficulty,
                                             const std::vector<double>& discrimination,
                                             const std::vector<double>& ability, std::uint64_t seed) {
  constexpr const char* where = "genlab::measure::simulate_irt_responses";
  core::require(!difficulty.empty(), where, "difficulty.size()", difficulty.size(), ">= 1");
  core::require(!ability.empty(), where, "ability.size()", ability.size(), ">= 1");
  core::require(discrimination.empty() || discrimination.size() == difficulty.size(), where,
                "discrimination.size()", discrimination.size(),
                "0 or difficulty.size() = " + std::to_string(difficulty.size()));
  ResponseMatrix m(difficulty.size(), ability.size(), 0);
  core::parallel_for(static_cast<std::int64_t>(difficulty.size()), [&](std::int64_t ii) {
    const auto i = static_cast<std::size_t>(ii);
    auto g = core::philox_stream(seed, i);
    const double a = discrimination.empty() ? 1.0 : discrimination[i];
    for (std::size_t j = 0; j < ability.size(); ++j)
      m.at(i, j) = core::uniform_double53(g) < irt_probability(ability[j], difficulty[i], a) ? 1 : 0;
  });
  return m;
}

}  // namespace genlab::measure

#endif  // GENLAB_MEASURE_IRT_HPP
