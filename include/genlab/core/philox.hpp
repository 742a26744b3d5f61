#ifndef GENLAB_CORE_PHILOX_HPP
#define GENLAB_CORE_PHILOX_HPP
// Philox4x32-10: the counter-based generator of Salmon, Moraes, Dror & Shaw, "Parallel Random
// Numbers: As Easy as 1, 2, 3" (SC 2011), with cuRAND's stream layout, so that CPU and GPU
// code draw the same numbers from the same (seed, subsequence, offset).
//
// The bijection. A 128-bit counter c = (c0,c1,c2,c3) and a 64-bit key k = (k0,k1) go through
// R = 10 rounds of
//     (hi0, lo0) = M0 * c0,  (hi1, lo1) = M1 * c2          (32x32 -> 64-bit products)
//     c' = (hi1 ^ c1 ^ k0,  lo1,  hi0 ^ c3 ^ k1,  lo0)
//     k  = k + (W0, W1)                                     (Weyl key schedule, between rounds)
// with M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85.
//
// The stream (cuRAND's curandStatePhilox4_32_10_t, curand_kernel.h):
//   curand_init(seed, subsequence, offset, &s)
//     key     = (low 32 bits of seed, high 32 bits of seed)
//     counter = (0, 0, low(subsequence), high(subsequence))      -- 2^64 subsequences ...
//     then skip `offset` 32-bit outputs                          -- ... of 2^66 outputs each
//   curand(&s) returns the four words of philox(counter, key) in order x, y, z, w, then
//   increments the 128-bit counter (carrying from c0 upwards).
// Philox4x32 below is that state machine, word for word: Philox4x32(seed, i, j)() yields the
// same 32-bit sequence as curand() after curand_init(seed, i, j, &s) on any NVIDIA GPU.
// Give every independent unit of work (hypothesis, example, thread) its own subsequence and
// results cannot depend on how the work is split across threads, processes or devices.

#include <array>
#include <cstdint>
#include <limits>

namespace genlab::core {

using PhiloxCounter = std::array<std::uint32_t, 4>;
using PhiloxKey = std::array<std::uint32_t, 2>;

namespace detail {
inline constexpr std::uint32_t kPhiloxM0 = 0xD2511F53u;
inline constexpr std::uint32_t kPhiloxM1 = 0xCD9E8D57u;
inline constexpr std::uint32_t kPhiloxW0 = 0x9E3779B9u;
inline constexpr std::uint32_t kPhiloxW1 = 0xBB67AE85u;

constexpr PhiloxCounter philox_round(const PhiloxCounter& c, const PhiloxKey& k) {
  const std::uint64_t p0 = std::uint64_t{kPhiloxM0} * c[0];
  const std::uint64_t p1 = std::uint64_t{kPhiloxM1} * c[2];
  const auto hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
  const auto hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
  return {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
}
}  // namespace detail

/// The Philox4x32-R bijection (R = 10 is the standard and cuRAND's; 7 is Random123's fast one).
template <int Rounds = 10>
constexpr PhiloxCounter philox4x32(PhiloxCounter counter, PhiloxKey key) {
  static_assert(Rounds >= 1 && Rounds <= 16, "Philox4x32: 1..16 rounds");
  for (int r = 0; r < Rounds; ++r) {
    if (r > 0) {
      key[0] += detail::kPhiloxW0;
      key[1] += detail::kPhiloxW1;
    }
    counter = detail::philox_round(counter, key);
  }
  return counter;
}

/// A cuRAND-compatible Philox4x32-10 stream. Satisfies UniformRandomBitGenerator, so it works
/// with <random> distributions; use core/random.hpp for the cuRAND-matching float transforms.
/// A value type: copying it forks the stream at the current position.
class Philox4x32 {
 public:
  using result_type = std::uint32_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  /// Same state as cuRAND's curand_init(seed, subsequence, offset, &state).
  explicit Philox4x32(std::uint64_t seed = 0, std::uint64_t subsequence = 0,
                      std::uint64_t offset = 0) noexcept
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)} {
    skipahead_sequence(subsequence);
    skipahead(offset);
  }

  /// Next 32-bit word (cuRAND's curand()).
  result_type operator()() noexcept {
    const result_type r = output_[index_];
    if (++index_ == 4) {
      increment_counter();
      output_ = philox4x32<10>(counter_, key_);
      index_ = 0;
    }
    return r;
  }

  /// Next four words (cuRAND's curand4()); the stream advances by 4.
  PhiloxCounter next4() noexcept {
    PhiloxCounter r;
    for (auto& w : r) w = (*this)();
    return r;
  }

  /// Skip n 32-bit outputs (cuRAND's skipahead(n, &state)); O(1).
  void skipahead(std::uint64_t n) noexcept {
    std::uint64_t blocks = n / 4;
    index_ += static_cast<unsigned>(n & 3u);
    if (index_ > 3) {
      ++blocks;
      index_ -= 4;
    }
    add_to_counter(blocks);
    output_ = philox4x32<10>(counter_, key_);
  }
  /// <random>'s name for skipahead.
  void discard(unsigned long long n) noexcept { skipahead(n); }

  /// Skip n subsequences of 2^66 outputs (cuRAND's skipahead_sequence(n, &state)); O(1).
  void skipahead_sequence(std::uint64_t n) noexcept {
    // Adds n to the high 64 bits of the counter, as cuRAND does (Philox_State_Incr_hi).
    const auto lo = static_cast<std::uint32_t>(n);
    auto hi = static_cast<std::uint32_t>(n >> 32);
    counter_[2] += lo;
    if (counter_[2] < lo) ++hi;
    counter_[3] += hi;
    output_ = philox4x32<10>(counter_, key_);
  }

  const PhiloxCounter& counter() const noexcept { return counter_; }
  const PhiloxKey& key() const noexcept { return key_; }
  /// Which word of the current block comes next (0..3).
  unsigned word_index() const noexcept { return index_; }

  friend bool operator==(const Philox4x32& a, const Philox4x32& b) noexcept {
    return a.counter_ == b.counter_ && a.key_ == b.key_ && a.index_ == b.index_ &&
           a.has_spare_float_ == b.has_spare_float_ && a.has_spare_double_ == b.has_spare_double_ &&
           (!a.has_spare_float_ || a.spare_float_ == b.spare_float_) &&
           (!a.has_spare_double_ || a.spare_double_ == b.spare_double_);
  }
  friend bool operator!=(const Philox4x32& a, const Philox4x32& b) noexcept { return !(a == b); }

  // Box–Muller produces normals in pairs; cuRAND keeps the second one in the state
  // (boxmuller_extra / boxmuller_extra_double). These hooks let core/random.hpp do the same.
  bool take_spare(float& out) noexcept { return take(has_spare_float_, spare_float_, out); }
  bool take_spare(double& out) noexcept { return take(has_spare_double_, spare_double_, out); }
  void keep_spare(float v) noexcept { has_spare_float_ = true, spare_float_ = v; }
  void keep_spare(double v) noexcept { has_spare_double_ = true, spare_double_ = v; }

 private:
  template <class T>
  static bool take(bool& flag, T spare, T& out) noexcept {
    if (!flag) return false;
    flag = false;
    out = spare;
    return true;
  }

  // 128-bit counter += 1 (cuRAND's Philox_State_Incr(state)).
  void increment_counter() noexcept {
    for (auto& c : counter_)
      if (++c != 0) return;
  }

  // 128-bit counter += n (cuRAND's Philox_State_Incr(state, n)).
  void add_to_counter(std::uint64_t n) noexcept {
    const auto lo = static_cast<std::uint32_t>(n);
    auto hi = static_cast<std::uint32_t>(n >> 32);
    counter_[0] += lo;
    if (counter_[0] < lo) ++hi;
    counter_[1] += hi;
    if (hi <= counter_[1]) return;  // no carry out of word 1
    if (++counter_[2] != 0) return;
    ++counter_[3];
  }

  PhiloxCounter counter_{0, 0, 0, 0};
  PhiloxKey key_;
  PhiloxCounter output_{philox4x32<10>({0, 0, 0, 0}, key_)};
  unsigned index_ = 0;
  bool has_spare_float_ = false;
  bool has_spare_double_ = false;
  float spare_float_ = 0.0f;
  double spare_double_ = 0.0;
};

/// The stream for unit of work `index` under `seed`: subsequence `index`, offset 0. The one way
/// genlab splits randomness across threads, processes and GPUs.
inline Philox4x32 philox_stream(std::uint64_t seed, std::uint64_t index) noexcept {
  return Philox4x32(seed, index, 0);
}

}  // namespace genlab::core

#endif  // GENLAB_CORE_PHILOX_HPP
