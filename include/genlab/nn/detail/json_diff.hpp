#ifndef GENLAB_NN_DETAIL_JSON_DIFF_HPP
#define GENLAB_NN_DETAIL_JSON_DIFF_HPP
// nn's name for core's JSON comparison (core/io/json_diff.hpp).

#include "genlab/core/io/json_diff.hpp"

namespace genlab::nn::detail {
using core::describe_json_diff;
using core::json_diff;
using core::JsonDifference;
}  // namespace genlab::nn::detail

#endif  // GENLAB_NN_DETAIL_JSON_DIFF_HPP
