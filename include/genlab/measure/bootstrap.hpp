#ifndef GENLAB_MEASURE_BOOTSTRAP_HPP
#define GENLAB_MEASURE_BOOTSTRAP_HPP
// Confidence intervals for measurements: the statistics layer's Wilson and percentile-bootstrap
// intervals (stats/intervals.hpp) under their measure:: names. Nothing is computed here.

#include "genlab/stats/intervals.hpp"

namespace genlab::measure {

using stats::bootstrap_indices;
using stats::bootstrap_interval;
using stats::bootstrap_replicates;
using stats::BootstrapConfig;
using stats::BootstrapInterval;
using stats::percentile_interval;
using stats::ProportionInterval;
using stats::to_json;
using stats::wilson_interval;

namespace detail {
using stats::detail::normal_critical_value;
using stats::detail::require_confidence;
using stats::detail::sorted_quantile;
}  // namespace detail

}  // namespace genlab::measure

#endif  // GENLAB_MEASURE_BOOTSTRAP_HPP
