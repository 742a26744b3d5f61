#ifndef GENLAB_CORE_CONSTANTS_HPP
#define GENLAB_CORE_CONSTANTS_HPP
// Mathematical constants as correctly rounded doubles, one definition for the whole library
// (C++17 has no <numbers>; these equal C++20's std::numbers values).

#include <limits>

namespace genlab::core {

inline constexpr double pi = 3.141592653589793238462643383279502884;       ///< π
inline constexpr double two_pi = 6.283185307179586476925286766559005768;   ///< 2π
inline constexpr double half_pi = 1.570796326794896619231321691639751442;  ///< π/2
inline constexpr double inv_pi = 0.318309886183790671537767526745028724;   ///< 1/π
inline constexpr double sqrt_two_pi = 2.506628274631000502415765284811045253;  ///< √(2π), the normal density's constant
inline constexpr double ln_two_pi = 1.837877066409345483560659472811235279;    ///< ln(2π)
inline constexpr double ln2 = 0.693147180559945309417232121458176568;      ///< ln 2: nats per bit
inline constexpr double log2e = 1.442695040888963407359924681001892137;    ///< 1/ln 2: bits per nat
inline constexpr double sqrt2 = 1.414213562373095048801688724209698079;    ///< √2
inline constexpr double ln_pi = 1.144729885849400174143427351353058712;    ///< ln π
inline constexpr double ln_sqrt_two_pi = 0.918938533204672741780329736405617640;  ///< ln √(2π)
inline constexpr double ln10 = 2.302585092994045684017991454684364208;     ///< ln 10
inline constexpr double neg_inf = -std::numeric_limits<double>::infinity();  ///< ln 0

}  // namespace genlab::core

#endif  // GENLAB_CORE_CONSTANTS_HPP
