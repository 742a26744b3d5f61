#ifndef GENLAB_STATS_NORMAL_HPP
#define GENLAB_STATS_NORMAL_HPP
// ln Φ(z) of the standard normal for every z, without underflow: the saddlepoint approximation
// (Lugannani–Rice) and the Sankaran compatibility mode need it far in the lower tail.

#include <cmath>

#include "genlab/core/error.hpp"
#include "genlab/stats/constants.hpp"

namespace genlab::stats {

/// ln Φ(z). For z > −30: ln(erfc(−z/√2)/2), relative error ~1e-16 of Φ. Below: the asymptotic
/// (Mills-ratio) series ln Φ(z) = −z²/2 − ln(−z√(2π)) + ln(1 − 1/z² + 3/z⁴ − 15/z⁶ + 105/z⁸),
/// whose truncation error at z = −30 is below 1e-12 of Φ (Abramowitz & Stegun 26.2.12).
/// Throws std::invalid_argument on NaN. O(1).
inline double log_normal_cdf(double z) {
  core::require(!std::isnan(z), "genlab::stats::log_normal_cdf", "z", z, "a number");
  if (z > -30) return std::log(0.5 * std::erfc(-z / constants::sqrt2));
  const double r = 1 / (z * z);
  return -0.5 * z * z - std::log(-z * constants::sqrt_two_pi) + std::log1p(r * (-1 + r * (3 + r * (-15 + r * 105))));
}

/// −ln Φ(z) (see log_normal_cdf).
inline double neg_log_normal_cdf(double z) { return -log_normal_cdf(z); }

}  // namespace genlab::stats

#endif  // GENLAB_STATS_NORMAL_HPP
