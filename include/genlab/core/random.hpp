#ifndef GENLAB_CORE_RANDOM_HPP
#define GENLAB_CORE_RANDOM_HPP
// Uniform and normal variates from a Philox4x32 stream, with cuRAND's transforms
// (curand_uniform.h, curand_normal.h), so that CPU and GPU draws line up one for one:
//
//   uniform_float(g)   = u * 2^-32 + 2^-33 (in float)       curand_uniform          (0, 1]
//   uniform_double(g)  = u * 2^-32 + 2^-32                  curand_uniform_double   (0, 1]
//   uniform_double53(g)= (u0 ^ u1 << 21) * 2^-53 + 2^-54    curand_uniform2_double's element
//   normal_float(g)    = Box–Muller on two words, second kept for the next call   curand_normal
//   normal_double(g)   = Box–Muller on four words (53-bit), second kept           curand_normal_double
//
// The 32-bit words are bit-identical to the GPU's. Uniforms are exact functions of the words, so
// they match bit for bit too. Normals go through log/sin/cos, which the GPU evaluates with its
// own (fast-math) intrinsics: expect agreement to a few ulp, not bit identity.

#include <cmath>
#include <cstdint>

#include "genlab/core/constants.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/philox.hpp"

namespace genlab::core {

namespace detail {
inline constexpr float kTwoPow32InvF = 2.3283064365386963e-10f;  // 2^-32, exact in float
inline constexpr double kTwoPow32Inv = 2.3283064365386963e-10;   // 2^-32
inline constexpr double kTwoPow53Inv = 1.1102230246251565e-16;   // 2^-53
inline constexpr float kTwoPiF = 6.2831855f;                      // cuRAND's CURAND_2PI
inline constexpr double kPi = core::pi;  // kept for callers of detail::kPi (sample/normals.hpp)

/// cuRAND's _curand_uniform: a float in (0, 1].
inline float word_to_uniform_float(std::uint32_t u) { return u * kTwoPow32InvF + kTwoPow32InvF / 2.0f; }
/// cuRAND's _curand_uniform_double_hq: a 53-bit double in (0, 1).
inline double words_to_uniform_double53(std::uint32_t x, std::uint32_t y) {
  const std::uint64_t z = std::uint64_t{x} ^ (std::uint64_t{y} << (53 - 32));
  return static_cast<double>(z) * kTwoPow53Inv + kTwoPow53Inv / 2.0;
}
}  // namespace detail

/// A float uniform on (0, 1]; one word. Same value as curand_uniform.
inline float uniform_float(Philox4x32& g) { return detail::word_to_uniform_float(g()); }

/// A double uniform on (0, 1] with 32 random bits; one word. Same as curand_uniform_double.
inline double uniform_double(Philox4x32& g) { return g() * detail::kTwoPow32Inv + detail::kTwoPow32Inv; }

/// A double uniform on (0, 1) with 53 random bits; two words.
inline double uniform_double53(Philox4x32& g) {
  const std::uint32_t x = g();
  const std::uint32_t y = g();
  return detail::words_to_uniform_double53(x, y);
}

/// A standard normal float (Box–Muller, cuRAND's curand_normal): draws two words every other call.
inline float normal_float(Philox4x32& g) {
  float spare;
  if (g.take_spare(spare)) return spare;
  const std::uint32_t x = g();
  const std::uint32_t y = g();
  // u in (0,1] so log(u) is finite; v in (0, 2pi].
  const float u = detail::word_to_uniform_float(x);
  const float v = y * (detail::kTwoPow32InvF * detail::kTwoPiF) + (detail::kTwoPow32InvF * detail::kTwoPiF) / 2.0f;
  const float s = std::sqrt(-2.0f * std::log(u));
  g.keep_spare(std::cos(v) * s);
  return std::sin(v) * s;
}

/// A standard normal double (Box–Muller on 53-bit uniforms, cuRAND's curand_normal_double):
/// draws four words every other call.
inline double normal_double(Philox4x32& g) {
  double spare;
  if (g.take_spare(spare)) return spare;
  const PhiloxCounter w = g.next4();
  const double u = detail::words_to_uniform_double53(w[0], w[1]);
  const std::uint64_t zy = std::uint64_t{w[2]} ^ (std::uint64_t{w[3]} << (53 - 32));
  const double v = static_cast<double>(zy) * (detail::kTwoPow53Inv * 2.0) + detail::kTwoPow53Inv;  // in (0, 2)
  const double s = std::sqrt(-2.0 * std::log(u));
  g.keep_spare(std::cos(v * detail::kPi) * s);
  return std::sin(v * detail::kPi) * s;
}

/// Uniform integer in [0, n) without modulo bias (Lemire's multiply-shift with rejection).
/// Consumes one word, more only on (rare) rejection. n must be >= 1.
inline std::uint32_t uniform_index(Philox4x32& g, std::uint32_t n) {
  require(n >= 1, "genlab::core::uniform_index", "n", n, ">= 1 (an empty range has no index)");
  std::uint64_t m = std::uint64_t{g()} * n;
  auto low = static_cast<std::uint32_t>(m);
  if (low < n) {
    const std::uint32_t threshold = static_cast<std::uint32_t>(-n) % n;
    while (low < threshold) {
      m = std::uint64_t{g()} * n;
      low = static_cast<std::uint32_t>(m);
    }
  }
  return static_cast<std::uint32_t>(m >> 32);
}

/// Fisher–Yates shuffle of [first, last) driven by `g` (deterministic for a given stream,
/// unlike std::shuffle whose algorithm is implementation-defined).
template <class RandomIt>
void shuffle(RandomIt first, RandomIt last, Philox4x32& g) {
  const auto n = last - first;
  for (auto i = n - 1; i > 0; --i) {
    const auto j = static_cast<decltype(i)>(uniform_index(g, static_cast<std::uint32_t>(i + 1)));
    using std::swap;
    swap(first[i], first[j]);
  }
}

}  // namespace genlab::core

#endif  // GENLAB_CORE_RANDOM_HPP
