#ifndef GENLAB_MEASURE_IRT_MODEL_HPP
#define GENLAB_MEASURE_IRT_MODEL_HPP
// The 1PL/2PL item response model (Rasch 1960; Birnbaum 1968, in Lord & Novick, "Statistical
// Theories of Mental Test Scores", ch. 17): responses y_ij ∈ {0, 1} of respondent j to item i
// follow
//   1PL (Rasch): P(y_ij = 1) = σ(θ_j − b_i),     2PL: P(y_ij = 1) = σ(a_i(θ_j − b_i)),
// with log-likelihood Σ_ij [y log p + (1 − y) log(1 − p)] (nats). b_i is the item's difficulty,
// a_i its discrimination, θ_j the respondent's ability. This header holds what both fitters
// share: the response function, the data, config and result types, simulation, the joint
// likelihood, and the per-item Newton step with its extreme-score adjustment.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/io/csv.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/parallel.hpp"
#include "genlab/core/random.hpp"
#include "genlab/core/tensor.hpp"

namespace genlab::measure {

namespace detail {
/// σ(a(θ − b)) evaluated without overflow on either side; the fitters call this unchecked form
/// on parameters they produced themselves.
inline double irt_probability_unchecked(double theta, double difficulty, double discrimination) {
  const double z = discrimination * (theta - difficulty);
  return z >= 0.0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
}

inline void require_finite_irt_parameter(double v, const char* where, const std::string& name) {
  core::require(std::isfinite(v), where, name, v, "a finite number");
}
}  // namespace detail

/// P(y = 1) = σ(a(θ − b)): the 1PL/2PL item response function (a = 1 for 1PL). Spot values:
/// (θ 1, b 0) → 0.7310586; (θ 0, b 1) → 0.2689414; (a 2, θ − b = 1) → 0.8807971. Throws
/// std::invalid_argument naming the argument if θ, b or a is NaN or infinite (a NaN would
/// otherwise come back as a "probability"). O(1).
inline double irt_probability(double theta, double difficulty, double discrimination = 1.0) {
  constexpr const char* where = "genlab::measure::irt_probability";
  detail::require_finite_irt_parameter(theta, where, "theta");
  detail::require_finite_irt_parameter(difficulty, where, "difficulty");
  detail::require_finite_irt_parameter(discrimination, where, "discrimination");
  return detail::irt_probability_unchecked(theta, difficulty, discrimination);
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

  /// The matrix as an xtensor [item, respondent] over `responses` itself (no copy; writes go through).
  auto view() { return core::tensor_view(responses, std::array<std::size_t, 2>{items, respondents}); }
  auto view() const { return core::tensor_view(responses, std::array<std::size_t, 2>{items, respondents}); }

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

NLOHMANN_JSON_SERIALIZE_ENUM(IrtModel, {{IrtModel::one_pl, "1PL"}, {IrtModel::two_pl, "2PL"}})
NLOHMANN_JSON_SERIALIZE_ENUM(IrtMethod, {{IrtMethod::joint_ml, "joint_ml"}, {IrtMethod::marginal_ml, "marginal_ml"}})

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

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(IrtConfig, model, method, max_iterations, tolerance, quadrature_points,
                                                extreme_adjustment, discrimination_prior_sd, parameter_expansion)

/// Fitted parameters with standard errors (asymptotic; see fit_irt).
struct IrtFit {
  IrtConfig config;
  std::vector<double> difficulty, difficulty_se;          // b_i
  std::vector<double> discrimination, discrimination_se;  // a_i (1 and 0 for 1PL and 2PL extreme items)
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
  /// The fit with the config's fields flattened into the top level (the keys predate the
  /// nlohmann macros, so this one stays hand-written; the enums use their macro names).
  core::Json to_json() const {
    return core::Json{{"model", config.model},
                      {"method", config.method},
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

inline void to_json(core::Json& j, const IrtFit& fit) { j = fit.to_json(); }

namespace detail {

inline double log_sigmoid(double z) { return z >= 0.0 ? -std::log1p(std::exp(-z)) : z - std::log1p(std::exp(z)); }

/// Joint log-likelihood (nats) of the observed cells; no checks (the fitters' own estimates).
inline double joint_log_likelihood(const ResponseMatrix& data, const std::vector<double>& difficulty,
                                   const std::vector<double>& discrimination, const std::vector<double>& ability) {
  double ll = 0.0;
  for (std::size_t i = 0; i < data.items; ++i)
    for (std::size_t j = 0; j < data.respondents; ++j) {
      const auto y = data.at(i, j);
      if (y < 0) continue;
      const double z = discrimination[i] * (ability[j] - difficulty[i]);
      ll += y ? log_sigmoid(z) : log_sigmoid(-z);
    }
  return ll;
}

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

/// Extreme-score adjustment (Linacre, Winsteps manual, "Extreme scores": fit a perfect or
/// zero score as if it were c score points away from the extreme). An extreme response pattern
/// has no finite maximum-likelihood estimate; with this adjustment every observed response of
/// an extreme pattern counts as 1 − c/n (all correct) or c/n (all wrong), so the estimate is
/// finite, and it is flagged.
struct ExtremeScores {
  std::vector<double> correct_value;    // what an observed 1 counts as (1, or 1 − c/n if all correct)
  std::vector<double> incorrect_value;  // what an observed 0 counts as (0, or c/n if all wrong)
  std::vector<std::uint8_t> extreme;

  /// Whether item i's discrimination is fitted: in 2PL, except for an extreme item, which keeps
  /// a = 1 (its adjusted responses are one fraction at every ability, which a free a fits with
  /// a → 0 and |b| → ∞; see irt.hpp).
  bool fits_discrimination(bool two_pl, std::size_t i) const { return two_pl && !extreme[i]; }
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

/// Checks that every value is finite, naming the vector, the index and the value.
inline void require_finite_irt_parameters(const std::vector<double>& v, const char* where, const char* name) {
  for (std::size_t k = 0; k < v.size(); ++k)
    require_finite_irt_parameter(v[k], where, std::string(name) + "[" + std::to_string(k) + "]");
}

}  // namespace detail

/// Joint log-likelihood Σ_ij [y log p + (1 − y) log(1 − p)] (nats) of the observed responses
/// under given parameters (an empty `discrimination` means a = 1). Throws std::invalid_argument
/// on mismatched sizes and on a non-finite parameter, naming it and its index.
/// O(items · respondents).
inline double irt_log_likelihood_nats(const ResponseMatrix& data, const std::vector<double>& difficulty,
                                      const std::vector<double>& discrimination, const std::vector<double>& ability) {
  constexpr const char* where = "genlab::measure::irt_log_likelihood_nats";
  data.validate();
  core::require(difficulty.size() == data.items, where, "difficulty.size()", difficulty.size(),
                "data.items = " + std::to_string(data.items));
  core::require(discrimination.empty() || discrimination.size() == data.items, where, "discrimination.size()",
                discrimination.size(), "0 or data.items = " + std::to_string(data.items));
  core::require(ability.size() == data.respondents, where, "ability.size()", ability.size(),
                "data.respondents = " + std::to_string(data.respondents));
  detail::require_finite_irt_parameters(difficulty, where, "difficulty");
  detail::require_finite_irt_parameters(discrimination, where, "discrimination");
  detail::require_finite_irt_parameters(ability, where, "ability");
  const std::vector<double> a = discrimination.empty() ? std::vector<double>(data.items, 1.0) : discrimination;
  return detail::joint_log_likelihood(data, difficulty, a, ability);
}

/// Simulated responses: y_ij ~ Bernoulli(σ(a_i(θ_j − b_i))), item i drawn from Philox stream
/// (seed, i), so the matrix does not depend on the thread count. An empty `discrimination`
/// means a = 1. Throws std::invalid_argument on empty or mismatched inputs and on a NaN or
/// infinite parameter, naming it, its index and its value (σ of a NaN would compare false and
/// silently give all-zero responses). O(items · respondents).
inline ResponseMatrix simulate_irt_responses(const std::vector<double>& difficulty,
                                             const std::vector<double>& discrimination,
                                             const std::vector<double>& ability, std::uint64_t seed) {
  constexpr const char* where = "genlab::measure::simulate_irt_responses";
  core::require(!difficulty.empty(), where, "difficulty.size()", difficulty.size(), ">= 1");
  core::require(!ability.empty(), where, "ability.size()", ability.size(), ">= 1");
  core::require(discrimination.empty() || discrimination.size() == difficulty.size(), where,
                "discrimination.size()", discrimination.size(),
                "0 or difficulty.size() = " + std::to_string(difficulty.size()));
  detail::require_finite_irt_parameters(difficulty, where, "difficulty");
  detail::require_finite_irt_parameters(discrimination, where, "discrimination");
  detail::require_finite_irt_parameters(ability, where, "ability");
  ResponseMatrix m(difficulty.size(), ability.size(), 0);
  core::parallel_for(static_cast<std::int64_t>(difficulty.size()), [&](std::int64_t ii) {
    const auto i = static_cast<std::size_t>(ii);
    auto g = core::philox_stream(seed, i);
    const double a = discrimination.empty() ? 1.0 : discrimination[i];
    for (std::size_t j = 0; j < ability.size(); ++j)
      m.at(i, j) = core::uniform_double53(g) < detail::irt_probability_unchecked(ability[j], difficulty[i], a) ? 1 : 0;
  });
  return m;
}

}  // namespace genlab::measure

#endif  // GENLAB_MEASURE_IRT_MODEL_HPP
