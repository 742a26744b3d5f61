// Accuracy by group: scoring, Wilson intervals, bootstrap intervals (seeded, thread-count free).
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "genlab/core/io/json.hpp"
#include "genlab/measure/accuracy.hpp"

using namespace genlab::measure;
using genlab::core::make_sequence;
using genlab::core::Token;

TEST_CASE("Wilson interval: textbook value and edges", "[accuracy]") {
  const auto w = wilson_interval(8, 10);
  CHECK(w.estimate == 0.8);
  CHECK(w.lower == Approx(0.4902).margin(1e-4));
  CHECK(w.upper == Approx(0.9433).margin(1e-4));
  const auto zero = wilson_interval(0, 20);
  CHECK(zero.lower == 0.0);
  CHECK(zero.upper > 0.1);
  CHECK(zero.upper < 0.2);
  const auto all = wilson_interval(20, 20);
  CHECK(all.upper == 1.0);
  CHECK(all.lower < 1.0);
  CHECK_THROWS_WITH(wilson_interval(0, 0), Catch::Contains("trials") && Catch::Contains("empty group"));
  CHECK_THROWS_WITH(wilson_interval(3, 2), Catch::Contains("successes"));
  CHECK_THROWS_WITH(wilson_interval(1, 2, 1.0), Catch::Contains("confidence"));
}

TEST_CASE("Scoring sequences: exact match and per-token accuracy over graded positions", "[accuracy]") {
  const auto t = make_sequence({1, 2, 3}, {7, 8, 9}, 3);
  auto s = score_sequence(t, {7, 8, 9});
  CHECK(s.exact);
  CHECK(s.tokens_correct == 3);
  CHECK(s.group == 3);
  s = score_sequence(t, {7, 0, 9});
  CHECK_FALSE(s.exact);
  CHECK(s.tokens_correct == 2);
  s = score_sequence(t, {7, 8});
  CHECK_FALSE(s.exact);
  CHECK(s.tokens_correct == 2);
  CHECK(s.tokens_graded == 3);
  s = score_sequence(t, {7, 8, 9, 9});
  CHECK_FALSE(s.exact);
  CHECK_THROWS_WITH(score_sequences({t}, {}), Catch::Contains("predicted_answers.size()"));
}

TEST_CASE("Accuracy by group", "[accuracy]") {
  std::vector<genlab::core::Sequence> targets;
  std::vector<std::vector<Token>> preds;
  // Group 2: 40 sequences, every 4th wrong in one token of 2. Group 5: 30 sequences, all exact.
  for (int i = 0; i < 40; ++i) {
    targets.push_back(make_sequence({0}, {4, 5}, 2));
    preds.push_back(i % 4 == 0 ? std::vector<Token>{4, 0} : std::vector<Token>{4, 5});
  }
  for (int i = 0; i < 30; ++i) {
    targets.push_back(make_sequence({0}, {1, 2, 3, 4, 5}, 5));
    preds.push_back({1, 2, 3, 4, 5});
  }
  AccuracyConfig cfg;
  cfg.bootstrap.replicates = 300;
  cfg.bootstrap.seed = 42;
  const auto table = accuracy_by_group(score_sequences(targets, preds), cfg);
  REQUIRE(table.groups.size() == 2);
  const auto& g2 = table.groups[0];
  CHECK(g2.group == 2);
  CHECK(g2.sequences == 40);
  CHECK(g2.exact_match.estimate == Approx(0.75));
  CHECK(g2.token_accuracy.estimate == Approx(70.0 / 80.0));
  CHECK(g2.token_accuracy.lower < g2.token_accuracy.estimate);
  CHECK(g2.token_accuracy.upper > g2.token_accuracy.estimate);
  // Bootstrap sd of a mean of 40 per-sequence accuracies (0.5 w.p. 1/4, else 1): sd/sqrt(40).
  const double sd = std::sqrt(0.25 * 0.75) * 0.5 / std::sqrt(40.0);
  CHECK(g2.token_accuracy.standard_error == Approx(sd).epsilon(0.2));
  const auto& g5 = table.groups[1];
  CHECK(g5.exact_match.estimate == 1.0);
  CHECK(g5.token_accuracy.lower == 1.0);
  CHECK(table.to_csv().size() == 2);
  CHECK(table.to_json()["groups"][0]["token_accuracy"]["seed"] == 42);
  // Deterministic given the seed.
  const auto again = accuracy_by_group(score_sequences(targets, preds), cfg);
  CHECK(again.groups[0].token_accuracy.lower == g2.token_accuracy.lower);
  CHECK(again.groups[0].token_accuracy.upper == g2.token_accuracy.upper);
}

TEST_CASE("Bootstrap interval of a mean: coverage-scale sanity and reproducibility", "[accuracy][bootstrap]") {
  std::vector<double> v(200);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i % 10);
  const auto mean = [&](const std::vector<std::size_t>& idx) {
    double s = 0;
    for (auto i : idx) s += v[i];
    return s / static_cast<double>(idx.size());
  };
  BootstrapConfig cfg;
  cfg.replicates = 500;
  cfg.seed = 9;
  const auto b = bootstrap_interval(v.size(), mean, cfg);
  CHECK(b.estimate == Approx(4.5));
  const double se = std::sqrt(8.25 / 200.0);  // population variance of 0..9 is 8.25
  CHECK(b.standard_error == Approx(se).epsilon(0.15));
  CHECK(b.upper - b.lower == Approx(2 * 1.96 * se).epsilon(0.2));
  CHECK(bootstrap_interval(v.size(), mean, cfg).lower == b.lower);
  cfg.seed = 10;
  CHECK(bootstrap_interval(v.size(), mean, cfg).lower != b.lower);
  const auto nan_stat = [](const std::vector<std::size_t>& idx) { return idx[0] == 0 ? NAN : 1.0; };
  CHECK_THROWS_AS(bootstrap_interval(3, nan_stat, cfg), std::domain_error);
}

TEST_CASE("Proportion by group and bad input", "[accuracy][errors]") {
  std::vector<std::int64_t> labels;
  const auto p = proportion_by_group({1, 1, 2, 2, 2}, {true, false, true, true, true}, &labels);
  REQUIRE(p.size() == 2);
  CHECK(labels == std::vector<std::int64_t>{1, 2});
  CHECK(p[0].estimate == 0.5);
  CHECK(p[1].estimate == 1.0);
  CHECK_THROWS_WITH(proportion_by_group({1, 2}, {true}), Catch::Contains("correct.size()"));
  CHECK_THROWS_AS(proportion_by_group({}, {}), std::invalid_argument);
  CHECK_THROWS_AS(accuracy_by_group({}), std::invalid_argument);
  // A group with nothing graded: token accuracy is a documented 0, not NaN.
  genlab::core::Sequence empty;
  empty.group = 4;
  const auto t = accuracy_by_group({score_sequence(empty, {})});
  CHECK(t.groups[0].token_accuracy.estimate == 0.0);
  CHECK(t.groups[0].exact_match.estimate == 1.0);
}

TEST_CASE("Accuracy and bootstrap summaries refuse inconsistent or non-finite input", "[accuracy][bootstrap][errors]") {
  // Before: 5 correct of 2 graded tokens gave a token accuracy of 2.5 without a word.
  std::vector<SequenceScore> scores(2);
  scores[0].tokens_correct = scores[0].tokens_graded = 2;
  scores[0].exact = true;
  scores[1].tokens_correct = 5;
  scores[1].tokens_graded = 2;
  CHECK_THROWS_AS(accuracy_by_group(scores), std::invalid_argument);
  CHECK_THROWS_WITH(accuracy_by_group(scores),
                    Catch::Contains("'scores[1].tokens_correct'") && Catch::Contains("tokens_graded = 2"));
  scores[1].tokens_correct = 1;
  scores[1].exact = true;
  CHECK_THROWS_WITH(accuracy_by_group(scores), Catch::Contains("'scores[1].exact'"));
  // Before: a NaN replicate went into std::sort and came out as a NaN or misplaced quantile.
  const BootstrapConfig cfg;
  CHECK_THROWS_AS(percentile_interval(0.5, {0.1, NAN, 0.3}, cfg), std::invalid_argument);
  CHECK_THROWS_WITH(percentile_interval(0.5, {0.1, NAN, 0.3}, cfg), Catch::Contains("'values[1]'"));
  CHECK_THROWS_WITH(percentile_interval(NAN, {0.1, 0.3}, cfg), Catch::Contains("'estimate'"));
  // The config serialises through nlohmann's macro; the interval keeps its flat keys.
  BootstrapConfig b;
  b.replicates = 50;
  b.seed = 7;
  const genlab::core::Json jb = b;
  CHECK(jb == genlab::core::Json{{"replicates", 50}, {"confidence", 0.95}, {"seed", 7}});
  CHECK(jb.get<BootstrapConfig>().replicates == 50);
  const genlab::core::Json ji = percentile_interval(0.5, {0.4, 0.5, 0.6}, b);
  CHECK(ji["seed"] == 7);
  CHECK(ji["estimate"] == 0.5);
}

TEST_CASE("Wilson intervals contain the estimate exactly at 0 and 1 successes", "[measure][wilson]") {
  for (std::size_t n : {1u, 3u, 7u, 30u, 200u, 1000u, 123457u}) {
    INFO("trials " << n);
    const auto none = genlab::measure::wilson_interval(0, n);
    CHECK(none.lower == 0.0);  // was a few ulps above the estimate 0 for some n
    CHECK(none.upper > 0.0);
    const auto all = genlab::measure::wilson_interval(n, n);
    CHECK(all.upper == 1.0);
    CHECK(all.lower < 1.0);
    for (std::size_t k = 0; k <= std::min<std::size_t>(n, 50); ++k) {
      const auto ci = genlab::measure::wilson_interval(k, n);
      CHECK(ci.lower <= ci.estimate);
      CHECK(ci.estimate <= ci.upper);
    }
  }
}
