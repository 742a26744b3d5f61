// core/parallel.hpp: an exception thrown inside a parallel loop comes out after the loop with its
// own type and the message of the lowest failing index, whatever the thread count, and every
// index below it has run.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "genlab/core/parallel.hpp"

#if defined(_OPENMP)
#include <omp.h>
#endif

using namespace genlab;

namespace {

// A type no standard handler catches, so CHECK_THROWS_AS proves the type survived.
struct Boom : std::exception {
  explicit Boom(std::int64_t i) : index(i), message("boom at " + std::to_string(i)) {}
  const char* what() const noexcept override { return message.c_str(); }
  std::int64_t index;
  std::string message;
};

// Thread counts to try: 1, 2, 4 with OpenMP; the serial loop once without.
std::vector<int> thread_counts() {
#if defined(_OPENMP)
  return {1, 2, 4};
#else
  return {1};
#endif
}

// Sets the OpenMP thread count for one scope and restores it.
struct Threads {
  explicit Threads(int n) {
#if defined(_OPENMP)
    saved = omp_get_max_threads();
    omp_set_num_threads(n);
#else
    (void)n;
#endif
  }
  ~Threads() {
#if defined(_OPENMP)
    omp_set_num_threads(saved);
#endif
  }
  int saved = 1;
};

}  // namespace

TEST_CASE("parallel_for runs every index once when nothing throws", "[parallel]") {
  for (int t : thread_counts()) {
    Threads th(t);
    std::vector<int> ran(1000, 0);
    core::parallel_for(1000, [&](std::int64_t i) { ++ran[static_cast<std::size_t>(i)]; });
    CHECK(ran == std::vector<int>(1000, 1));
    CHECK(core::max_threads() == t);
  }
}

TEST_CASE("parallel_for rethrows the lowest failing index's exception with its type", "[parallel][errors]") {
  constexpr std::int64_t n = 200;
  for (int t : thread_counts()) {
    INFO("threads = " << t);
    Threads th(t);
    std::vector<std::atomic<int>> ran(n);
    for (auto& r : ran) r = 0;
    // Indices 37, 38 and 150 fail; 150 may run first on another thread, 37 must win.
    auto body = [&](std::int64_t i) {
      ran[static_cast<std::size_t>(i)]++;
      if (i == 37 || i == 38 || i == 150) throw Boom(i);
    };
    try {
      core::parallel_for(n, body);
      FAIL("parallel_for did not throw");
    } catch (const Boom& e) {
      CHECK(e.index == 37);
      CHECK(std::string(e.what()) == "boom at 37");
    }
    for (std::int64_t i = 0; i <= 37; ++i) CHECK(ran[static_cast<std::size_t>(i)] == 1);
    for (std::int64_t i = 0; i < n; ++i) CHECK(ran[static_cast<std::size_t>(i)] <= 1);

    CHECK_THROWS_AS(core::parallel_for(n, [](std::int64_t i) {
                      if (i == 5) throw std::bad_alloc();
                    }),
                    std::bad_alloc);
    CHECK_THROWS_MATCHES(core::parallel_for(n, [](std::int64_t i) {
                           if (i >= 120) throw std::out_of_range("index " + std::to_string(i));
                         }),
                         std::out_of_range, Catch::Message("index 120"));
  }
}

TEST_CASE("parallel_for_scratch rethrows make_scratch's and body's exceptions", "[parallel][errors]") {
  constexpr std::int64_t n = 300;
  for (int t : thread_counts()) {
    INFO("threads = " << t);
    Threads th(t);
    // Every index once with a per-thread scratch buffer.
    std::vector<int> out(n, 0);
    core::parallel_for_scratch(
        n, t, [] { return std::vector<int>(4, 7); },
        [&](std::int64_t i, std::vector<int>& s) { out[static_cast<std::size_t>(i)] = s[0] + static_cast<int>(i); });
    for (std::int64_t i = 0; i < n; ++i) CHECK(out[static_cast<std::size_t>(i)] == 7 + i);

    // make_scratch fails on every thread: its exception, no index runs.
    std::atomic<int> bodies{0};
    CHECK_THROWS_MATCHES(core::parallel_for_scratch(
                             n, t, []() -> std::vector<int> { throw std::runtime_error("no scratch"); },
                             [&](std::int64_t, std::vector<int>&) { ++bodies; }),
                         std::runtime_error, Catch::Message("no scratch"));
    CHECK(bodies == 0);
    CHECK_THROWS_AS(core::parallel_for_scratch(
                        n, t, []() -> std::vector<int> { throw std::bad_alloc(); },
                        [](std::int64_t, std::vector<int>&) {}),
                    std::bad_alloc);

    // The body fails at 10 and 250 (dynamic schedule): index 10's Boom, every index below ran.
    std::vector<std::atomic<int>> ran(n);
    for (auto& r : ran) r = 0;
    try {
      core::parallel_for_scratch(
          n, t, [] { return 0; },
          [&](std::int64_t i, int&) {
            ran[static_cast<std::size_t>(i)]++;
            if (i == 10 || i == 250) throw Boom(i);
          });
      FAIL("parallel_for_scratch did not throw");
    } catch (const Boom& e) {
      CHECK(e.index == 10);
      CHECK(std::string(e.what()) == "boom at 10");
    }
    for (std::int64_t i = 0; i <= 10; ++i) CHECK(ran[static_cast<std::size_t>(i)] == 1);
  }
}

TEST_CASE("LoopErrors keeps the lowest index whatever the order of failures", "[parallel][errors]") {
  core::LoopErrors errors;
  CHECK_FALSE(errors.failed());
  errors.run(9, [] { throw Boom(9); });
  errors.run(4, [] { throw Boom(4); });
  bool ran_above = false;
  errors.run(6, [&] { ran_above = true; });  // above the lowest failure: skipped, as a serial loop would
  bool ran_below = false;
  errors.run(2, [&] { ran_below = true; });
  CHECK(errors.failed());
  CHECK_FALSE(ran_above);
  CHECK(ran_below);
  CHECK_THROWS_MATCHES(errors.rethrow(), Boom, Catch::Message("boom at 4"));
}
