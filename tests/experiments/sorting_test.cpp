// The sorting length-generalization protocol at toy size: every file written, the aggregate
// recomputed from the per-run files, finished runs skipped, bad configs rejected.
#include <catch2/catch.hpp>

#include <filesystem>

#include "genlab/core/io/atomic_file.hpp"
#include "genlab/experiments/sorting.hpp"
#include "toy_configs.hpp"

using namespace genlab;
namespace fs = std::filesystem;

namespace {
using genlab::test::quiet;
experiments::SortingConfig sorting_toy() { return genlab::test::toy_sorting(); }
}  // namespace

TEST_CASE("sorting protocol writes per-run and aggregate results", "[experiments][sorting]") {
  const fs::path dir = fs::temp_directory_path() / "genlab_sort_test";
  fs::remove_all(dir);
  const auto r = experiments::run_sorting(sorting_toy(), dir, quiet());
  REQUIRE(r.runs.size() == 4);
  for (const char* f : {"config.json", "accuracy_by_length.csv", "summary.json"}) CHECK(fs::exists(dir / f));
  for (const char* cond : {"standard", "successor+tempered"})
    for (const char* seed : {"seed_0", "seed_1"})
      for (const char* f : {"config.json", "metrics.csv", "metrics.jsonl", "accuracy_by_length.csv", "run.json"})
        CHECK(fs::exists(dir / cond / seed / f));
  // The aggregate is the mean over seeds of the per-run tables.
  const auto agg = core::read_csv(dir / "accuracy_by_length.csv");
  CHECK(agg.size() == 2 * 6);
  const auto a0 = core::read_csv(dir / "standard" / "seed_0" / "accuracy_by_length.csv");
  const auto a1 = core::read_csv(dir / "standard" / "seed_1" / "accuracy_by_length.csv");
  for (std::size_t n = 0; n < 6; ++n) {
    const double mean = (a0.number(n, 1) + a1.number(n, 1)) / 2;
    CHECK(agg.number(n, agg.column("mean")) == Approx(mean));
    CHECK(r.by_condition.at("standard").at(n + 1).mean == Approx(mean));
  }
  const auto cfg = core::read_json(dir / "successor+tempered" / "seed_1" / "config.json");
  CHECK(cfg["seed"] == 1);
  CHECK(cfg["run_model"]["attention_scale"] == "tempered");
  CHECK(cfg["run_model"]["scale_length"] == 2 * 4 + 4);
  CHECK(cfg["condition"]["hint_all_positions"] == false);
}

TEST_CASE("the all-positions successor hint reaches the training data", "[experiments][sorting]") {
  auto c = sorting_toy();
  experiments::SortingCondition cond = experiments::SortingConfig::standard_conditions()[1];
  cond.hint_all_positions = true;
  cond.hint_probability = 1.0;  // every training example is a hint
  const auto task = experiments::detail::condition_task(c, cond, 7);
  CHECK(task.hints.all_positions);
  const auto ds = splits::make_length_dataset(task);
  // x1..xn <sep> x1 s(x1) .. xn s(xn) <eos>: n + 1 graded tokens (the s(xi) and <eos>).
  for (const auto& s : ds.split("train")) {
    const auto n = static_cast<std::size_t>(s.group);
    CHECK(s.graded() == n + 1);
    CHECK(s.size() == 3 * n + 4);
  }
}

TEST_CASE("finished sorting runs are reused, not retrained", "[experiments][sorting]") {
  const fs::path dir = fs::temp_directory_path() / "genlab_sort_test_resume";
  fs::remove_all(dir);
  auto c = sorting_toy();
  c.conditions.resize(1);
  c.seeds = {3};
  const auto first = experiments::run_sorting(c, dir, quiet());
  const std::string before = core::read_file(dir / "standard" / "seed_3" / "run.json");
  fs::remove_all(dir / "standard" / "seed_3" / "checkpoint");  // a retrain would need it
  const auto second = experiments::run_sorting(c, dir, quiet());
  CHECK(core::read_file(dir / "standard" / "seed_3" / "run.json") == before);
  CHECK(second.runs[0].exact_match == first.runs[0].exact_match);
  for (const auto& [n, e] : first.runs[0].errors) CHECK(second.runs[0].errors.at(n).to_json() == e.to_json());
}

TEST_CASE("a finished run from before first-mistake counting gets it from its checkpoint", "[experiments][sorting]") {
  const fs::path dir = fs::temp_directory_path() / "genlab_sort_test_upgrade";
  fs::remove_all(dir);
  auto c = sorting_toy();
  c.conditions.resize(1);
  c.seeds = {4};
  const auto first = experiments::run_sorting(c, dir, quiet());
  const fs::path run_json = dir / "standard" / "seed_4" / "run.json";
  core::Json j = core::read_json(run_json);
  REQUIRE(j.contains("first_errors"));
  j.erase("first_errors");  // the layout of older results folders
  core::write_json(run_json, j);
  const auto second = experiments::run_sorting(c, dir, quiet());
  CHECK(core::read_json(run_json).contains("first_errors"));
  for (std::size_t n = 1; n <= c.max_eval_length; ++n) {
    CHECK(second.runs[0].errors.at(n).to_json() == first.runs[0].errors.at(n).to_json());
    CHECK(second.runs[0].exact_match.at(n) == first.runs[0].exact_match.at(n));
  }
  // A recorded accuracy that the checkpoint does not reproduce is an error, not a silent rewrite.
  j["exact_match"]["3"] = j["exact_match"]["3"].get<double>() + 0.5;
  core::write_json(run_json, j);
  CHECK_THROWS_WITH(experiments::run_sorting(c, dir, quiet()), Catch::Contains("run.json records"));
}

TEST_CASE("the aggregate first-mistake table sums the runs", "[experiments][sorting]") {
  const fs::path dir = fs::temp_directory_path() / "genlab_sort_test_errors";
  fs::remove_all(dir);
  auto c = sorting_toy();
  c.conditions.resize(1);
  const auto r = experiments::run_sorting(c, dir, quiet());
  const auto t = core::read_csv(dir / "first_errors.csv");
  REQUIRE(t.size() == c.max_eval_length);
  for (std::size_t n = 1; n <= c.max_eval_length; ++n) {
    const auto& a = r.runs[0].errors.at(n);
    const auto& b = r.runs[1].errors.at(n);
    CHECK(t.number(n - 1, t.column("lists")) == a.lists + b.lists);
    CHECK(t.number(n - 1, t.column("skipped_value")) == a.skipped_value + b.skipped_value);
    CHECK(t.number(n - 1, t.column("missed_copy")) == a.missed_copy + b.missed_copy);
    CHECK(a.exact_match() == r.runs[0].exact_match.at(n));
  }
  const auto per_run = core::read_csv(dir / "standard" / "seed_0" / "accuracy_by_length.csv");
  CHECK_NOTHROW(per_run.column("skipped_value"));
  CHECK(per_run.number(0, per_run.column("exact_match")) == r.runs[0].exact_match.at(1));
}

TEST_CASE("sorting config is validated", "[experiments][sorting]") {
  auto c = sorting_toy();
  c.conditions[1].name = "standard";
  CHECK_THROWS_WITH(experiments::run_sorting(c, fs::temp_directory_path() / "genlab_sort_bad", quiet()),
                    Catch::Contains("distinct condition names"));
  c = sorting_toy();
  c.task.repeats = false;  // 5 distinct values cannot make a list of length 6
  CHECK_THROWS_WITH(experiments::run_sorting(c, fs::temp_directory_path() / "genlab_sort_bad", quiet()),
                    Catch::Contains("'max_eval_length' = 6") && Catch::Contains("distinct values"));
  c = sorting_toy();
  c.max_eval_length = 2;
  CHECK_THROWS_WITH(experiments::run_sorting(c, fs::temp_directory_path() / "genlab_sort_bad", quiet()),
                    Catch::Contains("'max_eval_length' = 2"));
}

