// Uniform and normal transforms (cuRAND's), bounded integers, shuffle, per-index streams.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "genlab/core/parallel.hpp"
#include "genlab/core/random.hpp"

using namespace genlab::core;

TEST_CASE("uniforms are cuRAND's exact functions of the 32-bit words", "[random]") {
  Philox4x32 a(3, 1), b(3, 1);
  for (int i = 0; i < 1000; ++i) {
    const std::uint32_t w = b();
    const float f = uniform_float(a);
    CHECK(f == static_cast<float>(w) * 0x1p-32f + 0x1p-33f);
    CHECK(f > 0.0f);
    CHECK(f <= 1.0f);
  }
  Philox4x32 c(3, 2), d(3, 2);
  for (int i = 0; i < 1000; ++i) {
    const std::uint32_t w = d();
    CHECK(uniform_double(c) == static_cast<double>(w) * 0x1p-32 + 0x1p-32);
  }
  // Extremes: word 0 and word 2^32-1.
  CHECK(detail::word_to_uniform_float(0) == 0x1p-33f);
  CHECK(detail::word_to_uniform_float(0xffffffffu) == 1.0f);  // (0, 1], as cuRAND documents
  CHECK(detail::words_to_uniform_double53(0, 0) == 0x1p-54);
  CHECK(detail::words_to_uniform_double53(0xffffffffu, 0xffffffffu) < 1.0);
}

TEST_CASE("normals have mean 0, variance 1 and come in Box-Muller pairs", "[random]") {
  SECTION("float: two words per pair, the spare returned next") {
    Philox4x32 g(11), words(11);
    const float z0 = normal_float(g);
    const float z1 = normal_float(g);
    const std::uint32_t x = words(), y = words();
    const float u = detail::word_to_uniform_float(x);
    const float v = y * (0x1p-32f * 6.2831855f) + (0x1p-32f * 6.2831855f) / 2.0f;
    CHECK(z0 == std::sin(v) * std::sqrt(-2.0f * std::log(u)));
    CHECK(z1 == std::cos(v) * std::sqrt(-2.0f * std::log(u)));
    CHECK(g.counter() == words.counter());
    CHECK(g.word_index() == words.word_index());
  }
  SECTION("moments") {
    for (bool use_double : {false, true}) {
      Philox4x32 g(12345);
      const int n = 200000;
      double s1 = 0, s2 = 0, s4 = 0;
      for (int i = 0; i < n; ++i) {
        const double z = use_double ? normal_double(g) : static_cast<double>(normal_float(g));
        REQUIRE(std::isfinite(z));
        s1 += z;
        s2 += z * z;
        s4 += z * z * z * z;
      }
      INFO("double: " << use_double);
      CHECK(std::abs(s1 / n) < 5 / std::sqrt(n));
      CHECK(std::abs(s2 / n - 1) < 5 * std::sqrt(2.0 / n));
      CHECK(std::abs(s4 / n - 3) < 5 * std::sqrt(96.0 / n));
    }
  }
}

TEST_CASE("uniform_index is unbiased and in range", "[random]") {
  Philox4x32 g(5);
  std::vector<int> counts(7, 0);
  const int n = 70000;
  for (int i = 0; i < n; ++i) ++counts[uniform_index(g, 7)];
  double chi2 = 0;
  for (int c : counts) chi2 += (c - n / 7.0) * (c - n / 7.0) / (n / 7.0);
  CHECK(chi2 < 22.46);  // chi-square(6) 99.9% quantile
  CHECK(uniform_index(g, 1) == 0);
  CHECK_THROWS_WITH(uniform_index(g, 0), Catch::Contains("'n' = 0"));
}

TEST_CASE("shuffle is a permutation and reproducible", "[random]") {
  std::vector<int> a(100), b;
  std::iota(a.begin(), a.end(), 0);
  b = a;
  Philox4x32 g1(77), g2(77);
  shuffle(a.begin(), a.end(), g1);
  shuffle(b.begin(), b.end(), g2);
  CHECK(a == b);
  std::vector<int> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 100; ++i) CHECK(sorted[static_cast<std::size_t>(i)] == i);
  CHECK(a != sorted);
}

TEST_CASE("per-index streams give the same results for any thread count", "[random][openmp]") {
  const std::int64_t n = 4096;
  auto run = [&](int threads) {
#if defined(_OPENMP)
    omp_set_num_threads(threads);
#else
    (void)threads;
#endif
    std::vector<double> out(static_cast<std::size_t>(n));
    parallel_for(n, [&](std::int64_t i) {
      Philox4x32 g = philox_stream(2026, static_cast<std::uint64_t>(i));
      double s = 0;
      for (int k = 0; k < 64; ++k) s += normal_double(g) * uniform_double53(g);
      out[static_cast<std::size_t>(i)] = s;
    });
    return out;
  };
  const auto one = run(1);
  const auto two = run(2);
  const auto four = run(4);
  CHECK(one == two);
  CHECK(one == four);
#if defined(_OPENMP)
  omp_set_num_threads(2);
  int seen = 0;
#pragma omp parallel
  {
#pragma omp single
    seen = omp_get_num_threads();
  }
  CHECK(seen == 2);  // the loop really ran on two threads
#endif
}
