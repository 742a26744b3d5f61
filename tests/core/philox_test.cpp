// Philox4x32-10: Random123 known answers, cuRAND's stream layout, skip-ahead, <random> use.
#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <vector>

#include "genlab/core/philox.hpp"

using genlab::core::Philox4x32;
using genlab::core::PhiloxCounter;
using genlab::core::PhiloxKey;
using genlab::core::philox4x32;

namespace {
struct Kat {
  PhiloxCounter ctr;
  PhiloxKey key;
  PhiloxCounter out;
};
}  // namespace

TEST_CASE("philox4x32 matches the Random123 known-answer vectors", "[philox]") {
  // Random123 tests/kat_vectors: "philox4x32 R ctr0..3 key0..1 -> out0..3".
  const std::vector<Kat> r10 = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (const auto& k : r10) CHECK(philox4x32<10>(k.ctr, k.key) == k.out);
  const std::vector<Kat> r7 = {
      {{0, 0, 0, 0}, {0, 0}, {0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff},
       {0x5207ddc2, 0x45165e59, 0x4d8ee751, 0x8c52f662}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0},
       {0x4dfccaba, 0x190a87f0, 0xc47362ba, 0xb6b5242a}},
  };
  for (const auto& k : r7) CHECK(philox4x32<7>(k.ctr, k.key) == k.out);
  // The bijection is a constant expression.
  static_assert(philox4x32<10>({0, 0, 0, 0}, {0, 0})[0] == 0x6627e8d5u);
}

TEST_CASE("the stream follows cuRAND's curand_init layout", "[philox]") {
  SECTION("seed 0: the first four words are the key-(0,0) known answer") {
    Philox4x32 g(0);
    CHECK(g() == 0x6627e8d5u);
    CHECK(g() == 0xe169c58du);
    CHECK(g() == 0xbc57ac4cu);
    CHECK(g() == 0x9b00dbd8u);
    // Then the counter increments: block 1 = philox((1,0,0,0), key).
    const auto b1 = philox4x32<10>({1, 0, 0, 0}, {0, 0});
    CHECK(g() == b1[0]);
  }
  SECTION("key = (low, high) of the seed; subsequence in counter words 2,3; offset in words") {
    const std::uint64_t seed = 0x0123456789abcdefULL, sub = 0x0000000500000007ULL, off = 4 * 9 + 2;
    Philox4x32 g(seed, sub, off);
    const PhiloxKey key{0x89abcdefu, 0x01234567u};
    const auto block = philox4x32<10>({9, 0, 7, 5}, key);
    CHECK(g() == block[2]);
    CHECK(g() == block[3]);
    const auto next = philox4x32<10>({10, 0, 7, 5}, key);
    CHECK(g() == next[0]);
  }
  SECTION("offsets past 2^32 blocks carry into counter word 1") {
    const std::uint64_t off = (std::uint64_t{3} << 32) * 4 + 4 * 5 + 1;  // block (5, 3), word 1
    Philox4x32 g(42, 0, off);
    CHECK(g() == philox4x32<10>({5, 3, 0, 0}, {42, 0})[1]);
  }
  SECTION("the 128-bit counter carries across words when incremented") {
    // Start at the last word of block (0xffffffff, 0xffffffff, 0, 0); the next block is (0,0,1,0).
    Philox4x32 g(7, 0, 0);
    // 2^64 - 1 blocks is more than one skipahead can express (2^66 words): 4 x (2^62 - 1) + 3.
    for (int i = 0; i < 4; ++i) g.skipahead(((std::uint64_t{1} << 62) - 1) * 4);
    g.skipahead(3 * 4 + 3);
    CHECK(g.counter() == PhiloxCounter{0xffffffffu, 0xffffffffu, 0, 0});
    g();
    CHECK(g.counter() == PhiloxCounter{0, 0, 1, 0});
    CHECK(g() == philox4x32<10>({0, 0, 1, 0}, {7, 0})[0]);
  }
}

TEST_CASE("skip-ahead equals drawing and discarding", "[philox]") {
  for (std::uint64_t n : {0ULL, 1ULL, 2ULL, 3ULL, 4ULL, 5ULL, 17ULL, 1000ULL}) {
    for (unsigned pre = 0; pre < 4; ++pre) {
      Philox4x32 a(99, 3), b(99, 3);
      for (unsigned i = 0; i < pre; ++i) a(), b();
      a.skipahead(n);
      for (std::uint64_t i = 0; i < n; ++i) b();
      INFO("n = " << n << ", pre = " << pre);
      CHECK(a == b);
      CHECK(a() == b());
    }
  }
  Philox4x32 direct(5, 11, 0), stepped(5, 0, 0);
  stepped.skipahead_sequence(11);
  CHECK(direct == stepped);
}

TEST_CASE("streams are distinct across seeds and subsequences", "[philox]") {
  std::set<std::uint32_t> firsts;
  for (std::uint64_t seed = 0; seed < 16; ++seed)
    for (std::uint64_t sub = 0; sub < 16; ++sub) firsts.insert(Philox4x32(seed, sub)());
  CHECK(firsts.size() == 256);
}

TEST_CASE("Philox4x32 is a UniformRandomBitGenerator usable with <random>", "[philox]") {
  static_assert(Philox4x32::min() == 0 && Philox4x32::max() == 0xffffffffu);
  Philox4x32 g(2024);
  std::uniform_int_distribution<int> die(1, 6);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 60000; ++i) ++counts[static_cast<std::size_t>(die(g))];
  for (int face = 1; face <= 6; ++face) CHECK(std::abs(counts[static_cast<std::size_t>(face)] - 10000) < 500);
  // Bits are balanced: mean of 2^16 words is 2^31 within 5 standard errors.
  Philox4x32 h(1);
  double sum = 0;
  const int n = 1 << 16;
  for (int i = 0; i < n; ++i) sum += h();
  const double mean = sum / n, se = 4294967296.0 / std::sqrt(12.0 * n);
  CHECK(std::abs(mean - 2147483648.0) < 5 * se);
}
