// The one JSON comparison behind every refusal to resume: differing keys with both values.
#include <catch2/catch.hpp>

#include "genlab/core/io/json_diff.hpp"

using namespace genlab;
using core::Json;

TEST_CASE("json_diff names the differing keys with both values", "[core][json]") {
  const Json a = {{"lr", 0.001}, {"betas", {0.9, 0.98}}, {"sub", {{"x", 1}, {"y", "s"}}}, {"gone", true}};
  const Json b = {{"lr", 0.002}, {"betas", {0.9, 0.98}}, {"sub", {{"x", 1.0}, {"y", "t"}}}, {"new", nullptr}};
  const auto d = core::json_diff(a, b);
  REQUIRE(d.size() == 4);
  CHECK(d[0].key == "gone");
  CHECK(d[0].before == Json(true));
  CHECK_FALSE(d[0].after.has_value());
  CHECK(d[1].key == "lr");
  CHECK(d[2].key == "sub.y");  // 1 == 1.0: numbers compare by value
  CHECK(d[3].key == "new");
  CHECK_FALSE(d[3].before.has_value());
  CHECK(core::describe_json_diff(d, "before", "after") ==
        "gone = true before, absent after; lr = 0.001 before, 0.002 after; sub.y = \"s\" before, \"t\" after; "
        "new = absent before, null after");
  CHECK(core::json_diff(a, a).empty());
  CHECK(core::json_diff(Json(1), Json("1")).size() == 1);
}
