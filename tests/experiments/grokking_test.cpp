// The grokking protocol at toy size: it runs, writes every file, finds fit/grok steps, and a
// killed run resumes to exactly the same log.
#include <catch2/catch.hpp>

#include <filesystem>

#include "genlab/core/io/atomic_file.hpp"
#include "genlab/experiments/grokking.hpp"
#include "toy_configs.hpp"
#include "toy_grokking.hpp"

using namespace genlab;
namespace fs = std::filesystem;

namespace {
using genlab::test::quiet;
experiments::GrokkingConfig toy() { return genlab::test::toy_grokking(); }
}  // namespace

TEST_CASE("grokking protocol writes its results folder", "[experiments][grokking]") {
  const fs::path dir = fs::temp_directory_path() / "genlab_grok_test_full";
  fs::remove_all(dir);
  const auto r = experiments::run_grokking(toy(), dir, quiet());
  CHECK(r.steps == 60);
  for (const char* f : {"config.json", "metrics.csv", "metrics.jsonl", "summary.json"}) CHECK(fs::exists(dir / f));
  CHECK(fs::is_directory(dir / "checkpoint"));
  REQUIRE(r.log.size() == 4);  // steps 0, 20, 40, 60
  const auto& last = r.log.back();
  CHECK(last.step == 60);
  CHECK(last.weight_norm.has_value());
  CHECK(last.gini_embedding.has_value());
  CHECK(last.key_frequencies.empty() != last.restricted_loss.has_value());  // restricted loss needs key frequencies
  CHECK_FALSE(r.log.front().grad_norm.has_value());  // update 0 has no gradient: empty, not NaN
  CHECK(last.train_exact_match > 0.5);  // learns the training table
  const auto rows = core::read_jsonl(dir / "metrics.jsonl");
  for (const char* k : {"train_exact_match", "test_exact_match", "train_loss", "test_loss", "weight_norm",
                        "restricted_loss", "excluded_loss", "gini_embedding", "key_frequencies"})
    CHECK(rows.back().contains(k));
  CHECK(rows.back()["test_loss"].get<double>() == last.test_loss);
  const auto summary = core::read_json(dir / "summary.json");
  CHECK(summary["config"]["seed"] == 0);
  CHECK(summary["config"]["data"]["p"] == 7);
  CHECK(summary["fit_step"] == r.fit_step);
  const auto csv = core::read_csv(dir / "metrics.csv");
  CHECK(csv.size() == 4);
}

TEST_CASE("a run's summary and plots can be rebuilt from its log alone", "[experiments][grokking]") {
  const fs::path dir = fs::temp_directory_path() / "genlab_grok_test_log";
  fs::remove_all(dir);
  const auto r = experiments::run_grokking(toy(), dir, quiet());
  const auto l = experiments::grokking_result_from_log(dir, /*plots=*/true);
  CHECK(l.fit_step == r.fit_step);
  CHECK(l.grok_step == r.grok_step);
  CHECK(l.steps == r.steps);
  CHECK(l.key_frequencies == r.key_frequencies);
  CHECK(l.final_test_accuracy == r.final_test_accuracy);
  CHECK(l.log.size() == r.log.size());
  CHECK(fs::exists(dir / "accuracy.gp"));
  CHECK(fs::exists(dir / "loss.gp"));
  CHECK_THROWS_WITH(experiments::grokking_result_from_log(dir / "missing"), Catch::Contains("no training log"));
}

TEST_CASE("a killed grokking run resumes exactly", "[experiments][grokking]") {
  const fs::path a = fs::temp_directory_path() / "genlab_grok_test_a";
  const fs::path b = fs::temp_directory_path() / "genlab_grok_test_b";
  fs::remove_all(a);
  fs::remove_all(b);
  const auto whole = experiments::run_grokking(toy(), a, quiet());
  auto session = quiet();
  session.stop_at = 40;  // the "killed" session stopped after its checkpoint at 40
  const auto part = experiments::run_grokking(toy(), b, session);
  CHECK(part.steps == 40);
  const auto resumed = experiments::run_grokking(toy(), b, quiet());
  // The time of the whole run counts both sessions.
  CHECK(resumed.seconds >= core::read_json(b / "time.json")["seconds"].get<double>() - 1e-9);
  CHECK(resumed.seconds >= part.seconds);
  REQUIRE(resumed.log.size() == whole.log.size());
  for (std::size_t i = 0; i < whole.log.size(); ++i) {
    INFO("row " << i);
    CHECK(resumed.log[i].train_loss == whole.log[i].train_loss);
    CHECK(resumed.log[i].test_loss == whole.log[i].test_loss);
  }
  CHECK(core::read_file(a / "metrics.jsonl") == core::read_file(b / "metrics.jsonl"));
  CHECK(core::read_file(a / "metrics.csv") == core::read_file(b / "metrics.csv"));
}

TEST_CASE("grokking config is validated", "[experiments][grokking]") {
  auto c = toy();
  c.steps = 0;
  CHECK_THROWS_WITH(experiments::run_grokking(c, fs::temp_directory_path() / "genlab_grok_bad", quiet()),
                    Catch::Contains("'steps' = 0"));
  c = toy();
  c.data.train_fraction = 1.5;
  CHECK_THROWS_WITH(experiments::run_grokking(c, fs::temp_directory_path() / "genlab_grok_bad", quiet()),
                    Catch::Contains("train_fraction"));
}
