// IRT: spot values from the spec, Gauss–Hermite rule, recovery of known parameters on simulated
// data (200 items x 1000 respondents), optimality by independent recomputation, extreme patterns.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "genlab/core/io/json.hpp"
#include "genlab/core/random.hpp"
#include "genlab/measure/irt.hpp"

using namespace genlab::measure;

namespace {
double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= n, my /= n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx), syy += (y[i] - my) * (y[i] - my);
  return sxy / std::sqrt(sxx * syy);
}

// Standard normal draws rescaled to sample mean 0 and sd 1, so the truth satisfies the
// identifiability constraints exactly.
std::vector<double> standardized_normals(std::size_t n, std::uint64_t seed, std::uint64_t stream) {
  auto g = genlab::core::philox_stream(seed, stream);
  std::vector<double> v(n);
  for (auto& x : v) x = genlab::core::normal_double(g);
  double m = 0, ss = 0;
  for (double x : v) m += x;
  m /= static_cast<double>(n);
  for (double x : v) ss += (x - m) * (x - m);
  const double sd = std::sqrt(ss / static_cast<double>(n));
  for (auto& x : v) x = (x - m) / sd;
  return v;
}

struct Truth {
  std::vector<double> b, a, theta;
  ResponseMatrix y;
};

Truth simulate(std::size_t items, std::size_t people, bool two_pl, std::uint64_t seed) {
  Truth t;
  t.theta = standardized_normals(people, seed, 1000001);
  auto g = genlab::core::philox_stream(seed, 1000002);
  t.b.resize(items);
  for (auto& b : t.b) b = genlab::core::normal_double(g);
  if (two_pl) {
    t.a.resize(items);
    for (auto& a : t.a) a = std::exp(0.3 * genlab::core::normal_double(g));
  }
  t.y = simulate_irt_responses(t.b, t.a, t.theta, seed);
  return t;
}

double coverage(const std::vector<double>& est, const std::vector<double>& se, const std::vector<double>& truth) {
  std::size_t in = 0;
  for (std::size_t i = 0; i < est.size(); ++i) in += std::fabs(est[i] - truth[i]) <= 1.96 * se[i];
  return static_cast<double>(in) / static_cast<double>(est.size());
}

// Marginal log-likelihood recomputed directly from its definition with the same quadrature.
double marginal_loglik(const ResponseMatrix& y, const std::vector<double>& b, const std::vector<double>& a,
                       std::size_t points) {
  const auto gh = gauss_hermite_normal(points);
  double ll = 0;
  for (std::size_t j = 0; j < y.respondents; ++j) {
    std::vector<double> lq(points, 0.0);
    for (std::size_t q = 0; q < points; ++q) {
      lq[q] = std::log(gh.weights[q]);
      for (std::size_t i = 0; i < y.items; ++i) {
        const double p = irt_probability(gh.nodes[q], b[i], a.empty() ? 1.0 : a[i]);
        if (y.at(i, j) == 1) lq[q] += std::log(p);
        if (y.at(i, j) == 0) lq[q] += std::log1p(-p);
      }
    }
    const double mx = *std::max_element(lq.begin(), lq.end());
    double s = 0;
    for (double v : lq) s += std::exp(v - mx);
    ll += mx + std::log(s);
  }
  return ll;
}
}  // namespace

TEST_CASE("IRT probability: the spec's spot values", "[irt]") {
  CHECK(irt_probability(1.0, 0.0) == Approx(0.7310586).margin(1e-7));
  CHECK(irt_probability(0.0, 1.0) == Approx(0.2689414).margin(1e-7));
  CHECK(irt_probability(1.5, 0.5, 2.0) == Approx(0.8807971).margin(1e-7));
  CHECK(irt_probability(-800.0, 0.0) >= 0.0);
  CHECK(irt_probability(800.0, 0.0) == 1.0);
}

TEST_CASE("Gauss-Hermite rule integrates normal moments", "[irt]") {
  const auto gh = gauss_hermite_normal(21);
  double m0 = 0, m1 = 0, m2 = 0, m4 = 0, m6 = 0;
  for (std::size_t k = 0; k < 21; ++k) {
    const double x = gh.nodes[k], w = gh.weights[k];
    m0 += w, m1 += w * x, m2 += w * x * x, m4 += w * std::pow(x, 4), m6 += w * std::pow(x, 6);
  }
  CHECK(m0 == Approx(1.0).epsilon(1e-12));
  CHECK(m1 == Approx(0.0).margin(1e-12));
  CHECK(m2 == Approx(1.0).epsilon(1e-10));
  CHECK(m4 == Approx(3.0).epsilon(1e-10));
  CHECK(m6 == Approx(15.0).epsilon(1e-10));
  // E[σ(θ)] = 1/2 by symmetry; E[σ(θ)²] vs a 3-node rule converges.
  const auto gh61 = gauss_hermite_normal(61);
  double e = 0;
  for (std::size_t k = 0; k < 61; ++k) e += gh61.weights[k] * irt_probability(gh61.nodes[k], 0.0);
  CHECK(e == Approx(0.5).margin(1e-12));
}

TEST_CASE("1PL recovers known difficulties (200 items x 1000 respondents), JML and MML", "[irt]") {
  const Truth t = simulate(200, 1000, false, 2024);
  for (auto method : {IrtMethod::joint_ml, IrtMethod::marginal_ml}) {
    IrtConfig cfg;
    cfg.method = method;
    cfg.tolerance = 1e-4;
    const IrtFit fit = fit_irt(t.y, cfg);
    INFO((method == IrtMethod::joint_ml ? "JML" : "MML") << ", iterations " << fit.iterations);
    CHECK(fit.converged);
    CHECK(correlation(fit.difficulty, t.b) >= 0.98);
    const double cov = coverage(fit.difficulty, fit.difficulty_se, t.b);
    INFO("coverage of 95% intervals " << cov);
    CHECK(cov >= 0.88);
    CHECK(cov <= 1.0);
    for (double se : fit.difficulty_se) {
      CHECK(se > 0.05);
      CHECK(se < 0.2);
    }
    CHECK(correlation(fit.ability, t.theta) >= 0.95);
    CHECK(std::isfinite(fit.log_likelihood_nats));
    if (method == IrtMethod::joint_ml) {
      double mean = 0;
      for (double th : fit.ability) mean += th;
      CHECK(mean / 1000.0 == Approx(0.0).margin(1e-9));  // identifiability constraint
      // JML stationarity, recomputed: Σ_j (y_ij − p_ij) = 0 for every item.
      double worst = 0;
      for (std::size_t i = 0; i < 200; ++i) {
        double g = 0;
        for (std::size_t j = 0; j < 1000; ++j) g += t.y.at(i, j) - irt_probability(fit.ability[j], fit.difficulty[i]);
        worst = std::max(worst, std::fabs(g));
      }
      CHECK(worst < 0.05);
    }
  }
}

TEST_CASE("MML is a local maximum of the directly recomputed marginal likelihood", "[irt]") {
  const Truth t = simulate(30, 300, false, 5);
  IrtConfig cfg;
  cfg.quadrature_points = 31;
  cfg.tolerance = 1e-6;
  cfg.parameter_expansion = false;  // plain EM: the exact maximiser of the quadrature likelihood
  const IrtFit fit = fit_irt(t.y, cfg);
  REQUIRE(fit.converged);
  // PX-EM reaches the same point (up to quadrature error, tiny with 30 items) much faster.
  cfg.parameter_expansion = true;
  const IrtFit px = fit_irt(t.y, cfg);
  CHECK(px.iterations < fit.iterations);
  for (std::size_t i = 0; i < 30; ++i) CHECK(px.difficulty[i] == Approx(fit.difficulty[i]).margin(2e-3));
  const double ll = marginal_loglik(t.y, fit.difficulty, {}, 31);
  CHECK(fit.log_likelihood_nats == Approx(ll).epsilon(1e-10));
  for (std::size_t i : {0u, 7u, 29u}) {
    for (double h : {-1e-2, 1e-2}) {
      auto b = fit.difficulty;
      b[i] += h;
      CHECK(marginal_loglik(t.y, b, {}, 31) < ll);
    }
  }
}

TEST_CASE("2PL MML recovers difficulties and discriminations", "[irt]") {
  const Truth t = simulate(100, 1000, true, 77);
  IrtConfig cfg;
  cfg.model = IrtModel::two_pl;
  cfg.tolerance = 1e-4;
  const IrtFit fit = fit_irt(t.y, cfg);
  CHECK(fit.converged);
  CHECK(correlation(fit.difficulty, t.b) >= 0.98);
  CHECK(correlation(fit.discrimination, t.a) >= 0.8);
  const double cov_b = coverage(fit.difficulty, fit.difficulty_se, t.b);
  const double cov_a = coverage(fit.discrimination, fit.discrimination_se, t.a);
  INFO("coverage b " << cov_b << ", a " << cov_a);
  CHECK(cov_b >= 0.85);
  CHECK(cov_a >= 0.85);
  // JML 2PL: same ordering of items.
  cfg.method = IrtMethod::joint_ml;
  const IrtFit jml = fit_irt(t.y, cfg);
  CHECK(correlation(jml.difficulty, t.b) >= 0.97);
  CHECK(correlation(jml.discrimination, t.a) >= 0.7);
}

TEST_CASE("Extreme items and respondents get finite, flagged estimates", "[irt][errors]") {
  Truth t = simulate(20, 100, false, 3);
  for (std::size_t j = 0; j < 100; ++j) t.y.at(0, j) = 1, t.y.at(1, j) = 0;  // everyone right / wrong
  for (std::size_t i = 0; i < 20; ++i) t.y.at(i, 5) = 1;                      // a perfect respondent
  t.y.at(1, 5) = -1;  // (who skipped item 1, so that item 1 stays all wrong)
  t.y.at(3, 9) = -1;                                                            // one missing response
  for (auto model : {IrtModel::one_pl, IrtModel::two_pl})
    for (auto method : {IrtMethod::joint_ml, IrtMethod::marginal_ml}) {
      IrtConfig cfg;
      cfg.model = model;
      cfg.method = method;
      cfg.discrimination_prior_sd = model == IrtModel::two_pl ? 0.5 : 0.0;
      const IrtFit fit = fit_irt(t.y, cfg);
      CHECK(fit.converged);
      for (std::size_t i = 0; i < 20; ++i) {
        REQUIRE(std::isfinite(fit.difficulty[i]));
        REQUIRE(std::isfinite(fit.difficulty_se[i]));
        REQUIRE(std::isfinite(fit.discrimination[i]));
      }
      for (std::size_t j = 0; j < 100; ++j) REQUIRE(std::isfinite(fit.ability[j]));
      REQUIRE(std::isfinite(fit.log_likelihood_nats));
      CHECK(fit.extreme_item[0] == 1);
      CHECK(fit.extreme_item[1] == 1);
      CHECK(fit.extreme_item[2] == 0);
      CHECK(fit.extreme_respondent[5] == 1);
      CHECK(fit.difficulty[0] == *std::min_element(fit.difficulty.begin(), fit.difficulty.end()));
      CHECK(fit.difficulty[1] == *std::max_element(fit.difficulty.begin(), fit.difficulty.end()));
      CHECK(fit.ability[5] == *std::max_element(fit.ability.begin(), fit.ability.end()));
    }
  // JML, 1PL: the all-correct item sits where an item with score n − 0.3 would.
  IrtConfig cfg;
  cfg.method = IrtMethod::joint_ml;
  const IrtFit fit = fit_irt(t.y, cfg);
  double expected = 0;
  for (std::size_t j = 0; j < 100; ++j) expected += irt_probability(fit.ability[j], fit.difficulty[0]);
  CHECK(expected == Approx(100 - 0.3).margin(0.01));
}

TEST_CASE("2PL without a prior: an extreme item keeps a = 1 and a finite difficulty", "[irt][errors]") {
  // An all-correct item's adjusted responses are the same fraction at every ability; a free
  // discrimination fitted them with a -> 0 and b near -320, never converging.
  Truth t = simulate(30, 300, true, 11);
  ResponseMatrix y = t.y;
  for (std::size_t j = 0; j < 300; ++j) y.at(0, j) = 1, y.at(1, j) = 0;  // everyone right / wrong
  for (auto method : {IrtMethod::joint_ml, IrtMethod::marginal_ml}) {
    IrtConfig cfg;
    cfg.model = IrtModel::two_pl;
    cfg.method = method;
    const IrtFit fit = fit_irt(y, cfg);
    const IrtFit plain = fit_irt(t.y, cfg);  // the same responses without the two extreme items
    REQUIRE(fit.extreme_item[0] == 1);
    REQUIRE(fit.extreme_item[1] == 1);
    CHECK(fit.discrimination[0] == 1.0);
    CHECK(fit.discrimination[1] == 1.0);
    CHECK(fit.discrimination_se[0] == 0.0);
    CHECK(std::isfinite(fit.difficulty_se[0]));
    CHECK(fit.difficulty[0] > -15);
    CHECK(fit.difficulty[1] < 15);
    CHECK(fit.difficulty[0] == *std::min_element(fit.difficulty.begin(), fit.difficulty.end()));
    CHECK(fit.difficulty[1] == *std::max_element(fit.difficulty.begin(), fit.difficulty.end()));
    // The other items stay close to their fit on the unmodified responses.
    double db = 0, da = 0;
    for (std::size_t i = 2; i < 30; ++i) {
      db = std::max(db, std::fabs(fit.difficulty[i] - plain.difficulty[i]));
      da = std::max(da, std::fabs(fit.discrimination[i] - plain.discrimination[i]));
    }
    INFO("method " << (method == IrtMethod::joint_ml ? "JML" : "MML") << ": max |db| " << db << ", max |da| " << da);
    CHECK(db < 0.3);
    CHECK(da < 0.45);
    if (method == IrtMethod::marginal_ml) CHECK(fit.converged);
  }
}

TEST_CASE("IRT rejects bad input", "[irt][errors]") {
  ResponseMatrix m(2, 3, 1);
  m.at(0, 1) = 2;
  CHECK_THROWS_WITH(fit_irt(m), Catch::Contains("response (0, 1)") && Catch::Contains("0, 1 or -1"));
  ResponseMatrix empty_item(2, 3, 1);
  for (std::size_t j = 0; j < 3; ++j) empty_item.at(1, j) = -1;
  CHECK_THROWS_WITH(fit_irt(empty_item), Catch::Contains("item 1") && Catch::Contains("empty item"));
  ResponseMatrix wrong(2, 3, 1);
  wrong.responses.pop_back();
  CHECK_THROWS_WITH(fit_irt(wrong), Catch::Contains("responses.size()"));
  IrtConfig cfg;
  cfg.quadrature_points = 1;
  CHECK_THROWS_WITH(fit_irt(ResponseMatrix(2, 2, 1), cfg), Catch::Contains("quadrature_points"));
  cfg = IrtConfig{};
  cfg.extreme_adjustment = 0.0;
  CHECK_THROWS_WITH(fit_irt(ResponseMatrix(2, 2, 1), cfg), Catch::Contains("extreme_adjustment"));
  CHECK_THROWS_WITH(simulate_irt_responses({0.0, 1.0}, {1.0}, {0.0}, 1), Catch::Contains("discrimination.size()"));
}

TEST_CASE("Simulated responses depend only on the seed", "[irt]") {
  const std::vector<double> b{-1, 0, 1}, th{-0.5, 0.5, 1.5, 2.0};
  const auto a = simulate_irt_responses(b, {}, th, 99);
  const auto c = simulate_irt_responses(b, {}, th, 99);
  CHECK(a.responses == c.responses);
  // Item i's row comes from Philox stream (seed, i): recompute row 2 serially.
  auto g = genlab::core::philox_stream(99, 2);
  for (std::size_t j = 0; j < th.size(); ++j)
    CHECK(a.at(2, j) == (genlab::core::uniform_double53(g) < irt_probability(th[j], 1.0) ? 1 : 0));
}

TEST_CASE("IRT refuses non-finite parameters, naming the parameter, its index and its value", "[irt][errors]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  // Before: a NaN ability compared false against every uniform draw and gave all-zero responses.
  CHECK_THROWS_AS(simulate_irt_responses({0.0, 1.0}, {}, {0.0, 0.5, nan}, 1), std::invalid_argument);
  CHECK_THROWS_WITH(simulate_irt_responses({0.0, 1.0}, {}, {0.0, 0.5, nan}, 1),
                    Catch::Contains("simulate_irt_responses") && Catch::Contains("'ability[2]'") &&
                        Catch::Contains("nan") && Catch::Contains("finite"));
  CHECK_THROWS_WITH(simulate_irt_responses({0.0, inf}, {}, {0.0}, 1),
                    Catch::Contains("'difficulty[1]'") && Catch::Contains("inf"));
  CHECK_THROWS_WITH(simulate_irt_responses({0.0, 1.0}, {1.0, nan}, {0.0}, 1),
                    Catch::Contains("'discrimination[1]'") && Catch::Contains("nan"));
  CHECK_THROWS_AS(irt_probability(nan, 0.0), std::invalid_argument);
  CHECK_THROWS_WITH(irt_probability(0.0, 0.0, -inf), Catch::Contains("'discrimination'") && Catch::Contains("-inf"));
  const ResponseMatrix y = simulate_irt_responses({-1.0, 1.0}, {}, {0.0, 1.0, 2.0}, 3);
  CHECK_THROWS_WITH(irt_log_likelihood_nats(y, {0.0, nan}, {}, {0.0, 0.0, 0.0}), Catch::Contains("'difficulty[1]'"));
  CHECK_THROWS_WITH(irt_log_likelihood_nats(y, {0.0}, {}, {0.0, 0.0, 0.0}), Catch::Contains("difficulty.size()"));
}

TEST_CASE("IRT joint likelihood matches the JML fit's own", "[irt]") {
  const Truth t = simulate(15, 80, false, 11);
  IrtConfig cfg;
  cfg.method = IrtMethod::joint_ml;
  const IrtFit fit = fit_irt(t.y, cfg);
  CHECK(irt_log_likelihood_nats(t.y, fit.difficulty, fit.discrimination, fit.ability) == fit.log_likelihood_nats);
  CHECK(irt_log_likelihood_nats(t.y, fit.difficulty, {}, fit.ability) == fit.log_likelihood_nats);  // 1PL: a = 1
}

TEST_CASE("IRT JSON: enums and config through nlohmann's macros, keys as before", "[irt][json]") {
  const Truth t = simulate(10, 60, false, 4);
  IrtConfig cfg;
  cfg.model = IrtModel::two_pl;
  cfg.discrimination_prior_sd = 0.5;
  cfg.max_iterations = 50;
  const IrtFit fit = fit_irt(t.y, cfg);
  const genlab::core::Json j = fit.to_json();
  CHECK(j["model"] == "2PL");
  CHECK(j["method"] == "marginal_ml");
  CHECK(j["discrimination_prior_sd"] == 0.5);
  CHECK(j["difficulty"].size() == 10);
  CHECK(genlab::core::Json(fit) == j);
  const genlab::core::Json c = cfg;
  CHECK(c["model"] == "2PL");
  CHECK(c["max_iterations"] == 50);
  const auto back = c.get<IrtConfig>();
  CHECK(back.model == IrtModel::two_pl);
  CHECK(back.method == IrtMethod::marginal_ml);
  CHECK(back.max_iterations == 50);
  CHECK(back.discrimination_prior_sd == 0.5);
  // Missing keys keep their defaults.
  const auto partial = genlab::core::Json{{"method", "joint_ml"}}.get<IrtConfig>();
  CHECK(partial.method == IrtMethod::joint_ml);
  CHECK(partial.model == IrtModel::one_pl);
  CHECK(partial.quadrature_points == 61);
}
