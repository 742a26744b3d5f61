// Shared helpers of the bias tests (one definition, so the area compiles as one unity TU).
#ifndef GENLAB_TESTS_BIAS_TEST_UTIL_HPP
#define GENLAB_TESTS_BIAS_TEST_UTIL_HPP

#include <cmath>

namespace biastest {
/// |got − want| <= tol·|want|.
inline bool rel_close(double got, double want, double tol) { return std::abs(got - want) <= tol * std::abs(want); }
}  // namespace biastest

#endif
