// Errors inside the batch's parallel shards leave with their own type (they were all rethrown as
// std::invalid_argument, and an OpenMP region must not let one escape at all).
#include <catch2/catch.hpp>

#include <new>
#include <stdexcept>

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
