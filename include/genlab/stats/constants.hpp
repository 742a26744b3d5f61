#ifndef GENLAB_STATS_CONSTANTS_HPP
#define GENLAB_STATS_CONSTANTS_HPP
// The statistics layer's names for the library's one set of constants (core/constants.hpp).

#include "genlab/core/constants.hpp"

namespace genlab::stats::constants {
using core::inv_pi;
using core::ln10;
using core::ln2;
using core::ln_pi;
using core::ln_sqrt_two_pi;
using core::log2e;
using core::neg_inf;
using core::pi;
using core::sqrt2;
using core::sqrt_two_pi;
using core::two_pi;
}  // namespace genlab::stats::constants

#endif  // GENLAB_STATS_CONSTANTS_HPP
