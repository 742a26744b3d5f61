// The run layer: a run folder is resumed only by a run of the same identity, every differing key
// is named, restart is explicit, unrelated folders are never written into or deleted, and the
// experiments record every parameter and the fingerprint of their data.
#include <catch2/catch.hpp>

#include <filesystem>

#include "genlab/core/io/atomic_file.hpp"
#include "genlab/experiments/grokking.hpp"
#include "genlab/experiments/run.hpp"
#include "genlab/experiments/sorting.hpp"
#include "genlab/splits/modular.hpp"
#include "genlab/version.hpp"
#include "toy_configs.hpp"
#include "toy_grokking.hpp"

using namespace genlab;
namespace fs = std::filesystem;

namespace {
using genlab::test::quiet;
fs::path fresh(const char* name) {
  const fs::path d = fs::temp_directory_path() / name;
  fs::remove_all(d);
  return d;
}
std::vector<std::string> keys(const std::vector<experiments::IdentityDifference>& d) {
  std::vector<std::string> k;
  for (const auto& x : d) k.push_back(x.key);
  return k;
}
// The toys, shorter: 20 grokking updates; 12 sorting updates of 8, one condition and seed.
experiments::GrokkingConfig toy_grokking() {
  auto c = genlab::test::toy_grokking();
  c.optimizer = experiments::GrokkingConfig::quick().optimizer;
  c.steps = 20;
  c.eval_every = 10;
  c.checkpoint_every = 10;
  return c;
}
experiments::SortingConfig toy_sorting() {
  auto c = genlab::test::toy_sorting();
  c.task.train_size = 100;
  c.steps = 12;
  c.optimizer.total_steps = 12;
  c.optimizer.warmup_steps = 2;
  c.batch_size = 8;
  c.eval_every = 6;
  c.checkpoint_every = 6;
  c.seeds = {0};
  c.conditions = {experiments::SortingConfig::standard_conditions()[0]};
  return c;
}
}  // namespace

TEST_CASE("identity differences name every differing key with both values", "[experiments][run]") {
  const core::Json a = {{"lr", 0.001}, {"model", {{"d", 64}, {"norm", "pre"}}}, {"seeds", {0, 1}}, {"old", true}};
  const core::Json b = {{"lr", 0.002}, {"model", {{"d", 64}, {"norm", "post"}}}, {"seeds", {0, 2}}, {"new", 1}};
  const auto d = experiments::identity_differences(a, b);
  CHECK(keys(d) == std::vector<std::string>{"lr", "model.norm", "old", "seeds", "new"});
  CHECK(*d[0].before == 0.001);
  CHECK(*d[0].after == 0.002);
  CHECK_FALSE(d[2].after.has_value());  // absent on one side
  // 1 and 1.0 are the same setting; arrays differ as a whole.
  CHECK(experiments::identity_differences({{"x", 1}}, {{"x", 1.0}}).empty());
  CHECK(keys(experiments::identity_differences({{"s", {1}}}, {{"s", {1, 2}}})) == std::vector<std::string>{"s"});
  CHECK(experiments::identity_hash(a) == experiments::identity_hash(core::Json::parse(a.dump())));
  CHECK(experiments::identity_hash(a) != experiments::identity_hash(b));
}

TEST_CASE("time.json records each session's numerics (version, GEMM kernels, vector width), each distinct one once",
          "[experiments][run]") {
  const fs::path dir = fresh("genlab_run_numerics");
  const core::Json id = {{"steps", 1}};
  const core::Json now = experiments::build_numerics();
  CHECK(now["genlab"] == GENLAB_VERSION_STRING);
  CHECK(now["gemm"] == core::gemm_backend());
  const std::string simd = now["simd"];
  CHECK((simd == "avx512" || simd == "avx2" || simd == "avx" || simd == "sse2" || simd == "neon" || simd == "none"));
#if defined(__x86_64__)
  CHECK(simd != "none");  // x86-64 always has SSE2
#endif
  auto r = experiments::open_run(dir, id, quiet());
  CHECK(r.previous_numerics == core::Json::array());
  experiments::RunClock(r).record();
  CHECK(core::read_json(dir / "time.json")["numerics"] == core::Json::array({now}));
  // A session resumed under the same numerics adds nothing.
  r = experiments::open_run(dir, id, quiet());
  CHECK(r.resumed);
  experiments::RunClock(r).record();
  CHECK(core::read_json(dir / "time.json")["numerics"] == core::Json::array({now}));
  // Earlier sessions under other numerics (another machine or build) are kept, this one appended.
  const core::Json other = {{"gemm", "openblas:Prescott"}, {"simd", "sse2"}};
  core::write_json(dir / "time.json", core::Json{{"seconds", 2.0}, {"numerics", core::Json::array({other})}});
  r = experiments::open_run(dir, id, quiet());
  CHECK(r.previous_numerics == core::Json::array({other}));
  const experiments::RunClock clock(r);
  CHECK(clock.numerics() == core::Json::array({other, now}));
  clock.record();
  const core::Json t = core::read_json(dir / "time.json");
  CHECK(t["numerics"] == core::Json::array({other, now}));
  CHECK(t["seconds"].get<double>() >= 2.0);
  // A time.json written before numerics were recorded starts the list with this session.
  core::write_json(dir / "time.json", core::Json{{"seconds", 3.0}});
  r = experiments::open_run(dir, id, quiet());
  CHECK(r.previous_seconds == 3.0);
  CHECK(experiments::RunClock(r).numerics() == core::Json::array({now}));
  fs::remove_all(dir);
}

TEST_CASE("open_run resumes the same identity, refuses another and restarts on request", "[experiments][run]") {
  const fs::path dir = fresh("genlab_run_open");
  const core::Json id = {{"steps", 10}, {"optimizer", {{"lr", 0.001}}}};
  auto r = experiments::open_run(dir, id, quiet());
  CHECK_FALSE(r.resumed);
  CHECK(core::read_json(dir / "config.json")[experiments::kIdentityHashKey] == experiments::identity_hash(id));
  core::write_json(dir / "time.json", core::Json{{"seconds", 5.0}});
  core::write_json(dir / "result.json", core::Json{{"x", 1}});
  r = experiments::open_run(dir, id, quiet());
  CHECK(r.resumed);
  CHECK(r.previous_seconds == 5.0);
  CHECK(experiments::RunClock(r).seconds() >= 5.0);

  const std::string before = core::read_file(dir / "config.json");
  core::Json other = id;
  other["steps"] = 150;
  other["optimizer"]["lr"] = 0.01;
  try {
    experiments::open_run(dir, other, quiet());
    FAIL("a run of another identity was opened");
  } catch (const experiments::RunMismatch& e) {
    CHECK(keys(e.differences()) == std::vector<std::string>{"optimizer.lr", "steps"});
    CHECK_THAT(e.what(), Catch::Contains("steps: recorded 10, requested 150") && Catch::Contains("--restart"));
  }
  CHECK(core::read_file(dir / "config.json") == before);  // nothing written
  CHECK(fs::exists(dir / "result.json"));

  auto restart = quiet();
  restart.restart = true;
  r = experiments::open_run(dir, other, restart);
  CHECK_FALSE(r.resumed);
  CHECK_FALSE(fs::exists(dir / "result.json"));  // the old run is gone
  CHECK(core::read_json(dir / "config.json")["steps"] == 150);
}

TEST_CASE("open_run never writes into or deletes a folder that holds no run", "[experiments][run]") {
  const fs::path dir = fresh("genlab_run_foreign");
  fs::create_directories(dir);
  core::write_json(dir / "notes.json", core::Json{{"mine", true}});
  auto restart = quiet();
  restart.restart = true;
  for (const auto& opt : {quiet(), restart})
    CHECK_THROWS_WITH(experiments::open_run(dir, core::Json{{"a", 1}}, opt),
                      Catch::Contains("has files but no config.json"));
  CHECK(fs::exists(dir / "notes.json"));
  CHECK_FALSE(fs::exists(dir / "config.json"));
  CHECK_THROWS_WITH(experiments::open_run(dir / "notes.json", core::Json{{"a", 1}}, quiet()), Catch::Contains("a file"));
  CHECK_THROWS_AS(experiments::open_run("", core::Json{{"a", 1}}, quiet()), std::invalid_argument);
}

TEST_CASE("grokking records its data fingerprint and full optimizer, and refuses to resume on other data",
          "[experiments][run][grokking]") {
  const fs::path dir = fresh("genlab_run_grok_identity");
  const auto c = toy_grokking();
  experiments::run_grokking(c, dir, quiet());
  const auto cfg = core::read_json(dir / "config.json");
  const auto ds = splits::make_modular_dataset(c.data);
  REQUIRE(cfg["data_fingerprint"].is_string());  // was always null
  CHECK(cfg["data_fingerprint"] == ds.config()["fingerprint_fnv1a64"]);
  CHECK(cfg["optimizer"].contains("min_lr_ratio"));
  CHECK(cfg["optimizer"].contains("total_steps"));
  CHECK(cfg["scalar"] == "float32");

  const std::string config_before = core::read_file(dir / "config.json");
  const std::string metrics_before = core::read_file(dir / "metrics.jsonl");
  auto other = c;
  other.data.train_fraction = 0.5;
  other.seed = 3;
  try {
    experiments::run_grokking(other, dir, quiet());
    FAIL("resumed on another split");
  } catch (const experiments::RunMismatch& e) {
    const auto k = keys(e.differences());
    CHECK(std::find(k.begin(), k.end(), "data.train_fraction") != k.end());
    CHECK(std::find(k.begin(), k.end(), "seed") != k.end());
    CHECK(std::find(k.begin(), k.end(), "data_fingerprint") != k.end());
  }
  CHECK(core::read_file(dir / "config.json") == config_before);
  CHECK(core::read_file(dir / "metrics.jsonl") == metrics_before);
  // Another scalar type is another run too.
  CHECK_THROWS_AS(experiments::run_grokking(c, dir, quiet(), /*use_double=*/true), experiments::RunMismatch);
  // Restart is explicit.
  auto restart = quiet();
  restart.restart = true;
  const auto r = experiments::run_grokking(other, dir, restart);
  CHECK(r.steps == other.steps);
  CHECK(core::read_json(dir / "config.json")["seed"] == 3);
}

TEST_CASE("sorting refuses a grid folder trained with other settings before any run starts", "[experiments][run][sorting]") {
  const fs::path dir = fresh("genlab_run_sort_steps");
  auto c = toy_sorting();
  experiments::run_sorting(c, dir, quiet());
  const std::string run_before = core::read_file(dir / "standard" / "seed_0" / "run.json");
  auto longer = c;
  longer.steps = 15;  // was silently reused
  longer.optimizer.total_steps = 15;
  try {
    experiments::run_sorting(longer, dir, quiet());
    FAIL("a run trained for other steps was reused");
  } catch (const experiments::RunMismatch& e) {
    const auto k = keys(e.differences());
    CHECK(std::find(k.begin(), k.end(), "steps") != k.end());
    CHECK(std::find(k.begin(), k.end(), "optimizer.total_steps") != k.end());
  }
  CHECK(core::read_json(dir / "config.json")["steps"] == 12);  // the top config still tells the truth
  CHECK(core::read_file(dir / "standard" / "seed_0" / "run.json") == run_before);

  // A per-run folder of other settings is refused too (here: another hint probability in one run).
  auto other_run = c;
  other_run.conditions = {experiments::SortingConfig::standard_conditions()[1]};
  experiments::run_sorting(other_run, dir, quiet());  // a new condition: the grid grows
  auto changed = other_run;
  changed.conditions[0].hint_probability = 0.25;
  CHECK_THROWS_WITH(experiments::run_sorting(changed, dir, quiet()), Catch::Contains("condition.hint_probability"));

  // Growing the grid by a seed reuses the finished runs.
  auto more = c;
  more.seeds = {0, 1};
  fs::remove_all(dir / "standard" / "seed_0" / "checkpoint");  // a retrain would need it
  const auto r = experiments::run_sorting(more, dir, quiet());
  CHECK(r.runs.size() == 2);
  CHECK(core::read_file(dir / "standard" / "seed_0" / "run.json") == run_before);
  CHECK(core::read_json(dir / "config.json")["seeds"].size() == 2);
}

TEST_CASE("sorting summary has null, never 0, for ranges with no evaluated length", "[experiments][run][sorting]") {
  const fs::path dir = fresh("genlab_run_sort_null");
  const auto c = toy_sorting();  // lengths 1..6 only
  const auto r = experiments::run_sorting(c, dir, quiet());
  const auto s = core::read_json(dir / "summary.json")["conditions"]["standard"];
  CHECK(s["ood_25_to_50"].is_null());
  CHECK(s["ood_51_to_100"].is_null());
  CHECK(s["first_errors_25_to_50"].is_null());
  CHECK(s["id_1_to_4"].is_number());
  CHECK_FALSE(r.mean_accuracy("standard", 25, 50).has_value());
  // Pooled Wilson intervals bracket the mean.
  const auto p = r.pooled_accuracy("standard", 1, 4);
  REQUIRE(p.has_value());
  CHECK(p->trials == 4 * c.eval_size_per_length);
  CHECK(p->lower <= *r.mean_accuracy("standard", 1, 4) + 1e-12);
  CHECK(s["id_1_to_4_wilson95"][0] == Approx(p->lower));
  // The [condition, seed, length] grid holds every run's accuracy, in memory and as .npy.
  const auto grid = r.accuracy_grid();
  REQUIRE(grid.shape(0) == 1);
  REQUIRE(grid.shape(1) == 1);
  REQUIRE(grid.shape(2) == c.max_eval_length);
  const auto saved = core::read_npy_tensor<double, 3>(dir / "accuracy_grid.npy");
  CHECK(saved == grid);
  const auto per_run = core::read_csv(dir / "standard" / "seed_0" / "accuracy_by_length.csv");
  for (std::size_t n = 1; n <= c.max_eval_length; ++n) {
    CHECK(grid(0, 0, n - 1) == r.runs[0].exact_match.at(n));
    const auto ci = r.runs[0].exact_match_interval(n);
    CHECK(per_run.number(n - 1, per_run.column("exact_match_lower")) == Approx(ci.lower));
    CHECK(ci.lower <= ci.estimate + 1e-15);
    CHECK(ci.upper >= ci.estimate);
  }
}

TEST_CASE("a time-boxed sorting session resumes to the same results", "[experiments][run][sorting]") {
  const fs::path a = fresh("genlab_run_sort_whole"), b = fresh("genlab_run_sort_boxed");
  const auto c = toy_sorting();
  const auto whole = experiments::run_sorting(c, a, quiet());
  auto boxed = quiet();
  boxed.stop_at = 6;
  const auto part = experiments::run_sorting(c, b, boxed);
  CHECK_FALSE(part.complete);
  CHECK_FALSE(fs::exists(b / "standard" / "seed_0" / "run.json"));
  CHECK_FALSE(fs::exists(b / "summary.json"));
  const auto resumed = experiments::run_sorting(c, b, quiet());
  CHECK(resumed.complete);
  CHECK(resumed.runs[0].exact_match == whole.runs[0].exact_match);
  CHECK(core::read_file(a / "standard" / "seed_0" / "metrics.csv") == core::read_file(b / "standard" / "seed_0" / "metrics.csv"));
  CHECK(core::read_file(a / "standard" / "seed_0" / "accuracy_by_length.csv") ==
        core::read_file(b / "standard" / "seed_0" / "accuracy_by_length.csv"));
}

TEST_CASE("experiment configs record every parameter and read back through nlohmann's macros", "[experiments][run]") {
  const auto c = experiments::SortingConfig::distinct();
  const core::Json j = c.to_json();
  CHECK(j["optimizer"]["min_lr_ratio"] == 0.1);  // was dropped from the record
  CHECK(j["optimizer"]["eps"] == c.optimizer.eps);
  CHECK(j["conditions"][1]["hints"] == core::Json::array({"successor"}));
  CHECK(j["conditions"][2]["attention"] == "tempered");
  CHECK(j.get<experiments::SortingConfig>().to_json() == j);
  const auto g = experiments::GrokkingConfig::nanda().to_json();
  CHECK(g["optimizer"].contains("min_lr_ratio"));
  CHECK(g["optimizer"].contains("total_steps"));
  experiments::SortingErrorCounts e;
  e.lists = 5, e.exact = 2, e.missed_copy = 1, e.skipped_value = 2;
  CHECK(experiments::SortingErrorCounts::from_json(e.to_json()).to_json() == e.to_json());
  core::Json missing = e.to_json();
  missing.erase("other");
  CHECK_THROWS(experiments::SortingErrorCounts::from_json(missing));  // a count is never made up
}

TEST_CASE("grokking config reads back through nlohmann's macros, data and optimizer included", "[experiments][run]") {
  const auto c = experiments::GrokkingConfig::power();
  const core::Json j = c.to_json();
  CHECK(j["data"]["op"] == "div");
  CHECK(j["data"]["format"] == "power");
  CHECK(j["data"]["generator"] == "genlab::splits::make_modular_dataset");
  CHECK(j["model"]["norm"] == "post");
  CHECK(j.get<experiments::GrokkingConfig>().to_json() == j);
  core::Json bad = j;
  bad["data"]["op"] = "bogus";  // an unknown name is refused, never read as the first operation
  CHECK_THROWS_WITH(bad.get<experiments::GrokkingConfig>().validate(), Catch::Contains("'op'"));
}
