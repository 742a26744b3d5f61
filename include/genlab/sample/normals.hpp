#ifndef GENLAB_SAMPLE_NORMALS_HPP
#define GENLAB_SAMPLE_NORMALS_HPP
// Blocks of standard normals for one hypothesis, drawn from that hypothesis's Philox stream in
// the order cuRAND's curand_normal_double would return them. This is the one definition of
// "the noise of hypothesis i" shared by the CPU samplers and the CUDA kernels (cuda/*.cuh).
//
// Normal pair p of hypothesis i is Box–Muller on the four words of Philox block p of
// philox_stream(seed, i) (counter (p, i) under key seed):
//     u = 53-bit uniform of words 0,1 (0, 1),   v = 53-bit uniform of words 2,3 in (0, 2),
//     z_2p = √(−2 ln u) · sin(π v),   z_2p+1 = √(−2 ln u) · cos(π v)
// exactly core::normal_double's arithmetic (and curand_normal_double's, up to the GPU's log and
// sincospi). The fast path below computes the same formulas in bulk: Philox blocks for many
// counters at once (structure of arrays), then ln, √ and sin/cos over arrays with branch-free
// fdlibm polynomials that GCC/Clang vectorize (AVX2/AVX-512 with -march=native, SSE2 without),
// and √ through the SSE2/AVX sqrt instructions (correctly rounded, like std::sqrt, which
// compilers will not vectorize under the default -fmath-errno). The Philox words are the same bits; the normals differ
// from the scalar core::normal_double only by the rounding of ln/sin/cos (fdlibm's and glibc's
// are both within 1 ulp), a few ulp at most (tested).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__AVX__) || defined(__SSE2__)
#include <immintrin.h>
#endif

#include "genlab/core/philox.hpp"
#include "genlab/core/random.hpp"

namespace genlab::sample {

namespace detail {

/// Normal pairs per chunk of the bulk generator: its scratch (~7 KiB) stays in L1.
inline constexpr std::size_t kNormalChunkPairs = 128;

/// Philox4x32-10 blocks `first + j` (j < n) of philox_stream(seed, index): word w of block j
/// goes to words[w][j] (the words curand4() returns). Same bits as core::Philox4x32; written
/// over arrays of counters so the loop over j vectorizes. O(n).
inline void philox_blocks(std::uint64_t seed, std::uint64_t index, std::uint64_t first, std::size_t n,
                          std::uint32_t* w0, std::uint32_t* w1, std::uint32_t* w2, std::uint32_t* w3) {
  const auto key0 = static_cast<std::uint32_t>(seed), key1 = static_cast<std::uint32_t>(seed >> 32);
  const auto c2 = static_cast<std::uint32_t>(index), c3 = static_cast<std::uint32_t>(index >> 32);
  for (std::size_t j = 0; j < n; ++j) {
    const std::uint64_t c = first + j;  // the 128-bit counter (c, index): low half c, high half index
    std::uint32_t x0 = static_cast<std::uint32_t>(c), x1 = static_cast<std::uint32_t>(c >> 32), x2 = c2, x3 = c3;
    std::uint32_t k0 = key0, k1 = key1;
    for (int r = 0; r < 10; ++r) {
      const std::uint64_t p0 = std::uint64_t{core::detail::kPhiloxM0} * x0;
      const std::uint64_t p1 = std::uint64_t{core::detail::kPhiloxM1} * x2;
      const auto y0 = static_cast<std::uint32_t>(p1 >> 32) ^ x1 ^ k0;
      const auto y2 = static_cast<std::uint32_t>(p0 >> 32) ^ x3 ^ k1;
      x1 = static_cast<std::uint32_t>(p1);
      x3 = static_cast<std::uint32_t>(p0);
      x0 = y0;
      x2 = y2;
      k0 += core::detail::kPhiloxW0;
      k1 += core::detail::kPhiloxW1;
    }
    w0[j] = x0, w1[j] = x1, w2[j] = x2, w3[j] = x3;
  }
}

/// Natural log of a positive normal double, branch-free (fdlibm e_log.c: x = 2^k m with
/// m ∈ [√2/2, √2), ln m = 2 atanh(f/(2+f)) by a degree-14 minimax polynomial); < 1 ulp.
inline double log_positive(double x) {
  constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  constexpr double lg1 = 6.666666666666735130e-01, lg2 = 3.999999999940941908e-01, lg3 = 2.857142874366239149e-01,
                   lg4 = 2.222219843214978396e-01, lg5 = 1.818357216161805012e-01, lg6 = 1.531383769920937332e-01,
                   lg7 = 1.479819860511658591e-01;
  std::uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  const std::int64_t e = static_cast<std::int64_t>(bits >> 52) - 1023;
  const std::uint64_t mbits = (bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull;
  double m;
  std::memcpy(&m, &mbits, sizeof m);  // [1, 2)
  const bool big = m > 1.4142135623730951;
  m = big ? 0.5 * m : m;
  const double k = static_cast<double>(e) + (big ? 1.0 : 0.0);
  const double f = m - 1.0;
  const double s = f / (2.0 + f), z = s * s, w = z * z;
  const double r = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7))) + w * (lg2 + w * (lg4 + w * lg6));
  const double hfsq = 0.5 * f * f;
  return k * ln2_hi - ((hfsq - (s * (hfsq + r) + k * ln2_lo)) - f);
}

/// sin x and cos x for x ∈ [0, 8], branch-free: x − n π/2 in three parts of π/2 (33, 33 and
/// 53+ bits, fdlibm e_rem_pio2.c; the first product is exact and each subtraction is an exact
/// TwoSum, so the reduced argument is good to ~150 bits for these x), then fdlibm's k_sin and
/// k_cos kernels on the double-double y0 + y1, |y0| <= π/4; < 1 ulp.
inline void sincos_small(double x, double& sin_x, double& cos_x) {
  constexpr double inv_pio2 = 6.36619772367581382433e-01;
  constexpr double pio2_1 = 1.57079632673412561417e+00;  // π/2 = pio2_1 + pio2_2 + pio2_3 + pio2_3t
  constexpr double pio2_2 = 6.07710050630396597660e-11;
  constexpr double pio2_3 = 2.02226624871116645580e-21, pio2_3t = 8.47842766036889956997e-32;
  const double fn = static_cast<double>(static_cast<std::int64_t>(x * inv_pio2 + 0.5));  // x >= 0: round
  const double r1 = x - fn * pio2_1;  // exact: Sterbenz, fn pio2_1 has 36 bits
  auto two_diff = [](double a, double b, double& err) {  // a − b = result + err exactly (Knuth's TwoSum)
    const double s = a - b, bb = s - a;
    err = (a - (s - bb)) - (b + bb);
    return s;
  };
  double e2, e3;
  const double r2 = two_diff(r1, fn * pio2_2, e2);  // fn pio2_2, fn pio2_3: exact (33-bit parts)
  const double r3 = two_diff(r2, fn * pio2_3, e3);
  const double tail = fn * pio2_3t - (e2 + e3);     // x − fn π/2 = r3 − tail
  const double y0 = r3 - tail, y1 = (r3 - y0) - tail;
  // k_sin(y0, y1) and k_cos(y0, y1) on |y0| <= π/4.
  constexpr double s1 = -1.66666666666666324348e-01, s2 = 8.33333333332248946124e-03, s3 = -1.98412698298579493134e-04,
                   s4 = 2.75573137070700676789e-06, s5 = -2.50507602534068634195e-08, s6 = 1.58969099521155010221e-10;
  constexpr double c1 = 4.16666666666666019037e-02, c2 = -1.38888888888741095749e-03, c3 = 2.48015872894767294178e-05,
                   c4 = -2.75573143513906633035e-07, c5 = 2.08757232129817482790e-09, c6 = -1.13596475577881948265e-11;
  const double z = y0 * y0, zz = z * z, v = z * y0;
  const double rs = s2 + z * (s3 + z * s4) + z * zz * (s5 + z * s6);
  const double ks = y0 - ((z * (0.5 * y1 - v * rs) - y1) - v * s1);
  const double rc = z * (c1 + z * (c2 + z * c3)) + zz * zz * (c4 + z * (c5 + z * c6));
  const double hz = 0.5 * z, wc = 1.0 - hz;
  const double kc = wc + (((1.0 - wc) - hz) + (z * rc - y0 * y1));
  // Quadrant q = fn mod 4: sin x = (ks, kc, −ks, −kc)[q], cos x = (kc, −ks, −kc, ks)[q].
  const double q = fn >= 4.0 ? fn - 4.0 : fn;
  const bool odd = q == 1.0 || q == 3.0;
  const double sa = odd ? kc : ks, ca = odd ? ks : kc;
  sin_x = q >= 2.0 ? -sa : sa;
  cos_x = (q == 1.0 || q == 2.0) ? -ca : ca;
}

/// x[j] = √x[j] for j < n (x[j] >= 0), correctly rounded: the same values as std::sqrt, with
/// the packed IEEE sqrt instructions where the target has them. O(n).
inline void sqrt_in_place(double* x, std::size_t n) {
  std::size_t j = 0;
#if defined(__AVX__)
  for (; j + 4 <= n; j += 4) _mm256_storeu_pd(x + j, _mm256_sqrt_pd(_mm256_loadu_pd(x + j)));
#elif defined(__SSE2__)
  for (; j + 2 <= n; j += 2) _mm_storeu_pd(x + j, _mm_sqrt_pd(_mm_loadu_pd(x + j)));
#endif
  for (; j < n; ++j) x[j] = std::sqrt(x[j]);
}

/// Normal pairs [first, first + m) of hypothesis `index` (m <= kNormalChunkPairs): the sin
/// normal of pair j to sin_out[j], the cos normal to cos_out[j]. O(m), vectorized.
inline void normal_pairs(std::uint64_t seed, std::uint64_t index, std::uint64_t first, std::size_t m,
                         double* sin_out, double* cos_out) {
  alignas(64) std::uint32_t w0[kNormalChunkPairs], w1[kNormalChunkPairs], w2[kNormalChunkPairs], w3[kNormalChunkPairs];
  alignas(64) double radius[kNormalChunkPairs], angle[kNormalChunkPairs];
  philox_blocks(seed, index, first, m, w0, w1, w2, w3);
  constexpr double two_pow53_inv = core::detail::kTwoPow53Inv;
  for (std::size_t j = 0; j < m; ++j) {
    // core::detail::words_to_uniform_double53 and normal_double's v, as signed conversions (the
    // integers are < 2^53) so they vectorize.
    const auto zu = static_cast<std::int64_t>(std::uint64_t{w0[j]} ^ (std::uint64_t{w1[j]} << 21));
    const auto zv = static_cast<std::int64_t>(std::uint64_t{w2[j]} ^ (std::uint64_t{w3[j]} << 21));
    const double u = static_cast<double>(zu) * two_pow53_inv + two_pow53_inv / 2.0;
    const double v = static_cast<double>(zv) * (two_pow53_inv * 2.0) + two_pow53_inv;
    radius[j] = -2.0 * log_positive(u);
    angle[j] = v * core::detail::kPi;
  }
  sqrt_in_place(radius, m);
  for (std::size_t j = 0; j < m; ++j) {
    double s, c;
    sincos_small(angle[j], s, c);
    sin_out[j] = s * radius[j];
    cos_out[j] = c * radius[j];
  }
}

/// Calls chunk(q0, z, len) for consecutive pieces z[0..len) = normals [q0, q0 + len) of
/// hypothesis `index`, covering [0, n) in order; len is 2 kNormalChunkPairs except for the last
/// piece, and q0 is a multiple of it. The normals live in an L1-sized buffer only.
template <class Chunk>
void for_each_normal_chunk(std::uint64_t seed, std::uint64_t index, std::size_t n, Chunk&& chunk) {
  alignas(64) double s[kNormalChunkPairs], c[kNormalChunkPairs], z[2 * kNormalChunkPairs];
  const std::size_t pairs = (n + 1) / 2;
  for (std::size_t p0 = 0; p0 < pairs; p0 += kNormalChunkPairs) {
    const std::size_t m = pairs - p0 < kNormalChunkPairs ? pairs - p0 : kNormalChunkPairs;
    normal_pairs(seed, index, p0, m, s, c);
    for (std::size_t j = 0; j < m; ++j) {
      z[2 * j] = s[j];
      z[2 * j + 1] = c[j];
    }
    const std::size_t q0 = 2 * p0;
    chunk(q0, static_cast<const double*>(z), n - q0 < 2 * m ? n - q0 : 2 * m);
  }
}

}  // namespace detail

/// Fills out[0..n) with the first n normals of philox_stream(seed, index), i.e. the values
/// curand_normal_double returns n times after curand_init(seed, index, 0, &s) (Box–Muller on
/// four 32-bit words per pair; same words bit for bit, values to a few ulp). The vectorized
/// bulk path (see the header comment); O(n). About 4x fill_normals_scalar's rate when built
/// for AVX2/AVX-512 (-march=native: 9e7 vs 2.3e7 normals/s on one Xeon core); on plain x86-64
/// (SSE2, no blend instructions) GCC leaves its selects unvectorized and the two run alike.
inline void fill_normals(std::uint64_t seed, std::uint64_t index, double* out, std::size_t n) {
  detail::for_each_normal_chunk(seed, index, n, [&](std::size_t q0, const double* z, std::size_t len) {
    std::memcpy(out + q0, z, len * sizeof(double));
  });
}

/// The reference for fill_normals: the same normals one at a time through core::normal_double
/// (glibc's log/sin/cos). O(n).
inline void fill_normals_scalar(std::uint64_t seed, std::uint64_t index, double* out, std::size_t n) {
  core::Philox4x32 g = core::philox_stream(seed, index);
  for (std::size_t j = 0; j < n; ++j) out[j] = core::normal_double(g);
}

/// Σ_q (w_q z_q + d_q)² over the first n normals z of philox_stream(seed, index), generated and
/// consumed chunk by chunk (z never goes to memory): the eigenbasis GP loss with w = √λ tiled
/// over the k output columns and d = Uᵀ(μ − Y) column-major. Summed in 8 interleaved partial
/// sums in a fixed order, so the value is a function of (seed, index, w, d) alone. O(n).
inline double weighted_normal_square_sum(std::uint64_t seed, std::uint64_t index, const double* w, const double* d,
                                         std::size_t n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  detail::for_each_normal_chunk(seed, index, n, [&](std::size_t q0, const double* z, std::size_t len) {
    const double* wq = w + q0;
    const double* dq = d + q0;
    std::size_t q = 0;
    for (; q + 8 <= len; q += 8)
      for (int l = 0; l < 8; ++l) {
        const double e = wq[q + l] * z[q + l] + dq[q + l];
        acc[l] += e * e;
      }
    for (int l = 0; q < len; ++q, ++l) {  // q0 and full chunks are multiples of 8: lane = q mod 8
      const double e = wq[q] * z[q] + dq[q];
      acc[l] += e * e;
    }
  });
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

/// Float version: the values curand_normal returns (two words per pair). O(n).
inline void fill_normals(std::uint64_t seed, std::uint64_t index, float* out, std::size_t n) {
  core::Philox4x32 g = core::philox_stream(seed, index);
  for (std::size_t j = 0; j < n; ++j) out[j] = core::normal_float(g);
}

}  // namespace genlab::sample

#endif  // GENLAB_SAMPLE_NORMALS_HPP
