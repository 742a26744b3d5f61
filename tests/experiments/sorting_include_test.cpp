// genlab-test: own translation unit (it checks what experiments/sorting.hpp includes).
// The sorting protocol stands on the run layer alone, not on another experiment: this file sees
// only experiments/sorting.hpp, so the check below cannot be satisfied by another test's include.
#include <catch2/catch.hpp>

#include "genlab/experiments/sorting.hpp"

#ifdef GENLAB_EXPERIMENTS_GROKKING_HPP
#error "experiments/sorting.hpp must not include experiments/grokking.hpp"
#endif

TEST_CASE("sorting.hpp alone: a config survives its JSON round trip", "[experiments][sorting]") {
  genlab::experiments::SortingConfig c;
  c.max_eval_length = 37;
  const genlab::core::Json j = c.to_json();
  const auto back = j.get<genlab::experiments::SortingConfig>();
  CHECK(back.max_eval_length == 37);
  CHECK(back.to_json() == j);
}
