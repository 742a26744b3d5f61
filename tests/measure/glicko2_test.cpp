// Glicko-2 against Glickman's worked example (Glickman, "Example of the Glicko-2 system", 2013)
// at full precision.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "genlab/core/io/json.hpp"
#include "genlab/measure/glicko2.hpp"

using namespace genlab::measure;

namespace {
Glicko2Rating rating(double r, double rd, double sigma = 0.06) {
  Glicko2Rating x;
  x.rating = r;
  x.deviation = rd;
  x.volatility = sigma;
  return x;
}
Glicko2Game game(double r, double rd, double s) {
  Glicko2Game g;
  g.opponent = rating(r, rd);
  g.score = s;
  return g;
}
std::vector<Glicko2Game> example_games() { return {game(1400, 30, 1), game(1550, 100, 0), game(1700, 300, 0)}; }
}  // namespace

TEST_CASE("Glickman's worked example", "[glicko2]") {
  Glicko2Config cfg;
  cfg.tau = 0.5;
  const auto u = glicko2_update(rating(1500, 200), example_games(), cfg);
  // Paper's stated tolerances.
  CHECK(std::fabs(u.rating.rating - 1464.06) < 0.02);
  CHECK(std::fabs(u.rating.deviation - 151.52) < 0.01);
  CHECK(std::fabs(u.rating.volatility - 0.05999) < 1e-5);
  // Full double precision values from the spec.
  CHECK(u.rating.rating == Approx(1464.0507).margin(1e-3));
  CHECK(u.rating.deviation == Approx(151.5165).margin(1e-3));
  CHECK(u.rating.volatility == Approx(0.0599960).margin(1e-7));
  CHECK(u.variance == Approx(1.7790).margin(1e-4));
  CHECK(u.delta == Approx(-0.4839).margin(1e-4));
  // Table of intermediate values.
  const double mu = 0.0;
  CHECK(glicko2_g(100 / kGlicko2Scale) == Approx(0.9531).margin(1e-4));
  CHECK(glicko2_g(30 / kGlicko2Scale) == Approx(0.9955).margin(1e-4));
  CHECK(glicko2_g(300 / kGlicko2Scale) == Approx(0.7242).margin(1e-4));
  CHECK(glicko2_expected_score(mu, -100 / kGlicko2Scale, 30 / kGlicko2Scale) == Approx(0.639).margin(1e-3));
  CHECK(glicko2_expected_score(mu, 50 / kGlicko2Scale, 100 / kGlicko2Scale) == Approx(0.432).margin(1e-3));
  CHECK(glicko2_expected_score(mu, 200 / kGlicko2Scale, 300 / kGlicko2Scale) == Approx(0.303).margin(1e-3));
}

TEST_CASE("Glicko-2: a player with no games only gains deviation", "[glicko2]") {
  const auto u = glicko2_update(rating(1500, 200), {});
  CHECK(u.rating.rating == 1500.0);
  CHECK(u.rating.volatility == 0.06);
  CHECK(u.rating.deviation == Approx(200.2714).margin(1e-4));
  CHECK(std::isinf(u.variance));
  // Same through a rating period with an idle player.
  std::vector<Glicko2Rating> players{rating(1500, 200), rating(1400, 30), rating(1550, 100), rating(1700, 300),
                                     rating(1500, 200)};
  std::vector<Glicko2Match> matches(3);
  matches[0].a = 0, matches[0].b = 1, matches[0].score_a = 1;
  matches[1].a = 2, matches[1].b = 0, matches[1].score_a = 1;  // player 0 loses, seen from the other side
  matches[2].a = 0, matches[2].b = 3, matches[2].score_a = 0;
  Glicko2Config cfg;
  const auto out = glicko2_rating_period(players, matches, cfg);
  CHECK(out[0].rating == Approx(1464.0507).margin(1e-3));
  CHECK(out[4].deviation == Approx(200.2714).margin(1e-4));
  CHECK(out[1].rating < 1400.0);  // lost to a weaker player
  CHECK(out[2].rating > 1550.0);
}

TEST_CASE("Glicko-2: problems rated as players", "[glicko2]") {
  std::vector<Glicko2Rating> solvers{rating(1200, 50), rating(1500, 50), rating(1800, 50)};
  std::vector<Glicko2Rating> problems{rating(1500, 350), rating(1500, 350)};
  std::vector<Glicko2Attempt> attempts;
  for (std::size_t s = 0; s < 3; ++s) {
    Glicko2Attempt easy, hard;
    easy.solver = hard.solver = s;
    easy.problem = 0, easy.solved = true;
    hard.problem = 1, hard.solved = s == 2;
    attempts.push_back(easy);
    attempts.push_back(hard);
  }
  const auto out = glicko2_rate_problems(solvers, problems, attempts);
  REQUIRE(out.size() == 2);
  CHECK(out[1].rating > out[0].rating);  // the problem fewer solved is harder
  CHECK(out[0].deviation < 350.0);
}

TEST_CASE("Glicko-2 rejects bad input", "[glicko2][errors]") {
  Glicko2Config cfg;
  cfg.tau = 0.0;
  CHECK_THROWS_WITH(glicko2_update(rating(1500, 200), example_games(), cfg),
                    Catch::Contains("tau") && Catch::Contains("expected a finite value > 0"));
  cfg.tau = -0.5;
  CHECK_THROWS_AS(glicko2_update(rating(1500, 200), example_games(), cfg), std::invalid_argument);
  CHECK_THROWS_WITH(glicko2_update(rating(1500, 0), example_games()), Catch::Contains("deviation"));
  CHECK_THROWS_WITH(glicko2_update(rating(1500, 200), {game(1400, 30, 1.5)}), Catch::Contains("score"));
  CHECK_THROWS_AS(glicko2_update(rating(NAN, 200), example_games()), std::invalid_argument);
  std::vector<Glicko2Match> bad(1);
  bad[0].a = 0, bad[0].b = 7;
  CHECK_THROWS_WITH(glicko2_rating_period({rating(1500, 200), rating(1500, 200)}, bad), Catch::Contains("matches[0].b"));
  // Far-apart ratings: finite answer, never NaN.
  const auto u = glicko2_update(rating(1500, 30), {game(3500, 30, 1)});
  CHECK(std::isfinite(u.rating.rating));
  CHECK(std::isfinite(u.rating.deviation));
  CHECK(std::isfinite(u.rating.volatility));
}

TEST_CASE("Glicko-2 helpers refuse non-finite input; ratings and config through nlohmann's macros", "[glicko2][json]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(glicko2_g(nan), std::invalid_argument);
  CHECK_THROWS_WITH(glicko2_g(-1.0), Catch::Contains("glicko2_g") && Catch::Contains("'phi'"));
  CHECK_THROWS_WITH(glicko2_expected_score(nan, 0.0, 1.0), Catch::Contains("'mu'") && Catch::Contains("nan"));
  CHECK_THROWS_WITH(glicko2_expected_score(0.0, 0.0, nan), Catch::Contains("'phi'"));
  const genlab::core::Json j = rating(1464.0, 151.5, 0.05999);
  CHECK(j == genlab::core::Json{{"rating", 1464.0}, {"deviation", 151.5}, {"volatility", 0.05999}});
  const auto back = j.get<Glicko2Rating>();
  CHECK(back.rating == 1464.0);
  CHECK(back.deviation == 151.5);
  CHECK(back.volatility == 0.05999);
  const auto cfg = genlab::core::Json{{"tau", 0.3}}.get<Glicko2Config>();
  CHECK(cfg.tau == 0.3);
  CHECK(cfg.epsilon == 1e-6);  // default kept
}
