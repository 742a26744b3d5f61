// Kendall's τ-b (spec example, brute-force cross-check with ties), Pearson, seed-paired concurrence.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "genlab/core/random.hpp"
#include "genlab/measure/concurrence.hpp"

using namespace genlab::measure;

namespace {
double tau_b_brute(const std::vector<double>& x, const std::vector<double>& y) {
  double c = 0, d = 0, tx = 0, ty = 0;
  const std::size_t n = x.size();
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      const double s = (x[i] - x[j]) * (y[i] - y[j]);
      if (x[i] == x[j] && y[i] == y[j]) {
        ++tx, ++ty;
      } else if (x[i] == x[j]) {
        ++tx;
      } else if (y[i] == y[j]) {
        ++ty;
      } else if (s > 0) {
        ++c;
      } else {
        ++d;
      }
    }
  const double n0 = n * (n - 1) / 2.0;
  return (c - d) / std::sqrt((n0 - tx) * (n0 - ty));
}
}  // namespace

TEST_CASE("Kendall tau-b: the spec's example and identical lists", "[concurrence]") {
  const std::vector<double> x{.9, .8, .7, .6, .5, .4}, y{.85, .9, .6, .65, .3, .2};
  CHECK(kendall_tau_b(x, y) == Approx(11.0 / 15.0).epsilon(1e-14));
  CHECK(kendall_tau_b(x, y) == Approx(0.7333).margin(1e-4));
  CHECK(kendall_tau_b(x, x) == 1.0);
  std::vector<double> rev(x.rbegin(), x.rend());
  CHECK(kendall_tau_b(x, rev) == -1.0);
}

TEST_CASE("Kendall tau-b with ties matches the O(n^2) definition", "[concurrence]") {
  auto g = genlab::core::philox_stream(11, 0);
  for (int trial = 0; trial < 50; ++trial) {
    const std::size_t n = 2 + genlab::core::uniform_index(g, 60);
    std::vector<double> x(n), y(n);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = genlab::core::uniform_index(g, 5);  // many ties
      y[i] = genlab::core::uniform_index(g, 4) + 0.5 * x[i];
    }
    const double brute = [&] {
      try {
        return tau_b_brute(x, y);
      } catch (...) {
        return 0.0;
      }
    }();
    bool constant_x = true, constant_y = true;
    for (std::size_t i = 1; i < n; ++i) constant_x &= x[i] == x[0], constant_y &= y[i] == y[0];
    if (constant_x || constant_y) {
      CHECK_THROWS_AS(kendall_tau_b(x, y), std::domain_error);
    } else {
      CHECK(kendall_tau_b(x, y) == Approx(brute).margin(1e-12));
    }
  }
}

TEST_CASE("Pearson correlation", "[concurrence]") {
  const std::vector<double> x{1, 2, 3, 4, 5}, y{2, 4, 5, 4, 5};
  // sxy = 6, sxx = 10, syy = 6
  CHECK(pearson_correlation(x, y) == Approx(6.0 / std::sqrt(60.0)).epsilon(1e-14));
  CHECK(pearson_correlation(x, x) == Approx(1.0));
}

TEST_CASE("Seed-paired concurrence of two splits", "[concurrence]") {
  SplitScores d1, d2;
  const char* models[] = {"LSTM-uni", "LSTM-bi", "Transformer", "T5-base", "BART-base", "Neural-BTG"};
  for (int m = 0; m < 6; ++m) {
    d1[models[m]] = {0.1 * m, 0.1 * m + 0.01, 0.1 * m + 0.02};
    d2[models[m]] = {0.5 - 0.05 * m, 0.51 - 0.05 * m, 0.49 - 0.05 * m};
  }
  const auto c = seed_paired_concurrence(d1, d2);
  REQUIRE(c.first.size() == 54);
  CHECK(c.value == Approx(kendall_tau_b(c.first, c.second)));
  CHECK(c.value < -0.8);  // d2 ranks the models in reverse
  // The pairing: for model m, seed s of d1 is paired with every seed s' of d2.
  CHECK(c.first[0] == c.first[1]);
  CHECK(c.first[1] == c.first[2]);
  CHECK(c.second[0] != c.second[1]);
  const auto p = seed_paired_concurrence(d1, d2, Correlation::pearson);
  CHECK(p.value == Approx(pearson_correlation(c.first, c.second)));
  CHECK(p.to_json()["pairs"] == 54);
}

TEST_CASE("Concurrence rejects bad input", "[concurrence][errors]") {
  CHECK_THROWS_WITH(kendall_tau_b({1, 2, 3}, {1, 2}), Catch::Contains("y.size()") && Catch::Contains("x.size() = 3"));
  CHECK_THROWS_AS(kendall_tau_b({1}, {1}), std::invalid_argument);
  CHECK_THROWS_AS(kendall_tau_b({1, 1, 1}, {1, 2, 3}), std::domain_error);
  CHECK_THROWS_AS(pearson_correlation({1, 2, 3}, {4, 4, 4}), std::domain_error);
  CHECK_THROWS_AS(kendall_tau_b({1, NAN}, {1, 2}), std::invalid_argument);
  SplitScores a{{"m", {0.5}}}, b{{"n", {0.5}}};
  CHECK_THROWS_WITH(seed_paired_concurrence(a, b), Catch::Contains("scores for every model"));
}

TEST_CASE("Seed-paired concurrence keeps the caller's model order", "[concurrence]") {
  // Insertion order zeta, alpha, mid differs from name order alpha, mid, zeta.
  SplitScores d1{{"zeta", {0.9}}, {"alpha", {0.1, 0.2}}};
  d1["mid"].push_back(0.5);
  SplitScores d2;
  d2["mid"] = {0.4};
  d2["zeta"] = {0.8};
  d2["alpha"] = {0.3};
  std::vector<std::string> order;
  for (const auto& [model, acc] : d1) order.push_back(model);
  CHECK(order == std::vector<std::string>{"zeta", "alpha", "mid"});
  const auto c = seed_paired_concurrence(d1, d2);
  CHECK(c.first == std::vector<double>{0.9, 0.1, 0.2, 0.5});   // d1's order, then seeds
  CHECK(c.second == std::vector<double>{0.8, 0.3, 0.3, 0.4});  // paired by name, not position
  CHECK(c.to_json()["method"] == "kendall_tau_b");
  CHECK(seed_paired_concurrence(d1, d2, Correlation::pearson).to_json()["method"] == "pearson");
  // Map-like access: a reference survives later insertions; at() names a missing model.
  auto& z = d1["zeta"];
  for (int k = 0; k < 100; ++k) d1["m" + std::to_string(k)] = {0.0};
  z.push_back(1.0);
  CHECK(d1.at("zeta") == std::vector<double>{0.9, 1.0});
  CHECK(d1.count("nobody") == 0);
  CHECK(d1.find("nobody") == d1.end());
  CHECK_THROWS_AS(d1.at("nobody"), std::out_of_range);
  CHECK_THROWS_WITH(seed_paired_concurrence(SplitScores{}, SplitScores{}), Catch::Contains("d1.size()"));
}
