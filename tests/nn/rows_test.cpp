// How a batch is cut into shards: the fewest within rows_per_shard, contiguous, none empty, the
// largest as small as that count allows.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "genlab/core/sequence.hpp"
#include "genlab/nn/rows.hpp"

using namespace genlab;

namespace {

std::vector<core::Sequence> sequences(const std::vector<int>& lengths) {
  std::vector<core::Sequence> out;
  for (int n : lengths) out.push_back(core::make_sequence(std::vector<core::Token>(static_cast<std::size_t>(n - 1), 1), {2}));
  return out;
}

std::vector<std::size_t> all(std::size_t n) {
  std::vector<std::size_t> idx(n);
  for (std::size_t i = 0; i < n; ++i) idx[i] = i;
  return idx;
}

// Padded rows of each shard: its longest sequence times its sequence count.
std::vector<std::int64_t> shard_rows(const std::vector<core::Sequence>& data, const std::vector<std::size_t>& b) {
  std::vector<std::int64_t> rows;
  for (std::size_t k = 0; k + 1 < b.size(); ++k) {
    std::int64_t longest = 0;
    for (std::size_t i = b[k]; i < b[k + 1]; ++i) longest = std::max<std::int64_t>(longest, static_cast<std::int64_t>(data[i].size()));
    rows.push_back(longest * static_cast<std::int64_t>(b[k + 1] - b[k]));
  }
  return rows;
}

}  // namespace

TEST_CASE("equal sequences are cut into the fewest shards that hold them", "[nn][rows]") {
  // 64 lists of 41 tokens at 512 rows: 12 fit a shard, so 6 shards.
  const auto data = sequences(std::vector<int>(64, 41));
  const auto b = nn::shard_bounds(data, all(64), 512);
  REQUIRE(b.size() == 7);
  CHECK(b.front() == 0);
  CHECK(b.back() == 64);
  for (auto r : shard_rows(data, b)) CHECK(r <= 11 * 41);  // 11, 11, 11, 11, 11, 9; not 12 (five) and 4
  // Nanda's layout: 3,830 sequences of 3 tokens, 170 to a shard of 512 rows: 23 shards.
  const auto nanda = sequences(std::vector<int>(3830, 3));
  const auto bn = nn::shard_bounds(nanda, all(3830), 512);
  REQUIRE(bn.size() == 24);
  for (auto r : shard_rows(nanda, bn)) CHECK(r <= 167 * 3);  // 22 of 167 and 156; not 22 of 170 and 90
  CHECK(shard_rows(nanda, bn).back() == 156 * 3);
}

TEST_CASE("the largest shard is as small as the fewest shards allow", "[nn][rows]") {
  // Against every contiguous cut of a small batch of mixed lengths, by exhaustive search: the
  // smallest possible largest shard (padded rows) with at most the same number of shards.
  const std::vector<int> lengths = {5, 9, 3, 3, 12, 7, 7, 2, 11, 4, 6, 8};
  const auto data = sequences(lengths);
  const std::size_t n = lengths.size();
  auto padded = [&](std::size_t i, std::size_t j) {  // rows of the shard [i, j)
    std::int64_t m = 0;
    for (std::size_t k = i; k < j; ++k) m = std::max<std::int64_t>(m, lengths[k]);
    return m * static_cast<std::int64_t>(j - i);
  };
  for (std::int64_t rps : {12, 20, 30, 45, 60, 200}) {
    const auto b = nn::shard_bounds(data, all(n), rps);
    const std::size_t count = b.size() - 1;
    std::int64_t largest = 0;
    for (std::size_t k = 0; k < count; ++k) {
      CHECK(b[k] < b[k + 1]);
      largest = std::max(largest, padded(b[k], b[k + 1]));
    }
    // best[j][c]: the smallest largest shard over cuts of the first j sequences into c shards.
    const std::int64_t inf = 1 << 30;
    std::vector<std::vector<std::int64_t>> best(n + 1, std::vector<std::int64_t>(n + 1, inf));
    best[0][0] = 0;
    for (std::size_t j = 1; j <= n; ++j)
      for (std::size_t c = 1; c <= j; ++c)
        for (std::size_t i = c - 1; i < j; ++i)
          if (best[i][c - 1] < inf) best[j][c] = std::min(best[j][c], std::max(best[i][c - 1], padded(i, j)));
    // The fewest shards within rps (a sequence longer than rps alone in its shard) ...
    std::size_t fewest = n;
    for (std::size_t c = n; c >= 1; --c)
      if (best[n][c] <= std::max<std::int64_t>(rps, 12)) fewest = c;
    CHECK(count == fewest);
    // ... with the smallest largest shard among cuts into that many or fewer.
    std::int64_t optimum = inf;
    for (std::size_t c = 1; c <= count; ++c) optimum = std::min(optimum, best[n][c]);
    CHECK(largest == optimum);
  }
}

TEST_CASE("shards of mixed lengths stay within rows_per_shard and cover the batch in order", "[nn][rows]") {
  std::vector<int> lengths;
  for (int i = 0; i < 200; ++i) lengths.push_back(3 + (i * 37) % 60);  // 3..62 tokens, scrambled
  lengths[50] = 700;  // longer than a shard: it gets one of its own
  const auto data = sequences(lengths);
  for (std::int64_t rps : {64, 100, 512, 4096}) {
    const auto b = nn::shard_bounds(data, all(data.size()), rps);
    CHECK(b.front() == 0);
    CHECK(b.back() == data.size());
    for (std::size_t k = 0; k + 1 < b.size(); ++k) {
      CHECK(b[k] < b[k + 1]);  // no empty shard
      const std::int64_t rows = shard_rows(data, b)[k];
      if (b[k + 1] - b[k] > 1) CHECK(rows <= rps);
    }
  }
  CHECK(nn::shard_bounds(data, {}, 512) == std::vector<std::size_t>{0});
  CHECK(nn::shard_bounds(data, {3}, 512) == std::vector<std::size_t>{0, 1});
  CHECK_THROWS_AS(nn::shard_bounds(data, all(3), 0), std::invalid_argument);
}
