// The bulk (vectorized) normal generator against the scalar reference core::normal_double: the
// same Philox words bit for bit, the same normals to a few ulp, the fused weighted square sum
// against a plain recomputation, and the branch-free log/sincos kernels against libm.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "genlab/core/philox.hpp"
#include "genlab/core/random.hpp"
#include "genlab/sample/normals.hpp"

using namespace genlab;

namespace {
// |a − b| in units of the last place of the larger magnitude (0 when equal).
double ulp_distance(double a, double b) {
  if (a == b) return 0.0;
  const double m = std::max(std::abs(a), std::abs(b));
  return std::abs(a - b) / (std::nextafter(m, std::numeric_limits<double>::infinity()) - m);
}
}  // namespace

TEST_CASE("normals: bulk Philox blocks are the stream's words bit for bit", "[sample][normals]") {
  // Hypothesis indices and seeds with high halves set; a first block just below 2^32 makes the
  // counter carry into its second word inside the batch.
  const std::uint64_t seeds[] = {0, 7, 0x123456789abcdefull};
  const std::uint64_t indices[] = {0, 3, (std::uint64_t{1} << 32) + 5};
  const std::uint64_t firsts[] = {0, 17, 0xFFFFFFF0ull};
  std::vector<std::uint32_t> w0(37), w1(37), w2(37), w3(37);
  for (auto seed : seeds)
    for (auto index : indices)
      for (auto first : firsts) {
        sample::detail::philox_blocks(seed, index, first, 37, w0.data(), w1.data(), w2.data(), w3.data());
        core::Philox4x32 g = core::philox_stream(seed, index);
        g.skipahead(4 * first);
        bool same = true;
        for (int j = 0; j < 37; ++j) {
          const core::PhiloxCounter b = g.next4();
          same = same && b[0] == w0[j] && b[1] == w1[j] && b[2] == w2[j] && b[3] == w3[j];
        }
        CHECK(same);
      }
}

TEST_CASE("normals: fast path equals core::normal_double to a few ulp", "[sample][normals]") {
  // Lengths below, at and across the chunk size, odd and even (the last cos normal is dropped).
  const std::size_t lengths[] = {1, 2, 255, 256, 257, 1001};
  double worst = 0.0;
  std::size_t checked = 0;
  for (std::size_t n : lengths)
    for (std::uint64_t h : {std::uint64_t{0}, std::uint64_t{9}, (std::uint64_t{1} << 33) + 1}) {
      std::vector<double> fast(n + 1, -7.0), ref(n);
      sample::fill_normals(42, h, fast.data(), n);
      sample::fill_normals_scalar(42, h, ref.data(), n);
      CHECK(fast[n] == -7.0);  // nothing written past n
      for (std::size_t j = 0; j < n; ++j) worst = std::max(worst, ulp_distance(fast[j], ref[j]));
      checked += n;
    }
  // Many more: 200 hypotheses of 2560 normals (the bench's N_t k).
  std::vector<double> fast(2560), ref(2560);
  for (std::uint64_t h = 0; h < 200; ++h) {
    sample::fill_normals(3, h * 1000003, fast.data(), fast.size());
    sample::fill_normals_scalar(3, h * 1000003, ref.data(), ref.size());
    for (std::size_t j = 0; j < fast.size(); ++j) worst = std::max(worst, ulp_distance(fast[j], ref[j]));
    checked += fast.size();
  }
  INFO("normals compared: " << checked << ", worst ulp distance " << worst);
  CHECK(worst <= 4.0);
}

TEST_CASE("normals: the fused weighted square sum equals the sum over stored normals", "[sample][normals]") {
  for (std::size_t n : {std::size_t{5}, std::size_t{256}, std::size_t{777}}) {
    std::vector<double> w(n), d(n), z(n);
    for (std::size_t q = 0; q < n; ++q) w[q] = 0.1 + 0.01 * static_cast<double>(q % 13), d[q] = std::sin(0.3 * q);
    sample::fill_normals_scalar(11, 4, z.data(), n);
    double ref = 0.0;
    for (std::size_t q = 0; q < n; ++q) ref += (w[q] * z[q] + d[q]) * (w[q] * z[q] + d[q]);
    const double got = sample::weighted_normal_square_sum(11, 4, w.data(), d.data(), n);
    CHECK(got == Approx(ref).epsilon(1e-13));
    CHECK(sample::weighted_normal_square_sum(11, 4, w.data(), d.data(), n) == got);  // deterministic
  }
}

TEST_CASE("normals: branch-free log and sincos kernels are within 1 ulp of libm", "[sample][normals]") {
  core::Philox4x32 g(2024);
  double worst_log = 0, worst_sin = 0, worst_cos = 0;
  auto check_angle = [&](double x) {
    double s, c;
    sample::detail::sincos_small(x, s, c);
    worst_sin = std::max(worst_sin, ulp_distance(s, std::sin(x)));
    worst_cos = std::max(worst_cos, ulp_distance(c, std::cos(x)));
  };
  for (int i = 0; i < 200000; ++i) {
    const double u = core::uniform_double53(g);
    worst_log = std::max(worst_log, ulp_distance(sample::detail::log_positive(u), std::log(u)));
    check_angle(2.0 * core::detail::kPi * core::uniform_double53(g));
  }
  // The extremes of the Box–Muller inputs and angles next to multiples of π/2 (where the
  // reduction cancels most).
  for (double u : {std::ldexp(1.0, -54), 0.5, 1.0 - std::ldexp(1.0, -53), 1.0, 1.4142135623730951 / 2, 3e-300})
    worst_log = std::max(worst_log, ulp_distance(sample::detail::log_positive(u), std::log(u)));
  for (int q = 0; q <= 4; ++q) {
    double x = q * (core::detail::kPi / 2);
    for (int s = 0; s < 40; ++s, x = std::nextafter(x, 10.0)) check_angle(x);
  }
  check_angle(0.0);
  check_angle(core::detail::kPi / 4);
  CHECK(worst_log <= 1.0);
  CHECK(worst_sin <= 1.0);
  CHECK(worst_cos <= 1.0);
}
