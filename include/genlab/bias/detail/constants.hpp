#ifndef GENLAB_BIAS_DETAIL_CONSTANTS_HPP
#define GENLAB_BIAS_DETAIL_CONSTANTS_HPP
// The bias headers' names for the constants of genlab/stats/constants.hpp (one definition).

#include "genlab/stats/constants.hpp"

namespace genlab::bias::detail {
inline constexpr double kPi = stats::constants::pi;
inline constexpr double kLn2 = stats::constants::ln2;
}  // namespace genlab::bias::detail

#endif  // GENLAB_BIAS_DETAIL_CONSTANTS_HPP
