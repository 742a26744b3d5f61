#ifndef GENLAB_STATS_INTERVALS_HPP
#define GENLAB_STATS_INTERVALS_HPP
// Confidence intervals, the statistics layer's: Wilson's score interval for a proportion, and the
// percentile bootstrap for any other statistic (measure/ reports them; measure/bootstrap.hpp
// gives them their measure:: names). Bootstrap replicate r draws its resample from Philox stream
// (seed, r), so an interval depends on the seed and never on the thread count.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include <boost/math/special_functions/erf.hpp>

#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/parallel.hpp"
#include "genlab/core/random.hpp"

namespace genlab::stats {

namespace detail {

/// Two-sided standard-normal critical value z with P(|Z| <= z) = confidence.
inline double normal_critical_value(double confidence) {
  return std::sqrt(2.0) * boost::math::erf_inv(confidence);
}

inline void require_confidence(double confidence, const char* where) {
  core::require(confidence > 0.0 && confidence < 1.0, where, "confidence", confidence, "a level in (0, 1)");
}

/// Quantile q of sorted values, linear interpolation between order statistics (R type 7,
/// NumPy's default). `sorted` must be non-empty.
inline double sorted_quantile(const std::vector<double>& sorted, double q) {
  const double h = (static_cast<double>(sorted.size()) - 1.0) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace detail

/// A proportion with its Wilson score interval.
struct ProportionInterval {
  std::size_t successes = 0;
  std::size_t trials = 0;
  double confidence = 0.95;
  double estimate = 0.0;  // successes / trials
  double lower = 0.0;
  double upper = 0.0;
};

/// Wilson's score interval (Wilson 1927) for `successes` out of `trials`:
///   centre = (p + z²/2n)/(1 + z²/n),  half = z √(p(1−p)/n + z²/4n²)/(1 + z²/n).
/// Unlike the Wald interval it stays inside [0, 1] and is sensible at p = 0 or 1. O(1).
/// Throws std::invalid_argument for trials = 0 (an empty group has no accuracy) or
/// successes > trials.
inline ProportionInterval wilson_interval(std::size_t successes, std::size_t trials, double confidence = 0.95) {
  constexpr const char* where = "genlab::stats::wilson_interval";
  core::require(trials > 0, where, "trials", trials, ">= 1 (an empty group has no proportion)");
  core::require(successes <= trials, where, "successes", successes, "<= trials = " + std::to_string(trials));
  detail::require_confidence(confidence, where);
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(successes) / n;
  const double z = detail::normal_critical_value(confidence);
  const double z2 = z * z;
  const double denom = 1.0 + z2 / n;
  const double centre = (p + z2 / (2.0 * n)) / denom;
  const double half = z * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom;
  ProportionInterval r;
  r.successes = successes;
  r.trials = trials;
  r.confidence = confidence;
  r.estimate = p;
  // The interval always contains p: at p = 0 (or 1) centre − half (centre + half) is 0 (1) exactly
  // in exact arithmetic, but rounding can leave it a few ulps inside, above the estimate.
  r.lower = successes == 0 ? 0.0 : std::min(p, std::max(0.0, centre - half));
  r.upper = successes == trials ? 1.0 : std::max(p, std::min(1.0, centre + half));
  return r;
}

/// How to bootstrap: number of resamples, two-sided level, seed of the Philox streams.
struct BootstrapConfig {
  std::size_t replicates = 1000;
  double confidence = 0.95;
  std::uint64_t seed = 0;

  void validate() const {
    constexpr const char* where = "genlab::stats::BootstrapConfig";
    core::require(replicates >= 2, where, "replicates", replicates, ">= 2");
    detail::require_confidence(confidence, where);
  }
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(BootstrapConfig, replicates, confidence, seed)

/// A statistic, its percentile-bootstrap interval and bootstrap standard error.
struct BootstrapInterval {
  BootstrapConfig config;
  double estimate = 0.0;        // the statistic on the original sample
  double lower = 0.0;           // quantile (1 − confidence)/2 of the replicates
  double upper = 0.0;           // quantile (1 + confidence)/2 of the replicates
  double standard_error = 0.0;  // standard deviation of the replicates
};

/// Hand-written: the config's fields sit at the top level next to the interval (keys that
/// predate the nlohmann macros, which would nest them).
inline void to_json(core::Json& j, const BootstrapInterval& b) {
  j = core::Json{{"estimate", b.estimate}, {"lower", b.lower}, {"upper", b.upper},
                 {"standard_error", b.standard_error}, {"replicates", b.config.replicates},
                 {"confidence", b.config.confidence}, {"seed", b.config.seed}};
}

/// Draws the resample indices of replicate `r` (n draws with replacement from 0..n−1) from
/// Philox stream (seed, r). Exposed so that callers can reproduce a replicate.
inline void bootstrap_indices(std::uint64_t seed, std::uint64_t r, std::size_t n, std::vector<std::size_t>& out) {
  core::require(n >= 1 && n <= 0xffffffffu, "genlab::stats::bootstrap_indices", "n", n, "in 1..2^32-1");
  auto g = core::philox_stream(seed, r);
  out.resize(n);
  for (auto& i : out) i = core::uniform_index(g, static_cast<std::uint32_t>(n));
}

/// Replicate values of a statistic: value[r] = statistic(indices of replicate r), where the
/// indices resample 0..n−1 with replacement (bootstrap_indices). `statistic` is called
/// concurrently from several threads when OpenMP is on, so it must only read shared state.
/// It must return a finite number; otherwise std::domain_error names the replicate.
/// O(replicates · (n + cost of statistic)).
template <class Statistic>
std::vector<double> bootstrap_replicates(std::size_t n, Statistic&& statistic, const BootstrapConfig& config) {
  constexpr const char* where = "genlab::stats::bootstrap_replicates";
  config.validate();
  core::require(n >= 1, where, "n", n, ">= 1 (nothing to resample)");
  const std::size_t reps = config.replicates;
  std::vector<double> values(reps, 0.0);
  std::vector<std::exception_ptr> errors(reps);
  core::parallel_for(static_cast<std::int64_t>(reps), [&](std::int64_t r) {
    try {
      std::vector<std::size_t> idx;
      bootstrap_indices(config.seed, static_cast<std::uint64_t>(r), n, idx);
      values[static_cast<std::size_t>(r)] = statistic(static_cast<const std::vector<std::size_t>&>(idx));
    } catch (...) {
      errors[static_cast<std::size_t>(r)] = std::current_exception();  // exceptions may not leave an OpenMP region
    }
  });
  for (std::size_t r = 0; r < reps; ++r) {
    if (errors[r]) std::rethrow_exception(errors[r]);
    core::require_domain(std::isfinite(values[r]), where, "statistic of replicate " + std::to_string(r), values[r],
                         "a finite value");
  }
  return values;
}

/// Summarises replicate values as a percentile interval around `estimate`. Throws
/// std::invalid_argument on an empty list, an invalid config, or a non-finite estimate or value
/// (naming its index). O(R log R).
inline BootstrapInterval percentile_interval(double estimate, std::vector<double> values, const BootstrapConfig& config) {
  constexpr const char* where = "genlab::stats::percentile_interval";
  core::require(!values.empty(), where, "values.size()", values.size(), ">= 1");
  config.validate();
  core::require(std::isfinite(estimate), where, "estimate", estimate, "a finite number");
  // A NaN would break std::sort's ordering and turn the quantiles into garbage.
  for (std::size_t r = 0; r < values.size(); ++r)
    core::require(std::isfinite(values[r]), where, "values[" + std::to_string(r) + "]", values[r], "a finite number");
  std::sort(values.begin(), values.end());
  BootstrapInterval b;
  b.config = config;
  b.estimate = estimate;
  b.lower = detail::sorted_quantile(values, (1.0 - config.confidence) / 2.0);
  b.upper = detail::sorted_quantile(values, (1.0 + config.confidence) / 2.0);
  double mean = 0.0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  double ss = 0.0;
  for (double v : values) ss += (v - mean) * (v - mean);
  b.standard_error = values.size() > 1 ? std::sqrt(ss / static_cast<double>(values.size() - 1)) : 0.0;
  return b;
}

/// Percentile bootstrap (Efron & Tibshirani 1993, ch. 13) of `statistic` over n units:
/// estimate = statistic(0..n−1), interval from the replicate quantiles. Units are whatever the
/// caller resamples (examples, sequences, tasks). O(replicates · cost of statistic).
template <class Statistic>
BootstrapInterval bootstrap_interval(std::size_t n, Statistic&& statistic, const BootstrapConfig& config = {}) {
  config.validate();
  core::require(n >= 1, "genlab::stats::bootstrap_interval", "n", n, ">= 1 (nothing to resample)");
  std::vector<std::size_t> all(n);
  for (std::size_t i = 0; i < n; ++i) all[i] = i;
  const double estimate = statistic(static_cast<const std::vector<std::size_t>&>(all));
  core::require_domain(std::isfinite(estimate), "genlab::stats::bootstrap_interval", "statistic", estimate,
                       "a finite value on the full sample");
  return percentile_interval(estimate, bootstrap_replicates(n, statistic, config), config);
}

}  // namespace genlab::stats

#endif  // GENLAB_STATS_INTERVALS_HPP
