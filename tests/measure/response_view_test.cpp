// Response matrices as N-d arrays: an xtensor [item, respondent] over the matrix's own buffer.
#include <catch2/catch.hpp>

#include "genlab/measure/irt.hpp"

TEST_CASE("ResponseMatrix::view is an [item, respondent] array over the same buffer", "[measure][irt]") {
  genlab::measure::ResponseMatrix m(3, 4);
  m.at(2, 1) = 1;
  m.at(0, 3) = 0;
  auto v = m.view();
  REQUIRE(v.shape(0) == 3);
  REQUIRE(v.shape(1) == 4);
  CHECK(v(2, 1) == 1);
  CHECK(v(0, 3) == 0);
  CHECK(v(1, 1) == -1);
  v(1, 2) = 1;  // writes go through
  CHECK(m.at(1, 2) == 1);
  CHECK(v.data() == m.responses.data());
  const genlab::measure::ResponseMatrix& c = m;
  CHECK(c.view()(2, 1) == 1);
}
