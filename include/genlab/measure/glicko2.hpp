#ifndef GENLAB_MEASURE_GLICKO2_HPP
#define GENLAB_MEASURE_GLICKO2_HPP
// Glicko-2 ratings (Glickman, "Example of the Glicko-2 system", 2013). Used for players and, as
// in Easy2Hard-Bench's (Ding et al., NeurIPS 2024 Datasets and Benchmarks, §3) Codeforces
// and Lichess sets, for problems treated as players: an attempt is a game the problem "wins"
// when the solver fails.

#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "genlab/core/constants.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"

namespace genlab::measure {

/// Glicko-2's rating-to-internal-scale factor, 400 / ln 10.
inline constexpr double kGlicko2Scale = 173.7178;

/// A rating on the Glicko scale: rating r, rating deviation RD, volatility σ.
struct Glicko2Rating {
  double rating = 1500.0;
  double deviation = 350.0;
  double volatility = 0.06;

  void validate(const char* where = "genlab::measure::Glicko2Rating") const {
    core::require(std::isfinite(rating), where, "rating", rating, "a finite number");
    core::require(deviation > 0.0 && std::isfinite(deviation), where, "deviation", deviation, "a finite value > 0");
    core::require(volatility > 0.0 && std::isfinite(volatility), where, "volatility", volatility,
                  "a finite value > 0");
  }
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Glicko2Rating, rating, deviation, volatility)

/// System constants: τ constrains the volatility's change (Glickman suggests 0.3..1.2; the
/// worked example uses 0.5), ε is the convergence tolerance of the volatility iteration.
struct Glicko2Config {
  double tau = 0.5;
  double epsilon = 1e-6;
  int max_iterations = 10000;  // of each volatility loop; never reached for sane inputs

  void validate() const {
    constexpr const char* where = "genlab::measure::Glicko2Config";
    core::require(tau > 0.0 && std::isfinite(tau), where, "tau", tau, "a finite value > 0 (typically 0.3..1.2)");
    core::require(epsilon > 0.0, where, "epsilon", epsilon, "> 0");
    core::require(max_iterations >= 1, where, "max_iterations", max_iterations, ">= 1");
  }
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Glicko2Config, tau, epsilon, max_iterations)

/// One game of the rating period: the opponent's pre-period rating and the player's score
/// (1 win, 0.5 draw, 0 loss; any value in [0, 1] is accepted).
struct Glicko2Game {
  Glicko2Rating opponent;
  double score = 0.0;
};

/// The new rating and the intermediate quantities of Glickman's steps 3–4.
struct Glicko2Update {
  Glicko2Rating rating;
  double variance = 0.0;  // v (internal scale); +inf with no games
  double delta = 0.0;     // Δ (internal scale)
  int iterations = 0;     // Illinois iterations of the volatility step
};

/// g(φ) = 1/√(1 + 3φ²/π²) (Glickman, step 3). Throws std::invalid_argument unless φ is finite
/// and >= 0.
inline double glicko2_g(double phi) {
  core::require(phi >= 0.0 && std::isfinite(phi), "genlab::measure::glicko2_g", "phi", phi, "a finite value >= 0");
  return 1.0 / std::sqrt(1.0 + 3.0 * phi * phi / (core::pi * core::pi));
}

/// E(μ, μ_j, φ_j) = 1/(1 + exp(−g(φ_j)(μ − μ_j))): the expected score against opponent j.
/// Throws std::invalid_argument for a non-finite μ or μ_j, and as glicko2_g for φ_j.
inline double glicko2_expected_score(double mu, double mu_j, double phi_j) {
  constexpr const char* where = "genlab::measure::glicko2_expected_score";
  core::require(std::isfinite(mu), where, "mu", mu, "a finite number");
  core::require(std::isfinite(mu_j), where, "mu_j", mu_j, "a finite number");
  return 1.0 / (1.0 + std::exp(-glicko2_g(phi_j) * (mu - mu_j)));
}

/// One rating period for one player (Glickman's steps 1–8). With no games only the deviation
/// grows: φ′ = √(φ² + σ²) (RD 200 → 200.2714 at σ = 0.06). Worked example (τ = 0.5): r 1500,
/// RD 200, σ 0.06 beating (1400, 30) and losing to (1550, 100) and (1700, 300) gives r′ ≈ 1464.05,
/// RD′ ≈ 151.52, σ′ ≈ 0.05999. O(games + volatility iterations). Throws std::invalid_argument on
/// bad ratings, scores outside [0, 1] or τ <= 0, std::domain_error if the variance overflows
/// (ratings so far apart that every expected score is exactly 0 or 1), std::runtime_error if
/// the volatility iteration does not converge within max_iterations.
inline Glicko2Update glicko2_update(const Glicko2Rating& player, const std::vector<Glicko2Game>& games,
                                    const Glicko2Config& config = {}) {
  constexpr const char* where = "genlab::measure::glicko2_update";
  config.validate();
  player.validate(where);
  // Step 2: internal scale.
  const double mu = (player.rating - 1500.0) / kGlicko2Scale;
  const double phi = player.deviation / kGlicko2Scale;
  const double sigma = player.volatility;
  Glicko2Update out;
  if (games.empty()) {  // Step 8 (a player who did not compete).
    out.rating = player;
    out.rating.deviation = kGlicko2Scale * std::sqrt(phi * phi + sigma * sigma);
    out.variance = std::numeric_limits<double>::infinity();
    return out;
  }
  // Steps 3–4: v and Δ.
  double inv_v = 0.0, sum = 0.0;
  for (std::size_t k = 0; k < games.size(); ++k) {
    const auto& gm = games[k];
    gm.opponent.validate(where);
    core::require(gm.score >= 0.0 && gm.score <= 1.0, where, "games[" + std::to_string(k) + "].score", gm.score,
                  "a score in [0, 1]");
    const double mu_j = (gm.opponent.rating - 1500.0) / kGlicko2Scale;
    const double phi_j = gm.opponent.deviation / kGlicko2Scale;
    const double g = glicko2_g(phi_j);
    const double e = glicko2_expected_score(mu, mu_j, phi_j);
    inv_v += g * g * e * (1.0 - e);
    sum += g * (gm.score - e);
  }
  core::require_domain(inv_v > 0.0, where, "1/v", inv_v,
                       "> 0 (every expected score rounds to 0 or 1: ratings too far apart)");
  const double v = 1.0 / inv_v;
  const double delta = v * sum;
  // Step 5: new volatility by the Illinois variant of regula falsi.
  const double a = std::log(sigma * sigma);
  const double tau2 = config.tau * config.tau;
  const double phi2 = phi * phi;
  const auto f = [&](double x) {
    const double ex = std::exp(x);
    const double d = phi2 + v + ex;
    return ex * (delta * delta - phi2 - v - ex) / (2.0 * d * d) - (x - a) / tau2;
  };
  double A = a, B = 0.0;
  if (delta * delta > phi2 + v) {
    B = std::log(delta * delta - phi2 - v);
  } else {
    int k = 1;
    while (f(a - k * config.tau) < 0.0) {
      if (++k > config.max_iterations) throw std::runtime_error(std::string(where) + ": volatility bracket not found");
    }
    B = a - k * config.tau;
  }
  double fA = f(A), fB = f(B);
  int it = 0;
  while (std::fabs(B - A) > config.epsilon) {
    if (++it > config.max_iterations) throw std::runtime_error(std::string(where) + ": volatility iteration did not converge");
    const double C = A + (A - B) * fA / (fB - fA);
    const double fC = f(C);
    if (fC * fB <= 0.0) {
      A = B;
      fA = fB;
    } else {
      fA /= 2.0;
    }
    B = C;
    fB = fC;
  }
  const double sigma_new = std::exp(A / 2.0);
  // Steps 6–8.
  const double phi_star = std::sqrt(phi2 + sigma_new * sigma_new);
  const double phi_new = 1.0 / std::sqrt(1.0 / (phi_star * phi_star) + 1.0 / v);
  const double mu_new = mu + phi_new * phi_new * sum;
  out.rating.rating = kGlicko2Scale * mu_new + 1500.0;
  out.rating.deviation = kGlicko2Scale * phi_new;
  out.rating.volatility = sigma_new;
  out.variance = v;
  out.delta = delta;
  out.iterations = it;
  return out;
}

/// A game between players a and b (indices into the rating list); score_a is a's score.
struct Glicko2Match {
  std::size_t a = 0;
  std::size_t b = 0;
  double score_a = 0.0;
};

/// One rating period for a population: every player is updated from the games it played in
/// the period against its opponents' pre-period ratings (Glickman's rule: all games of a period
/// count as simultaneous). Players without games only gain deviation. `frozen` (optional, same
/// length) marks players whose rating is held fixed, e.g. established contestants when rating
/// problems. O(players + matches).
inline std::vector<Glicko2Rating> glicko2_rating_period(const std::vector<Glicko2Rating>& players,
                                                        const std::vector<Glicko2Match>& matches,
                                                        const Glicko2Config& config = {},
                                                        const std::vector<bool>& frozen = {}) {
  constexpr const char* where = "genlab::measure::glicko2_rating_period";
  config.validate();
  core::require(frozen.empty() || frozen.size() == players.size(), where, "frozen.size()", frozen.size(),
                "0 or players.size() = " + std::to_string(players.size()));
  std::vector<std::vector<Glicko2Game>> games(players.size());
  for (std::size_t k = 0; k < matches.size(); ++k) {
    const auto& m = matches[k];
    const std::string name = "matches[" + std::to_string(k) + "]";
    core::require(m.a < players.size(), where, name + ".a", m.a, "< players.size() = " + std::to_string(players.size()));
    core::require(m.b < players.size(), where, name + ".b", m.b, "< players.size() = " + std::to_string(players.size()));
    core::require(m.a != m.b, where, name + ".b", m.b, "a different player than a");
    core::require(m.score_a >= 0.0 && m.score_a <= 1.0, where, name + ".score_a", m.score_a, "a score in [0, 1]");
    Glicko2Game ga, gb;
    ga.opponent = players[m.b];
    ga.score = m.score_a;
    gb.opponent = players[m.a];
    gb.score = 1.0 - m.score_a;
    games[m.a].push_back(ga);
    games[m.b].push_back(gb);
  }
  std::vector<Glicko2Rating> out(players.size());
  for (std::size_t i = 0; i < players.size(); ++i)
    out[i] = (!frozen.empty() && frozen[i]) ? players[i] : glicko2_update(players[i], games[i], config).rating;
  return out;
}

/// An attempt of a solver at a problem.
struct Glicko2Attempt {
  std::size_t solver = 0;
  std::size_t problem = 0;
  bool solved = false;
};

/// Problems treated as players (Easy2Hard-Bench, Codeforces): one rating period in which each
/// attempt is a game between the problem and the solver, won by the problem when the solver
/// fails; solver ratings are held fixed. Returns the problems' new ratings (a harder problem
/// rates higher). O(solvers + problems + attempts).
inline std::vector<Glicko2Rating> glicko2_rate_problems(const std::vector<Glicko2Rating>& solvers,
                                                        const std::vector<Glicko2Rating>& problems,
                                                        const std::vector<Glicko2Attempt>& attempts,
                                                        const Glicko2Config& config = {}) {
  constexpr const char* where = "genlab::measure::glicko2_rate_problems";
  std::vector<Glicko2Rating> players = problems;
  players.insert(players.end(), solvers.begin(), solvers.end());
  std::vector<bool> frozen(players.size(), false);
  for (std::size_t i = problems.size(); i < players.size(); ++i) frozen[i] = true;
  std::vector<Glicko2Match> matches;
  matches.reserve(attempts.size());
  for (std::size_t k = 0; k < attempts.size(); ++k) {
    const auto& at = attempts[k];
    core::require(at.solver < solvers.size(), where, "attempts[" + std::to_string(k) + "].solver", at.solver,
                  "< solvers.size() = " + std::to_string(solvers.size()));
    core::require(at.problem < problems.size(), where, "attempts[" + std::to_string(k) + "].problem", at.problem,
                  "< problems.size() = " + std::to_string(problems.size()));
    Glicko2Match m;
    m.a = at.problem;
    m.b = problems.size() + at.solver;
    m.score_a = at.solved ? 0.0 : 1.0;
    matches.push_back(m);
  }
  auto updated = glicko2_rating_period(players, matches, config, frozen);
  updated.resize(problems.size());
  return updated;
}

}  // namespace genlab::measure

#endif  // GENLAB_MEASURE_GLICKO2_HPP
