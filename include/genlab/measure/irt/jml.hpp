#ifndef GENLAB_MEASURE_IRT_JML_HPP
#define GENLAB_MEASURE_IRT_JML_HPP
// Joint maximum likelihood (JML) for the 1PL/2PL model (irt/model.hpp): item and person
// parameters estimated together by alternating Newton steps (Wright & Panchapakesan, "A
// procedure for sample-free item analysis", Educ. Psychol. Meas. 29, 1969; Baker & Kim, "Item
// Response Theory: Parameter Estimation Techniques", 2nd ed., ch. 4).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "genlab/core/parallel.hpp"
#include "genlab/measure/irt/model.hpp"

namespace genlab::measure {

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
      const bool free_a = ex_i.fits_discrimination(two_pl, i);
      steps[i] = detail::item_newton(free_a, b[i], log_a[i], config.discrimination_prior_sd, [&](auto&& point) {
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
        const double p = detail::irt_probability_unchecked(theta[j], b[i], a);
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
      log_a[i] = ex_i.fits_discrimination(two_pl, i) ? log_a[i] + std::log(scale) : 0.0;  // else a = 1 (1PL: always)
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
    const bool free_a = ex_i.fits_discrimination(two_pl, i);
    detail::item_standard_errors(free_a, fit.discrimination[i], steps[i].info_uu, steps[i].info_ub, steps[i].info_bb,
                                 fit.difficulty_se[i], fit.discrimination_se[i]);
    if (!free_a) fit.discrimination_se[i] = 0.0;
  }
  fit.ability = theta;
  fit.ability_se.resize(J);
  for (std::size_t j = 0; j < J; ++j)
    fit.ability_se[j] = theta_info[j] > 0.0 ? 1.0 / std::sqrt(theta_info[j]) : std::numeric_limits<double>::infinity();
  fit.extreme_item = ex_i.extreme;
  fit.extreme_respondent = ex_j.extreme;
  fit.log_likelihood_nats = detail::joint_log_likelihood(data, b, fit.discrimination, theta);
  return fit;
}

}  // namespace genlab::measure

#endif  // GENLAB_MEASURE_IRT_JML_HPP
