#ifndef GENLAB_SAMPLE_DETAIL_PARALLEL_HPP
#define GENLAB_SAMPLE_DETAIL_PARALLEL_HPP
// The samplers' parallel loop with per-thread scratch is core's exception-safe one.

#include "genlab/core/parallel.hpp"

namespace genlab::sample::detail {
using core::parallel_for_scratch;
}  // namespace genlab::sample::detail

#endif  // GENLAB_SAMPLE_DETAIL_PARALLEL_HPP
