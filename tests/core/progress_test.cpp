// Progress reporting: plain lines when not a TTY, a bar when it is, silence when quiet.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "genlab/core/error.hpp"
#include "genlab/core/progress.hpp"

using namespace genlab::core;

namespace {
ProgressOptions options(std::FILE* f, bool quiet, int tty) {
  ProgressOptions o;
  o.quiet = quiet;
  o.interval_s = 0.0;
  o.stream = f;
  o.force_tty = tty;
  return o;
}
std::string captured(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string s;
  char buf[512];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}
}  // namespace

TEST_CASE("progress prints plain lines, a bar, or nothing", "[progress]") {
  SECTION("plain lines end with the total and the time taken") {
    std::FILE* f = std::tmpfile();
    {
      Progress p("train", 10, options(f, false, 0));
      for (int i = 0; i < 10; ++i) p.add();
    }
    const std::string s = captured(f);
    CHECK(s.find("train: 10/10 100%") != std::string::npos);
    CHECK(s.find("took") != std::string::npos);
    CHECK(s.find('\r') == std::string::npos);
    std::fclose(f);
  }
  SECTION("a TTY gets a redrawn bar") {
    std::FILE* f = std::tmpfile();
    {
      Progress p("eval", 4, options(f, false, 1));
      p.add(4);
    }
    const std::string s = captured(f);
    CHECK(s.find("\reval [########################] 4/4") != std::string::npos);
    std::fclose(f);
  }
  SECTION("quiet prints nothing") {
    std::FILE* f = std::tmpfile();
    {
      Progress p("q", 3, options(f, true, 0));
      p.add(3);
      CHECK(p.done() == 3);
    }
    CHECK(captured(f).empty());
    std::fclose(f);
  }
}

TEST_CASE("argument errors name the function, parameter, value and expectation", "[errors]") {
  CHECK_THROWS_WITH(require(false, "genlab::x::f", "width", -3, ">= 1"),
                    "genlab::x::f: parameter 'width' = -3; expected >= 1");
  CHECK_THROWS_AS(require_domain(false, "f", "p", 1.5, "in [0, 1]"), std::domain_error);
  CHECK_THROWS_WITH(require(false, "f", "name", std::string("x"), "y"), Catch::Contains("'name' = \"x\""));
  CHECK_NOTHROW(require(true, "f", "p", 0, "anything"));
}
