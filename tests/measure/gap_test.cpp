// Scylla's gap edge cases, valley and critical complexity (Qi et al., "Quantifying Generalization
// Complexity for Large Language Models", arXiv 2410.01769).
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "genlab/core/io/json.hpp"
#include "genlab/measure/gap.hpp"

using namespace genlab::measure;

TEST_CASE("Generalization gap: the reference edge cases", "[gap]") {
  auto g = generalization_gap(0.8, 0.5);
  CHECK(g.diff == Approx(0.3));
  CHECK(g.ratio == Approx(0.625));
  CHECK(g.relative_diff == Approx(0.375));
  g = generalization_gap(0.4, 0.6);
  CHECK(g.diff == 0.0);
  CHECK(g.ratio == Approx(1.5));
  CHECK(g.relative_diff == 0.0);
  g = generalization_gap(0.0, 0.1);
  CHECK(g.diff == 0.0);
  CHECK(g.ratio == 1.0);
  CHECK(g.relative_diff == 1.0);
  g = generalization_gap(0.0, 0.0);
  CHECK(g.ratio == 1.0);
  CHECK(g.relative_diff == 1.0);
  CHECK_THROWS_WITH(generalization_gap(1.1, 0.5), Catch::Contains("id_accuracy") && Catch::Contains("[0, 1]"));
  CHECK_THROWS_WITH(generalization_gap(0.5, NAN), Catch::Contains("ood_accuracy"));
}

TEST_CASE("Scylla accuracy and task levels", "[gap]") {
  CHECK(scylla_accuracy(5, 10, 100) == 0.5);
  CHECK(scylla_accuracy(5, 9, 100) == 0.0);  // fewer than 10% parseable
  CHECK(scylla_accuracy(0, 0, 10) == 0.0);
  CHECK_THROWS_AS(scylla_accuracy(1, 0, 0), std::invalid_argument);
  CHECK_THROWS_AS(scylla_accuracy(3, 2, 10), std::invalid_argument);
  CHECK(scylla_task_level("FindMode") == 1);
  CHECK(scylla_task_level("TwoSum") == 2);
  CHECK(scylla_task_level("FourSumInRange") == 4);
  CHECK(scylla_task_level("TSP") == 5);
  CHECK(scylla_level_names()[2] == "O(N^2-N^3)");
  CHECK_THROWS_WITH(scylla_task_level("LongestCommonSubarray"), Catch::Contains("task2level"));
}

namespace {
// Synthetic valley: ID decays slowly, OOD quickly; the gap peaks at level 3.
std::vector<TaskOutcome> synthetic_tasks(std::size_t n) {
  const double id[] = {0.98, 0.9, 0.8, 0.45, 0.15};
  const double ood[] = {0.95, 0.75, 0.35, 0.2, 0.1};
  std::vector<TaskOutcome> t;
  for (int level = 1; level <= 5; ++level)
    for (int k = 0; k < 3; ++k) {
      TaskOutcome o;
      o.task = "task" + std::to_string(level) + "_" + std::to_string(k);
      o.level = level;
      o.id_n = o.ood_n = n;
      const double jitter = 0.01 * (k - 1);
      o.id_correct = static_cast<std::size_t>(std::lround((id[level - 1] + jitter) * n));
      o.ood_correct = static_cast<std::size_t>(std::lround((ood[level - 1] - jitter) * n));
      t.push_back(o);
    }
  return t;
}
}  // namespace

TEST_CASE("Critical complexity finds the known peak of a synthetic valley", "[gap]") {
  const auto tasks = synthetic_tasks(400);
  const auto v = generalization_valley(tasks);
  REQUIRE(v.points.size() == 5);
  CHECK(v.critical_level == 3);
  CHECK(v.peak_gap == Approx(0.45).margin(0.01));
  CHECK(v.points[0].mean_gap == Approx(0.03).margin(0.01));
  CHECK(v.points[3].mean_gap == Approx(0.25).margin(0.01));
  BootstrapConfig cfg;
  cfg.replicates = 400;
  cfg.seed = 7;
  const auto b = critical_complexity_bootstrap(tasks, cfg);
  CHECK(b.valley.critical_level == 3);
  CHECK(b.lower_level == 3);
  CHECK(b.upper_level == 3);
  REQUIRE(b.levels.size() == 5);
  CHECK(b.frequency[2] > 0.99);
  // Same seed, same replicates.
  const auto again = critical_complexity_bootstrap(tasks, cfg);
  CHECK(again.replicate_levels == b.replicate_levels);
  CHECK(b.to_json()["critical_level"] == 3);
}

TEST_CASE("Critical complexity: ties go to the lower level; a close call spreads the bootstrap", "[gap]") {
  std::vector<TaskAccuracy> acc(4);
  const double id[] = {1.0, 0.75, 0.5, 0.25}, ood[] = {0.875, 0.5, 0.25, 0.125};  // gaps 1/8 1/4 1/4 1/8, exact
  for (int i = 0; i < 4; ++i) acc[i].level = i + 1, acc[i].id_accuracy = id[i], acc[i].ood_accuracy = ood[i];
  const auto v = generalization_valley(acc);
  CHECK(v.points[1].mean_gap == v.points[2].mean_gap);
  CHECK(v.critical_level == 2);
  // Two levels with nearly equal gaps and small samples: both appear as peaks.
  std::vector<TaskOutcome> t(2);
  t[0].level = 1, t[0].id_n = t[0].ood_n = 50, t[0].id_correct = 40, t[0].ood_correct = 25;
  t[1].level = 2, t[1].id_n = t[1].ood_n = 50, t[1].id_correct = 30, t[1].ood_correct = 16;
  BootstrapConfig cfg;
  cfg.replicates = 300;
  const auto b = critical_complexity_bootstrap(t, cfg);
  CHECK(b.frequency[0] > 0.2);
  CHECK(b.frequency[1] > 0.2);
  CHECK(b.lower_level == 1);
  CHECK(b.upper_level == 2);
}

TEST_CASE("Binomial resampling has the binomial mean and variance", "[gap]") {
  auto g = genlab::core::philox_stream(3, 0);
  const std::size_t n = 200;
  const double p = 0.3;
  double s = 0, ss = 0;
  const int draws = 4000;
  for (int i = 0; i < draws; ++i) {
    const double k = static_cast<double>(genlab::measure::detail::binomial_draw(g, n, p));
    s += k;
    ss += k * k;
  }
  const double mean = s / draws, var = ss / draws - mean * mean;
  CHECK(mean == Approx(n * p).margin(4 * std::sqrt(n * p * (1 - p) / draws)));
  CHECK(var == Approx(n * p * (1 - p)).epsilon(0.1));
  CHECK(genlab::measure::detail::binomial_draw(g, 10, 0.0) == 0);
  CHECK(genlab::measure::detail::binomial_draw(g, 10, 1.0) == 10);
}

TEST_CASE("Valley rejects bad input", "[gap][errors]") {
  CHECK_THROWS_AS(generalization_valley(std::vector<TaskAccuracy>{}), std::invalid_argument);
  std::vector<TaskOutcome> t(1);
  t[0].task = "empty";
  t[0].id_n = 0;
  t[0].ood_n = 5;
  CHECK_THROWS_WITH(generalization_valley(t), Catch::Contains("id_n") && Catch::Contains("empty"));
  t[0].id_n = 5, t[0].id_correct = 6;
  CHECK_THROWS_WITH(generalization_valley(t), Catch::Contains("id_correct"));
}

TEST_CASE("Valley JSON through nlohmann's macros keeps its keys", "[gap][json]") {
  const auto v = generalization_valley(std::vector<TaskAccuracy>{{"a", 1, 0.9, 0.8}, {"b", 2, 0.9, 0.4}});
  const genlab::core::Json j = v.to_json();
  CHECK(j["critical_level"] == 2);
  CHECK(j["peak_gap"] == Approx(0.5));
  REQUIRE(j["points"].size() == 2);
  CHECK(j["points"][0] == genlab::core::Json{{"level", 1}, {"tasks", 1}, {"mean_id_accuracy", 0.9},
                                             {"mean_ood_accuracy", 0.8}, {"mean_gap", v.points[0].mean_gap}});
  const auto back = j.get<GeneralizationValley>();
  CHECK(back.critical_level == 2);
  REQUIRE(back.points.size() == 2);
  CHECK(back.points[1].mean_ood_accuracy == 0.4);
}
