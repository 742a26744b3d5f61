// The sorting length-generalization protocol at toy size: every file written, the aggregate
// recomputed from the per-run files, finished runs skipped, bad configs rejected; additive hint
// mixing's batches, the compute per update, the baseline gate.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

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


// ---- hint mixing, compute, baseline gate ----------------------------------------------------------

namespace {
experiments::SortingCondition additive_successor(double p = 0.5) {
  auto c = experiments::SortingConfig::hint_mixing_conditions()[2];  // successor@additive
  c.hint_probability = p;
  return c;
}

// The examples of the first `steps` updates of a condition, as text (token ids differ between
// vocabularies with and without hint tokens; the lists must not), trained as the protocol trains.
std::vector<std::vector<std::string>> batches(const experiments::SortingConfig& cfg,
                                              const experiments::SortingCondition& cond, std::uint64_t seed,
                                              std::int64_t steps) {
  const core::Dataset ds = experiments::detail::training_data(cfg, cond, seed);
  nn::ModelConfig mc = experiments::detail::run_model(cfg, cond, ds.vocab().size());
  nn::Transformer<float> model(mc, seed);
  nn::TrainConfig tc;
  tc.steps = steps;
  tc.batch_size = cfg.batch_size;
  tc.data_seed = seed;  // as run_train_config sets it
  tc.eval_every = 0;
  experiments::detail::set_hint_batches(tc, cfg, cond, seed);
  nn::Trainer<float> trainer(model, cfg.optimizer, tc);
  std::vector<std::vector<std::string>> out;
  trainer.on_batch([&](std::int64_t, const std::vector<core::Sequence>& data, const std::vector<std::size_t>& idx) {
    out.emplace_back();
    for (auto i : idx) out.back().push_back(ds.vocab().decode(data[i].tokens));
  });
  const std::vector<core::Sequence> none;
  trainer.train(ds.split("train"), ds.has_split("train_hints") ? ds.split("train_hints") : none);
  return out;
}
}  // namespace

TEST_CASE("additive hint mixing: every update has standard training's sorting examples plus the hints",
          "[experiments][sorting][hints]") {
  auto cfg = sorting_toy();
  cfg.task.train_size = 40;  // 3 updates of 16 per epoch: the batches cross epochs
  const auto standard = experiments::SortingConfig::standard_conditions()[0];
  const std::int64_t steps = 7;
  for (double p : {0.5, 0.25}) {
    const auto cond = additive_successor(p);
    const std::size_t H = p == 0.5 ? 16 : 5;  // round(p/(1-p)·16): 16, round(5.33) = 5
    REQUIRE(cond.hint_batch_size(cfg.batch_size) == static_cast<std::int64_t>(H));
    const auto ds = experiments::detail::training_data(cfg, cond, 3);
    CHECK(ds.split("train_hints").size() == std::max<std::size_t>(H, (40 * H + 15) / 16));
    const auto a = batches(cfg, cond, 3, steps), s = batches(cfg, standard, 3, steps);
    REQUIRE(a.size() == static_cast<std::size_t>(steps));
    for (std::size_t u = 0; u < a.size(); ++u) {
      INFO("update " << u << ", p_hint " << p);
      REQUIRE(a[u].size() == s[u].size() + H);
      CHECK(std::vector<std::string>(a[u].begin(), a[u].begin() + static_cast<std::ptrdiff_t>(s[u].size())) == s[u]);
      for (std::size_t k = s[u].size(); k < a[u].size(); ++k) CHECK(a[u][k].rfind("<bos> <hint_successor>", 0) == 0);
      for (std::size_t k = 0; k < s[u].size(); ++k) CHECK(a[u][k].rfind("<bos> <task_sort>", 0) == 0);
    }
    CHECK(batches(cfg, cond, 3, steps) == a);  // deterministic per seed
    const auto other = batches(cfg, cond, 4, steps);
    CHECK(other[0] != a[0]);
  }
}

TEST_CASE("hint mixing enters a run's identity only when additive; conditions read back",
          "[experiments][sorting][hints]") {
  const auto cfg = sorting_toy();
  const auto shared = experiments::SortingConfig::standard_conditions()[1];  // successor, shared
  // The identity of a shared condition is the one recorded before mixing modes existed.
  const core::Json old_condition = {{"name", "successor"},
                                    {"hints", {"successor"}},
                                    {"hint_probability", 0.5},
                                    {"hint_all_positions", false},
                                    {"attention", "inv_sqrt_d"}};
  CHECK(experiments::detail::condition_identity(shared) == old_condition);
  CHECK(experiments::detail::run_identity<float>(cfg, shared, 0)["condition"] == old_condition);
  const auto additive = additive_successor();
  const auto diffs = experiments::identity_differences(experiments::detail::run_identity<float>(cfg, shared, 0),
                                                       experiments::detail::run_identity<float>(cfg, additive, 0));
  std::vector<std::string> keys;
  for (const auto& d : diffs) keys.push_back(d.key);
  CHECK(keys == std::vector<std::string>{"condition.name", "condition.hint_mixing"});
  // Round trips: the condition, a whole config, and an old condition without the key.
  const core::Json j = additive.to_json();
  CHECK(j["hint_mixing"] == "additive");
  CHECK(j.get<experiments::SortingCondition>().to_json() == j);
  const auto v = experiments::SortingConfig::values1000();
  CHECK(v.to_json().get<experiments::SortingConfig>().to_json() == v.to_json());
  CHECK(old_condition.get<experiments::SortingCondition>().hint_mixing == experiments::HintMixing::shared);
  CHECK(experiments::hint_mixing_from_string(experiments::to_string(experiments::HintMixing::additive)) ==
        experiments::HintMixing::additive);
}

TEST_CASE("bad hint mixing settings are refused, naming the parameter and its value", "[experiments][sorting][hints]") {
  const auto refused = [](experiments::SortingConfig c, const std::string& param, const std::string& value) {
    INFO(param);
    CHECK_THROWS_AS(c.validate(), std::invalid_argument);
    CHECK_THROWS_WITH(c.validate(), Catch::Contains("parameter '" + param + "' = " + value));
  };
  auto c = sorting_toy();
  c.conditions[0].hint_mixing = experiments::HintMixing::additive;  // standard: no hint to add
  refused(c, "conditions[i].hint_mixing", "\"additive\"");
  c = sorting_toy();
  c.conditions[1] = additive_successor(1.0);
  refused(c, "conditions[i].hint_probability", "1");
  c.conditions[1] = additive_successor(0.0);
  refused(c, "conditions[i].hint_probability", "0");
  c.conditions[1] = additive_successor(0.02);  // round(0.02/0.98 · 16) = 0 hint examples
  refused(c, "conditions[i].hint_probability", "0.02");
  c.conditions[1] = additive_successor();
  c.conditions[1].hint_mixing = core::Json("bogus").get<experiments::HintMixing>();  // an unknown name
  refused(c, "conditions[i].hint_mixing", "-1");
  CHECK_THROWS_AS(experiments::hint_mixing_from_string("bogus"), std::invalid_argument);
  CHECK_THROWS_WITH(experiments::hint_mixing_from_string("bogus"), Catch::Contains("parameter 'name' = \"bogus\""));
  // The layers below refuse their part too.
  const splits::LengthTaskGenerator plain(experiments::detail::condition_task(sorting_toy(), sorting_toy().conditions[0], 0));
  CHECK_THROWS_AS(plain.hint_train_example(0), std::invalid_argument);
  CHECK_THROWS_WITH(plain.hint_train_example(0), Catch::Contains("parameter 'hints.tasks.size()' = 0"));
  nn::ModelConfig mc = experiments::detail::run_model(c, c.conditions[0], plain.vocab().size());
  nn::Transformer<float> model(mc, 0);
  nn::TrainConfig tc;
  tc.steps = 1;
  tc.batch_size = 4;
  tc.eval_every = 0;
  nn::Trainer<float> trainer(model, c.optimizer, tc);
  const std::vector<core::Sequence> data{plain.train_example(0)};
  CHECK_THROWS_AS(trainer.train(data, data), std::invalid_argument);
  CHECK_THROWS_WITH(trainer.train(data, data), Catch::Contains("parameter 'extra_batch_size' = 0"));
}

TEST_CASE("compute per update counts what each condition trains on", "[experiments][sorting][hints]") {
  const auto cfg = sorting_toy();
  const auto conds = experiments::SortingConfig::hint_mixing_conditions();
  std::map<std::string, experiments::SortingCompute> k;
  for (const auto& cond : conds) {
    const auto ds = experiments::detail::training_data(cfg, cond, 0);
    const splits::LengthTaskGenerator gen(experiments::detail::condition_task(cfg, cond, 0));
    const auto mc = experiments::detail::run_model(cfg, cond, ds.vocab().size());
    k[cond.name] = experiments::detail::run_compute(cfg, cond, ds, gen, mc);
    CHECK(k[cond.name].train_flops == Approx(k[cond.name].flops_per_update * static_cast<double>(cfg.steps)));
  }
  const double B = 16;
  // Standard: 16 sorting lists; a list of length n has 2n + 4 tokens (<bos> <task> x <sep> y <eos>)
  // and n + 1 graded ones (y and <eos>).
  const auto& s = k.at("standard");
  CHECK(s.sorting_examples_per_update == Approx(B));
  CHECK(s.hint_examples_per_update == 0);
  CHECK(s.hint_graded_tokens_per_update == 0);
  CHECK(s.tokens_per_update == Approx(2 * s.graded_tokens_per_update + 2 * B));
  // Shared: the 16 examples are split; a query hint has 2 graded tokens (the answer and <eos>).
  const auto& sh = k.at("successor");
  CHECK(sh.sorting_examples_per_update + sh.hint_examples_per_update == Approx(B));
  CHECK(sh.hint_examples_per_update > 0.3 * B);
  CHECK(sh.hint_graded_tokens_per_update == Approx(2 * sh.hint_examples_per_update));
  // Additive: standard's sorting part exactly, plus 16 hint examples.
  for (const char* name : {"successor@additive", "successor+tempered@additive"}) {
    const auto& a = k.at(name);
    CHECK(a.sorting_examples_per_update == s.sorting_examples_per_update);
    CHECK(a.hint_examples_per_update == Approx(B));
    CHECK(a.graded_tokens_per_update - a.hint_graded_tokens_per_update == Approx(s.graded_tokens_per_update));
    CHECK(a.hint_graded_tokens_per_update == Approx(2 * B));
    CHECK(a.flops_per_update > s.flops_per_update);
  }
}

namespace {
// A result with synthetic per-length counts for one condition: `exact(n)` of 200 lists right.
template <class F>
experiments::SortingResult synthetic(const experiments::SortingConfig& cfg, const std::string& cond, F exact) {
  experiments::SortingResult r;
  for (std::size_t n = 1; n <= cfg.max_eval_length; ++n) {
    experiments::SortingErrorCounts e;
    e.lists = 200;
    e.exact = exact(n);
    e.other = e.lists - e.exact;
    r.errors[cond][n] = e;
    experiments::SeedSpread sp;
    sp.mean = e.exact_match();
    sp.seeds = 1;
    r.by_condition[cond][n] = sp;
  }
  return r;
}
}  // namespace

TEST_CASE("the baseline gate judges standard training against the paper's shape", "[experiments][sorting][gate]") {
  auto cfg = experiments::SortingConfig::values100();
  // The paper's baseline: all right at <= 20 (one list wrong at 20), none at 100.
  auto g = experiments::sorting_baseline_gate(cfg, synthetic(cfg, "standard", [](std::size_t n) {
    return n <= 20 ? (n == 20 ? 199u : 200u) : 0u;
  }));
  CHECK(g.condition == "standard");
  REQUIRE(g.meets_paper_baseline);
  CHECK(*g.meets_paper_baseline);
  CHECK(*g.at_most_20 == Approx(1 - 0.005 / 20));
  CHECK(*g.at_100 == 0);
  CHECK(g.at_100_wilson95->upper > 0);
  CHECK(g.at_100_wilson95->upper < 0.02);
  CHECK_THAT(g.reason, Catch::Contains("has the paper's baseline shape"));
  const core::Json j = g.to_json();
  CHECK(j["meets_paper_baseline"] == true);
  CHECK(j["at_most_20"]["wilson95"].size() == 2);
  // Generalizing too well: 2 of 200 at length 100 is 0.01, not below it.
  g = experiments::sorting_baseline_gate(cfg, synthetic(cfg, "standard", [](std::size_t n) {
    return n <= 20 ? 200u : n == 100 ? 2u : 100u;
  }));
  CHECK_FALSE(*g.meets_paper_baseline);
  CHECK_THAT(g.reason, Catch::Contains("0.0100 >= 0.0100 at length 100") && Catch::Contains("already generalizes"));
  // Undertrained: 0.98 at <= 20.
  g = experiments::sorting_baseline_gate(cfg, synthetic(cfg, "standard", [](std::size_t n) {
    return n <= 20 ? 196u : 0u;
  }));
  CHECK_FALSE(*g.meets_paper_baseline);
  CHECK_THAT(g.reason, Catch::Contains("0.9800 < 0.9900") && Catch::Contains("undertrained"));
  // Missing: no standard condition; length 100 not evaluated; other training lengths.
  auto no_standard = cfg;
  no_standard.conditions = {experiments::SortingConfig::hint_mixing_conditions()[2],
                            experiments::SortingConfig::standard_conditions()[2]};  // hints, or tempered
  g = experiments::sorting_baseline_gate(no_standard, synthetic(cfg, "tempered", [](std::size_t) { return 0u; }));
  CHECK_FALSE(g.meets_paper_baseline);
  CHECK(g.condition.empty());
  CHECK(g.to_json()["meets_paper_baseline"].is_null());
  CHECK(g.to_json()["condition"].is_null());
  CHECK_THAT(g.reason, Catch::Contains("no standard condition"));
  auto short_eval = cfg;
  short_eval.max_eval_length = 50;
  g = experiments::sorting_baseline_gate(short_eval, synthetic(short_eval, "standard", [](std::size_t) { return 200u; }));
  CHECK_FALSE(g.meets_paper_baseline);
  CHECK(g.at_most_20);
  CHECK_FALSE(g.at_100);
  CHECK(g.to_json()["at_100"].is_null());
  CHECK_THAT(g.reason, Catch::Contains("length 100 not evaluated (max_eval_length 50)"));
  g = experiments::sorting_baseline_gate(sorting_toy(), synthetic(sorting_toy(), "standard", [](std::size_t) { return 200u; }));
  CHECK_FALSE(g.meets_paper_baseline);
  CHECK_THAT(g.reason, Catch::Contains("trained on lengths up to 4"));
}

TEST_CASE("an additive grid records compute, hint accuracy and the gate, and resumes exactly",
          "[experiments][sorting][hints]") {
  const fs::path dir = fs::temp_directory_path() / "genlab_sort_test_additive";
  const fs::path boxed_dir = fs::temp_directory_path() / "genlab_sort_test_additive_boxed";
  fs::remove_all(dir);
  fs::remove_all(boxed_dir);
  auto c = sorting_toy();
  c.conditions = {experiments::SortingConfig::standard_conditions()[0], additive_successor()};
  c.seeds = {0};
  const auto r = experiments::run_sorting(c, dir, quiet());
  const auto summary = core::read_json(dir / "summary.json");
  const auto& a = summary["conditions"]["successor@additive"];
  CHECK(a["hint_mixing"] == "additive");
  CHECK(a["compute"]["hint_examples_per_update"] == Approx(16));
  CHECK(a["compute"]["flops_per_update"].get<double>() > summary["conditions"]["standard"]["compute"]["flops_per_update"].get<double>());
  CHECK(summary["conditions"]["standard"]["hint_exact_match"].is_null());
  const double hint_acc = a["hint_exact_match"]["successor"].get<double>();
  CHECK(hint_acc >= 0);
  CHECK(hint_acc <= 1);
  CHECK(r.hint_exact_match.at("successor@additive").at("successor") == hint_acc);
  CHECK(summary["baseline_gate"]["condition"] == "standard");
  CHECK(summary["baseline_gate"]["meets_paper_baseline"].is_null());  // toy lengths 1..4, evaluated to 6
  const auto run_dir = dir / "successor@additive" / "seed_0";
  const auto log = core::read_csv(run_dir / "metrics.csv");
  CHECK_NOTHROW(log.column("hint_successor_exact_match"));
  CHECK(log.number(log.size() - 1, log.column("train_flops")) == Approx(a["compute"]["train_flops"].get<double>()));
  // A killed additive run continues to the same results (the hint batches resume too).
  auto only_additive = c;
  only_additive.conditions = {additive_successor()};
  auto boxed = quiet();
  boxed.stop_at = 10;
  CHECK_FALSE(experiments::run_sorting(only_additive, boxed_dir, boxed).complete);
  const auto resumed = experiments::run_sorting(only_additive, boxed_dir, quiet());
  CHECK(resumed.runs[0].exact_match == r.runs[1].exact_match);
  CHECK(core::read_file(run_dir / "metrics.csv") == core::read_file(boxed_dir / "successor@additive" / "seed_0" / "metrics.csv"));
  // A finished run from before hint accuracies were recorded gets them from its checkpoint.
  core::Json j = core::read_json(run_dir / "run.json");
  j.erase("hint_exact_match");
  core::write_json(run_dir / "run.json", j);
  const auto again = experiments::run_sorting(c, dir, quiet());
  CHECK(again.runs[1].hint_exact_match.at("successor") == hint_acc);
  CHECK(core::read_json(run_dir / "run.json")["hint_exact_match"]["successor"] == hint_acc);
}
