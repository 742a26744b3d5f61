// Errors inside the batch's parallel shards leave with their own type (they were all rethrown as
// std::invalid_argument, and an OpenMP region must not let one escape at all).
#include <catch2/catch.hpp>

#include <new>
#include <stdexcept>
#include <utility>
#include <vector>
#if defined(_OPENMP)
#include <omp.h>
#endif

#include "genlab/nn/batch.hpp"

using namespace genlab;

TEST_CASE("shard errors keep their type and come from the lowest failing shard", "[nn][batch]") {
  nn::Workspace<float> ws;
  ws.slots = 4;
  // 8 shards on 4 slots, enough rows to run in parallel.
  CHECK_THROWS_AS(nn::detail::run_slots(ws, 8, 1 << 20,
                                        [](std::int64_t, std::int64_t s) {
                                          if (s >= 5) throw std::bad_alloc();
                                        }),
                  std::bad_alloc);
  try {
    nn::detail::run_slots(ws, 8, 1 << 20, [](std::int64_t, std::int64_t s) {
      if (s == 3 || s == 6) throw std::out_of_range("shard " + std::to_string(s));
    });
    FAIL("no exception");
  } catch (const std::out_of_range& e) {
    CHECK(std::string(e.what()) == "shard 3");  // slot 1's shard, before slot 3's
  }
  int ran = 0;
  nn::detail::run_slots(ws, 8, 10, [&](std::int64_t, std::int64_t) { ++ran; });  // tiny: serial
  CHECK(ran == 8);
}

TEST_CASE("threads take the slots with the most rows first; each slot keeps its shards and their order",
          "[nn][batch]") {
  // 10 shards on 4 slots: slots take shards {0,1}, {2,3,4}, {5,6}, {7,8,9}; with these rows the
  // slots hold 20, 90, 40 and 30 rows, so a lone thread takes them as slots 1, 2, 3, 0.
  nn::Workspace<float> ws;
  ws.slots = 4;
  const std::vector<std::int64_t> rows = {10, 10, 30, 30, 30, 20, 20, 10, 10, 10};
  std::vector<std::pair<std::int64_t, std::int64_t>> calls;  // (slot, shard)
#if defined(_OPENMP)
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
#endif
  nn::detail::run_slots(ws, rows, 1 << 20, [&](std::int64_t k, std::int64_t s) { calls.emplace_back(k, s); });
#if defined(_OPENMP)
  omp_set_num_threads(threads);
#endif
  const std::vector<std::pair<std::int64_t, std::int64_t>> expected = {
      {1, 2}, {1, 3}, {1, 4}, {2, 5}, {2, 6}, {3, 7}, {3, 8}, {3, 9}, {0, 0}, {0, 1}};
  CHECK(calls == expected);
  // A failing shard still reports the lowest failing index, whatever the order slots ran in.
  try {
    nn::detail::run_slots(ws, rows, 1 << 20, [](std::int64_t, std::int64_t s) {
      if (s == 1 || s == 8) throw std::out_of_range("shard " + std::to_string(s));
    });
    FAIL("no exception");
  } catch (const std::out_of_range& e) {
    CHECK(std::string(e.what()) == "shard 1");
  }
}
