#ifndef GENLAB_EXPERIMENTS_SORTING_HPP
#define GENLAB_EXPERIMENTS_SORTING_HPP
// Sorting length generalization, 20 -> 100 (Awasthi & Gupta 2023, "Improving Length-Generalization
// in Transformers via Task Hinting", arXiv 2310.00726: the sorting task, its hint tasks and the
// length-dependent attention scaling).
//
// Train a causal NoPE transformer on sorting lists of length <= 20, then decode greedily at every
// length 1..100 and report exact-match accuracy per length, for a set of conditions (standard
// training, each hint task mixed in with a task token, the length-dependent tempered softmax,
// and their combinations) over several seeds. Every condition trains with the same number of
// updates and the same batch size: hint examples take a share of the batch, not extra compute.
//
// Results folder:
//   config.json                          the whole experiment's config
//   <condition>/seed_<s>/                one run: config.json (its identity), metrics.csv/.jsonl
//                                        (training log), checkpoint/, accuracy_by_length.csv (exact
//                                        match with its Wilson interval and the kind of each wrong
//                                        answer's first mistake, per length), time.json, run.json (when done)
//   accuracy_by_length.csv               length, condition, mean, sd, min, max over seeds, and the
//                                        Wilson interval of all seeds' lists pooled
//   accuracy_by_length.{png,svg,dat,gp}  the curves
//   accuracy_grid.npy                    exact match [condition, seed, length − 1] (float64)
//   first_errors.csv                     length, condition, first-mistake counts summed over seeds
//                                        (sorting_errors.hpp: missed/extra copy, skipped value)
//   summary.json                         per condition: mean accuracy at <= 20, 21–24, 25–50, 51–100
//                                        (null for a range with no evaluated length) with pooled
//                                        Wilson intervals, and the first-mistake counts at 25–50, 51–100
// Runs go through the run layer (run.hpp): a run folder is reused only if its identity (every
// setting shared by the grid, the condition, the seed, the model, the data fingerprint) matches;
// otherwise the grid refuses to start, naming the differing keys, until asked to restart. Conditions
// and seeds may be added to a finished grid. Finished runs are reused and a killed run resumes from
// its checkpoint. A finished run from before first-mistake counting gets them from its checkpoint,
// which must reproduce its exact match.

#include <algorithm>
#include <array>
#include <cmath>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <type_traits>
#include <string>
#include <vector>

#include "genlab/core/io/csv.hpp"
#include "genlab/core/io/gnuplot.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/tensor.hpp"
#include "genlab/measure/bootstrap.hpp"
#include "genlab/experiments/run.hpp"
#include "genlab/experiments/sorting_errors.hpp"
#include "genlab/nn/checkpoint.hpp"
#include "genlab/nn/decode.hpp"
#include "genlab/nn/trainer.hpp"
#include "genlab/splits/length.hpp"

namespace genlab::experiments {

/// One training condition: hint tasks mixed in (empty = standard training) and the attention
/// logit scale (tempered = Awasthi & Gupta's learned per-length scale, log-linear beyond).
struct SortingCondition {
  std::string name = "standard";
  std::vector<splits::HintTask> hints;
  double hint_probability = 0.5;
  bool hint_all_positions = false;  ///< successor/predecessor: x1 s(x1) .. xn s(xn) instead of one query
  nn::AttentionScale attention = nn::AttentionScale::inv_sqrt_d;

  core::Json to_json() const;
};

// JSON by nlohmann's macro: the keys are the field names (hints and attention by their names).
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SortingCondition, name, hints, hint_probability, hint_all_positions,
                                                attention)
inline core::Json SortingCondition::to_json() const { return *this; }

struct SortingConfig {
  std::string name = "quick";
  splits::LengthTaskConfig task;            // sort; training lengths and values; train_size; data seed
  std::size_t max_eval_length = 100;        // evaluate every length 1..max_eval_length
  std::size_t eval_size_per_length = 50;    // greedy-decoded test lists per length
  nn::ModelConfig model;                    // vocab_size, max_seq_len and attention scale set per run
  nn::AdamWConfig optimizer;
  std::int64_t steps = 2000;
  std::int64_t batch_size = 64;
  std::int64_t eval_every = 500;            // teacher-forced ID metrics in the training log
  std::int64_t checkpoint_every = 500;
  std::vector<SortingCondition> conditions;
  std::vector<std::uint64_t> seeds = {0, 1, 2};

  void validate() const {
    const char* where = "genlab::experiments::SortingConfig::validate";
    core::require(task.task == splits::LengthTask::sort, where, "task.task", splits::to_string(task.task), "sort");
    core::require(max_eval_length >= task.train_max_length, where, "max_eval_length", max_eval_length,
                  ">= task.train_max_length = " + std::to_string(task.train_max_length));
    core::require(task.repeats || max_eval_length <= task.num_values, where, "max_eval_length", max_eval_length,
                  "<= task.num_values = " + std::to_string(task.num_values) + " when task.repeats = false (distinct values)");
    core::require(eval_size_per_length >= 1, where, "eval_size_per_length", eval_size_per_length, ">= 1");
    core::require(steps >= 1, where, "steps", steps, ">= 1");
    core::require(batch_size >= 1, where, "batch_size", batch_size, ">= 1");
    core::require(!conditions.empty(), where, "conditions.size()", 0, ">= 1");
    core::require(!seeds.empty(), where, "seeds.size()", 0, ">= 1");
    for (std::size_t i = 0; i < conditions.size(); ++i) {
      const auto& n = conditions[i].name;
      core::require(!n.empty() && n.find_first_of("/\\ ") == std::string::npos, where, "conditions[i].name", n,
                    "a non-empty name without slashes or spaces (it names a folder)");
      for (std::size_t j = 0; j < i; ++j)
        core::require(conditions[j].name != n, where, "conditions[i].name", n, "distinct condition names");
    }
    optimizer.validate();
    for (const auto& c : conditions) condition_task(c).validate();  // each condition's training data can be made
  }

  /// The training data's config of one condition (run seeds replace `task.seed`): the task with the
  /// condition's hints, a task token, and no test splits (the protocol evaluates every length itself).
  splits::LengthTaskConfig condition_task(const SortingCondition& cond) const {
    splits::LengthTaskConfig t = task;
    t.hints.tasks = cond.hints;
    t.hints.probability = cond.hint_probability;
    t.hints.all_positions = cond.hint_all_positions;
    t.task_token = true;
    t.test_lengths = {};
    t.id_test_size = 0;
    t.test_size_per_length = 0;
    return t;
  }

  /// Every parameter (nlohmann's macro below: the keys are the field names, the optimizer in full).
  core::Json to_json() const;

  /// The standard, successor-hint, tempered and successor+tempered conditions.
  static std::vector<SortingCondition> standard_conditions() {
    SortingCondition standard;
    SortingCondition successor;
    successor.name = "successor";
    successor.hints = {splits::HintTask::successor};
    SortingCondition tempered;
    tempered.name = "tempered";
    tempered.attention = nn::AttentionScale::tempered;
    SortingCondition both = successor;
    both.name = "successor+tempered";
    both.attention = nn::AttentionScale::tempered;
    return {standard, successor, tempered, both};
  }

  /// A 2-core CPU configuration: values 0..29, lengths 1..20, 2 layers NoPE d 64, 3,000 updates of 64,
  /// 30 greedy-decoded lists per length 1..100.
  static SortingConfig quick() {
    SortingConfig c;
    c.name = "quick";
    c.task.num_values = 30;
    c.task.train_min_length = 1;
    c.task.train_max_length = 20;
    c.task.test_lengths = {};
    c.task.train_size = 50000;
    c.task.id_test_size = 0;
    c.task.test_size_per_length = 0;
    c.model.n_layers = 2;
    c.model.d_model = 64;
    c.model.n_heads = 4;
    c.model.d_mlp = 256;
    c.model.norm = nn::Norm::pre;
    c.model.positions = nn::Positions::none;
    c.model.attn_bias = true;
    c.model.unembed_bias = true;
    c.model.init_std = 0.02;
    c.optimizer.lr = 1e-3;
    c.optimizer.weight_decay = 0.01;
    c.optimizer.warmup_steps = 100;
    c.optimizer.schedule = nn::Schedule::cosine;
    c.optimizer.min_lr_ratio = 0.1;
    c.optimizer.grad_clip = 1.0;
    c.steps = 3000;
    c.optimizer.total_steps = c.steps;
    c.batch_size = 64;
    c.eval_size_per_length = 30;
    c.conditions = {standard_conditions()[0], standard_conditions()[1]};
    c.seeds = {0, 1, 2};
    return c;
  }

  /// The quick model on distinct values 0..127 (no repeats) for 6,000 updates: errors are then
  /// skipped successors rather than miscounted copies, the failure the successor hint targets.
  static SortingConfig distinct() {
    SortingConfig c = quick();
    c.name = "distinct";
    c.task.num_values = 128;
    c.task.repeats = false;
    c.steps = 6000;
    c.optimizer.total_steps = c.steps;
    c.conditions = standard_conditions();
    return c;
  }

  /// Closer to the paper's scale (values 0..99, d 128, 4 layers, 50k updates of 128): measured at
  /// 0.75 s per update on one core, about 10 hours per run; the paper's own model size and step
  /// count are not published.
  static SortingConfig paper() {
    SortingConfig c = quick();
    c.name = "paper";
    c.task.num_values = 100;
    c.task.train_size = 500000;
    c.model.n_layers = 4;
    c.model.d_model = 128;
    c.model.d_mlp = 512;
    c.steps = 50000;
    c.optimizer.total_steps = c.steps;
    c.batch_size = 128;
    c.eval_size_per_length = 100;
    c.conditions = standard_conditions();
    return c;
  }
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SortingConfig, name, task, max_eval_length, eval_size_per_length, model,
                                                optimizer, steps, batch_size, eval_every, checkpoint_every, conditions,
                                                seeds)
inline core::Json SortingConfig::to_json() const { return *this; }

/// One (condition, seed) run: exact match at each evaluated length.
struct SortingRun {
  std::string condition;
  std::uint64_t seed = 0;
  std::map<std::size_t, double> exact_match;   // length -> accuracy
  std::map<std::size_t, SortingErrorCounts> errors;  // length -> first-mistake kinds (and the counts behind exact_match)
  double seconds = 0;                          // wall time of the run across resumes

  /// Exact match at length n with its 95% Wilson interval (Wilson 1927) over the decoded lists.
  measure::ProportionInterval exact_match_interval(std::size_t n, double confidence = 0.95) const {
    const auto& e = errors.at(n);
    return measure::wilson_interval(e.exact, e.lists, confidence);
  }
  core::Json to_json() const {
    core::Json acc = core::Json::object(), err = core::Json::object();
    for (const auto& [n, a] : exact_match) acc[std::to_string(n)] = a;
    for (const auto& [n, e] : errors) err[std::to_string(n)] = e.to_json();
    return core::Json{{"condition", condition}, {"seed", seed},         {"exact_match", acc},
                      {"first_errors", err},    {"seconds", seconds}};
  }
};

/// Mean, standard deviation, min and max of one condition's accuracy at one length over seeds.
struct SeedSpread {
  double mean = 0, sd = 0, min = 0, max = 0;
  std::size_t seeds = 0;
  measure::ProportionInterval pooled;  // Wilson interval of every seed's lists together
};

struct SortingResult {
  core::Json config;
  bool complete = true;  // false when RunOptions::stop_at ended the session before every run finished
  std::vector<SortingRun> runs;
  std::map<std::string, std::map<std::size_t, SeedSpread>> by_condition;  // condition -> length -> spread
  std::map<std::string, std::map<std::size_t, SortingErrorCounts>> errors;  // condition -> length -> sum over seeds
  double seconds = 0;

  /// Mean over seeds and over the evaluated lengths lo..hi of one condition; empty when no length
  /// in lo..hi was evaluated (never a made-up 0).
  std::optional<double> mean_accuracy(const std::string& condition, std::size_t lo, std::size_t hi) const {
    const auto& m = by_condition.at(condition);
    double s = 0;
    std::size_t n = 0;
    for (const auto& [len, sp] : m)
      if (len >= lo && len <= hi) s += sp.mean, ++n;
    if (n == 0) return std::nullopt;
    return s / static_cast<double>(n);
  }

  /// Exact match of all lists of one condition at lengths lo..hi, all seeds pooled, with its Wilson
  /// interval; empty when no length in lo..hi was evaluated.
  std::optional<measure::ProportionInterval> pooled_accuracy(const std::string& condition, std::size_t lo, std::size_t hi,
                                                              double confidence = 0.95) const {
    const SortingErrorCounts c = first_errors(condition, lo, hi);
    if (c.lists == 0) return std::nullopt;
    return measure::wilson_interval(c.exact, c.lists, confidence);
  }

  /// Exact match of every run as one array [condition, seed, length − 1], conditions and seeds in
  /// the config's order (written as accuracy_grid.npy next to summary.json). Empty before every run
  /// has finished.
  core::Tensor<double, 3> accuracy_grid() const {
    if (!complete || runs.empty()) return core::Tensor<double, 3>(std::array<std::size_t, 3>{0, 0, 0});
    const auto& conds = config.at("conditions");
    const std::size_t C = conds.size(), S = config.at("seeds").size(), L = config.at("max_eval_length").get<std::size_t>();
    core::Tensor<double, 3> grid(std::array<std::size_t, 3>{C, S, L});
    // Runs are stored condition-major in config order (run_sorting's loop).
    for (std::size_t r = 0; r < runs.size(); ++r)
      for (const auto& [n, a] : runs[r].exact_match) grid(r / S, r % S, n - 1) = a;
    return grid;
  }

  /// First-mistake counts of one condition summed over seeds and over lengths lo..hi.
  SortingErrorCounts first_errors(const std::string& condition, std::size_t lo, std::size_t hi) const {
    SortingErrorCounts c;
    for (const auto& [len, e] : errors.at(condition))
      if (len >= lo && len <= hi) c += e;
    return c;
  }
};

namespace detail {

inline splits::LengthTaskConfig condition_task(const SortingConfig& cfg, const SortingCondition& cond, std::uint64_t seed) {
  splits::LengthTaskConfig t = cfg.condition_task(cond);
  t.seed = seed;
  return t;
}

// Evaluation lists: length n, list i drawn by the generator from Philox stream (eval seed, n, i) —
// the same lists for every condition and seed (only the token ids of the vocabulary may differ).
inline std::vector<core::Sequence> eval_set(const splits::LengthTaskGenerator& gen, std::size_t n, std::size_t count) {
  std::vector<core::Sequence> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    core::Philox4x32 g(0x5eed5eedULL, n, 4096 * i);
    out.push_back(gen.main_example(n, g));
  }
  return out;
}

// The settings every run of a grid shares: the config without its lists of conditions and seeds,
// so that a finished grid can grow by conditions and seeds without invalidating its runs.
inline core::Json shared_identity(const SortingConfig& cfg) {
  core::Json j = cfg.to_json();
  j.erase("conditions");
  j.erase("seeds");
  return j;
}

// The model of one run: the vocabulary of its data and the attention scaling of its condition.
inline nn::ModelConfig run_model(const SortingConfig& cfg, const SortingCondition& cond, std::size_t vocab_size) {
  nn::ModelConfig mc = cfg.model;
  mc.vocab_size = static_cast<std::int64_t>(vocab_size);
  mc.attention_scale = cond.attention;
  // Context sizes seen in training: <bos> <task> x1..xn <sep> y1..yn <eos> for n <= train max.
  mc.scale_length = static_cast<std::int64_t>(2 * cfg.task.train_max_length + 4);
  mc.max_seq_len = static_cast<std::int64_t>(2 * cfg.max_eval_length + 4);
  mc.validate();
  return mc;
}

// One run's identity without the data fingerprint (known only once the data is generated).
template <class T>
core::Json run_identity(const SortingConfig& cfg, const SortingCondition& cond, std::uint64_t seed) {
  const splits::LengthTaskGenerator gen(condition_task(cfg, cond, seed));
  core::Json id = shared_identity(cfg);
  id["condition"] = cond.to_json();
  id["seed"] = seed;
  id["run_model"] = run_model(cfg, cond, gen.vocab().size()).to_json();
  id["scalar"] = std::is_same_v<T, float> ? "float32" : "float64";
  return id;
}

// Greedy exact match (with its Wilson interval, from the counts) and first-mistake kinds at every
// length 1..max_eval_length; writes the run's accuracy_by_length.csv.
template <class T>
void evaluate_sorting_run(const SortingConfig& cfg, const splits::LengthTaskGenerator& gen, const nn::Transformer<T>& model,
                          const std::filesystem::path& dir, SortingRun& run) {
  core::CsvTable table({"length", "exact_match", "sequences", "missed_copy", "extra_copy", "skipped_value", "other",
                        "exact_match_lower", "exact_match_upper"});
  nn::Workspace<T> ws;
  for (std::size_t n = 1; n <= cfg.max_eval_length; ++n) {
    const auto seqs = eval_set(gen, n, cfg.eval_size_per_length);
    const SortingErrorCounts e = sorting_errors(model, seqs, gen.numeral(0), cfg.task.num_values, ws);
    run.exact_match[n] = e.exact_match();
    run.errors[n] = e;
    const measure::ProportionInterval ci = run.exact_match_interval(n);
    table.row(n, e.exact_match(), e.lists, e.missed_copy, e.extra_copy, e.skipped_value, e.other, ci.lower, ci.upper);
  }
  core::write_csv(dir / "accuracy_by_length.csv", table);
}

// Reads a finished run's results from run.json.
inline void read_finished_run(const core::Json& j, SortingRun& run) {
  for (auto it = j.at("exact_match").begin(); it != j.at("exact_match").end(); ++it)
    run.exact_match[std::stoul(it.key())] = it.value().get<double>();
  run.seconds = j.value("seconds", 0.0);
  if (j.contains("first_errors"))
    for (auto it = j.at("first_errors").begin(); it != j.at("first_errors").end(); ++it)
      run.errors[std::stoul(it.key())] = SortingErrorCounts::from_json(it.value());
}

template <class T>
SortingRun run_sorting_condition(const SortingConfig& cfg, const SortingCondition& cond, std::uint64_t seed,
                                 const std::filesystem::path& dir, const RunOptions& opt) {
  SortingRun run;
  run.condition = cond.name;
  run.seed = seed;
  const splits::LengthTaskConfig task = condition_task(cfg, cond, seed);
  const core::Dataset ds = splits::make_length_dataset(task);
  const splits::LengthTaskGenerator gen(task);
  const nn::ModelConfig mc = run_model(cfg, cond, ds.vocab().size());
  core::Json identity = run_identity<T>(cfg, cond, seed);
  identity["data_fingerprint"] = ds.config().at("fingerprint_fnv1a64");
  const RunFolder folder = open_run(dir, identity, opt);
  const auto done_path = dir / "run.json";

  if (folder.resumed && std::filesystem::exists(done_path)) {  // finished before, same identity: reuse
    const core::Json j = core::read_json(done_path);
    read_finished_run(j, run);
    if (j.contains("first_errors")) return run;
    // Finished before first-mistake counting: re-decode with the final checkpoint, which must
    // reproduce the recorded exact match.
    const std::map<std::size_t, double> recorded = run.exact_match;
    const nn::Transformer<T> model = nn::load_model<T>(dir / "checkpoint");
    evaluate_sorting_run(cfg, gen, model, dir, run);
    for (const auto& [n, a] : recorded)
      if (run.exact_match.at(n) != a)
        throw core::IoError("genlab::experiments::run_sorting: the checkpoint in " + dir.string() +
                            " gives exact match " + std::to_string(run.exact_match.at(n)) + " at length " +
                            std::to_string(n) + ", but run.json records " + std::to_string(a));
    core::write_json(done_path, run.to_json());
    return run;
  }

  const RunClock clock(folder);
  nn::Transformer<T> model(mc, seed);
  const nn::TrainConfig tc =
      run_train_config(folder, cfg.steps, cfg.batch_size, seed, cfg.eval_every, cfg.checkpoint_every, opt);
  nn::Trainer<T> trainer(model, cfg.optimizer, tc);
  // A teacher-forced in-distribution check during training: lists of the training lengths.
  std::vector<core::Sequence> id_check;
  for (std::size_t n = cfg.task.train_min_length; n <= cfg.task.train_max_length; ++n) {
    auto s = eval_set(gen, n, 8);
    id_check.insert(id_check.end(), s.begin(), s.end());
  }
  trainer.add_eval("id", id_check);
  trainer.on_eval([&](std::int64_t step, core::Json&, const nn::Transformer<T>&) {
    clock.record();
    return opt.stop_at <= 0 || step < opt.stop_at;
  });
  const nn::TrainResult tr = trainer.train(ds.split("train"));
  if (tr.steps < cfg.steps) {  // a session ended by RunOptions::stop_at: resumable, not finished
    run.seconds = clock.record();
    return run;
  }

  evaluate_sorting_run(cfg, gen, model, dir, run);
  run.seconds = clock.record();
  core::write_json(done_path, run.to_json());
  return run;
}

// Refuses, before any run starts, a grid whose folder holds runs of other settings: the top
// config's shared settings, then every requested run's identity (without the data fingerprint,
// which open_run checks once the data exists).
template <class T>
void check_sorting_grid(const SortingConfig& cfg, const std::filesystem::path& out, const RunOptions& opt) {
  if (opt.restart || !opt.resume) return;
  core::Json recorded = recorded_identity(out);
  if (!recorded.is_null()) {
    recorded.erase("conditions");
    recorded.erase("seeds");
    auto diffs = identity_differences(recorded, shared_identity(cfg));
    if (!diffs.empty()) throw RunMismatch(out, std::move(diffs));
  }
  for (const auto& cond : cfg.conditions)
    for (auto seed : cfg.seeds) {
      const auto dir = out / cond.name / ("seed_" + std::to_string(seed));
      core::Json rec = recorded_identity(dir);
      if (rec.is_null()) continue;
      rec.erase("data_fingerprint");
      auto diffs = identity_differences(rec, run_identity<T>(cfg, cond, seed));
      if (!diffs.empty()) throw RunMismatch(dir, std::move(diffs));
    }
}

template <class T>
SortingResult run_sorting_typed(const SortingConfig& cfg, const std::filesystem::path& out, const RunOptions& opt) {
  cfg.validate();
  check_sorting_grid<T>(cfg, out, opt);
  const auto start = std::chrono::steady_clock::now();
  // The grid's folder records the whole grid; check_sorting_grid compared only the shared
  // settings, so the grid itself may grow.
  prepare_run_folder(out, opt);
  write_run_identity(out, cfg.to_json());
  RunOptions per_run = opt;
  per_run.restart = false;  // the grid's folder was cleared by prepare_run_folder when asked
  per_run.resume = true;
  SortingResult res;
  res.config = cfg.to_json();
  for (const auto& cond : cfg.conditions)
    for (auto seed : cfg.seeds) {
      const auto dir = out / cond.name / ("seed_" + std::to_string(seed));
      if (opt.progress) std::fprintf(stderr, "sorting: condition %s, seed %llu\n", cond.name.c_str(), static_cast<unsigned long long>(seed));
      res.runs.push_back(run_sorting_condition<T>(cfg, cond, seed, dir, per_run));
      if (res.runs.back().exact_match.empty()) {  // stopped by RunOptions::stop_at: no aggregate yet
        res.complete = false;
        return res;
      }
    }
  core::CsvTable table({"length", "condition", "mean", "sd", "min", "max", "seeds", "lists", "pooled_lower", "pooled_upper"});
  core::CsvTable error_table({"length", "condition", "lists", "exact", "missed_copy", "extra_copy", "skipped_value", "other"});
  core::LinePlot plot;
  plot.title = "sorting: exact match by length (train lengths <= " + std::to_string(cfg.task.train_max_length) + ")";
  plot.xlabel = "list length";
  plot.ylabel = "exact match (mean over seeds)";
  plot.ymin = 0, plot.ymax = 1.02;
  core::Json summary = core::Json::object();
  for (const auto& cond : cfg.conditions) {
    auto& by_len = res.by_condition[cond.name];
    core::PlotSeries series{cond.name, {}, {}, "linespoints"};
    for (std::size_t n = 1; n <= cfg.max_eval_length; ++n) {
      std::vector<double> v;
      SortingErrorCounts e;
      for (const auto& r : res.runs)
        if (r.condition == cond.name) v.push_back(r.exact_match.at(n)), e += r.errors.at(n);
      SeedSpread sp;
      sp.seeds = v.size();
      sp.min = *std::min_element(v.begin(), v.end());
      sp.max = *std::max_element(v.begin(), v.end());
      for (double a : v) sp.mean += a / static_cast<double>(v.size());
      for (double a : v) sp.sd += (a - sp.mean) * (a - sp.mean);
      sp.sd = v.size() > 1 ? std::sqrt(sp.sd / static_cast<double>(v.size() - 1)) : 0.0;
      sp.pooled = measure::wilson_interval(e.exact, e.lists);
      by_len[n] = sp;
      table.row(n, cond.name, sp.mean, sp.sd, sp.min, sp.max, sp.seeds, e.lists, sp.pooled.lower, sp.pooled.upper);
      res.errors[cond.name][n] = e;
      error_table.row(n, cond.name, e.lists, e.exact, e.missed_copy, e.extra_copy, e.skipped_value, e.other);
      series.x.push_back(static_cast<double>(n));
      series.y.push_back(sp.mean);
    }
    plot.series.push_back(series);
    const std::size_t L = cfg.task.train_max_length;
    core::Json c = core::Json::object();
    // A range with no evaluated length is null, never a number.
    const auto range = [&](const std::string& key, std::size_t lo, std::size_t hi) {
      const auto m = res.mean_accuracy(cond.name, lo, hi);
      c[key] = m ? core::Json(*m) : core::Json();
      const auto p = res.pooled_accuracy(cond.name, lo, hi);
      c[key + "_wilson95"] = p ? core::Json::array({p->lower, p->upper}) : core::Json();
    };
    range("id_1_to_" + std::to_string(L), 1, L);
    range("near_" + std::to_string(L + 1) + "_to_" + std::to_string(L + 4), L + 1, L + 4);
    range("ood_25_to_50", 25, 50);
    range("ood_51_to_100", 51, 100);
    c["at_max_length"] = by_len.rbegin()->second.mean;
    const auto errors_in = [&](std::size_t lo, std::size_t hi) {
      return lo <= cfg.max_eval_length ? res.first_errors(cond.name, lo, hi).to_json() : core::Json();
    };
    c["first_errors_25_to_50"] = errors_in(25, 50);
    c["first_errors_51_to_100"] = errors_in(51, 100);
    summary[cond.name] = c;
  }
  core::write_csv(out / "accuracy_by_length.csv", table);
  core::write_csv(out / "first_errors.csv", error_table);
  core::write_npy(out / "accuracy_grid.npy", res.accuracy_grid());
  if (opt.plots) core::write_line_plot(out / "accuracy_by_length", plot);
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  core::Json s{{"config", res.config}, {"conditions", summary}, {"seconds", res.seconds}};
  core::Json runs = core::Json::array();
  double train_seconds = 0;
  for (const auto& r : res.runs) {
    runs.push_back({{"condition", r.condition}, {"seed", r.seed}, {"train_seconds", r.seconds}});
    train_seconds += r.seconds;
  }
  s["runs"] = runs;
  s["runs_seconds"] = train_seconds;  // every run's wall time across its resumes
  core::write_json(out / "summary.json", s);
  return res;
}

}  // namespace detail

/// Runs every (condition, seed) (reusing finished ones, resuming interrupted ones) and writes the
/// aggregate table, plot and summary into `out`. Throws RunMismatch, before any run starts, if
/// `out` holds runs of other settings (unless options.restart). `use_double` selects the model's
/// scalar (part of each run's identity).
inline SortingResult run_sorting(const SortingConfig& cfg, const std::filesystem::path& out, const RunOptions& opt = {},
                                 bool use_double = false) {
  return use_double ? detail::run_sorting_typed<double>(cfg, out, opt) : detail::run_sorting_typed<float>(cfg, out, opt);
}

}  // namespace genlab::experiments

#endif  // GENLAB_EXPERIMENTS_SORTING_HPP
