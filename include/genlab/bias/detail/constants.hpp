#ifndef GENLAB_BIAS_DETAIL_CONSTANTS_HPP
#define GENLAB_BIAS_DETAIL_CONSTANTS_HPP
// Constants shared by the bias headers.

namespace genlab::bias::detail {
inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kLn2 = 0.69314718055994530942;
}  // namespace genlab::bias::detail

#endif  // GENLAB_BIAS_DETAIL_CONSTANTS_HPP
