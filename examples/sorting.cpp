// Sorting length generalization 20 -> 100 (Awasthi & Gupta 2023), end to end.
//
//   sorting                                   quick preset: standard vs successor hint, 3 seeds
//   sorting --conditions standard,successor,tempered,successor+tempered --seeds 0,1,2
//   sorting --preset distinct                 distinct values 0..127, 6,000 updates, 4 conditions
//   sorting --preset paper                    values 0..99, 4 layers d 128, 50k updates (GPU-class)
//   sorting --preset values100                values 0..99 with repeats, 8,000 updates, 200 lists per length:
//                                             standard, successor, successor@additive, successor+tempered@additive
//   sorting --preset values1000               the same with values 0..999 (repeats rare), 16,000 updates
//                                             on 1,000,000 training lists
//   sorting --conditions standard,successor --hint-probability 0.25 --hint-form all-positions
//   sorting --conditions standard,successor@additive   hint examples on top of standard training's batch
//   options (sorting --help lists them with ranges and defaults): --steps N --batch-size N
//            --max-length N --eval-size N --values V --train-size N --no-repeats (distinct values)
//            --out DIR --double --no-resume --restart --quiet
// Writes DIR/{config.json, accuracy_by_length.csv/png/svg, first_errors.csv, summary.json,
// <condition>/seed_<s>/...};
// finished runs are skipped and a killed run resumes from its checkpoint.
// Every option is checked (and the whole config, each condition's data included, validated)
// before anything is written: exit 2 for a usage error, 1 for a runtime error.

#include <genlab/experiments/sorting.hpp>
#include <genlab/experiments/text_plot.hpp>

#include <cstdio>
#include <optional>
#include <string>
#include <utility>

#include "cli.hpp"

namespace ge = genlab::experiments;
namespace gs = genlab::splits;
namespace cli = genlab_examples::cli;

namespace {

constexpr const char* kConditionHelp =
    "comma-separated conditions; each is standard, a hint task (successor, predecessor, count, fill, parity), an "
    "attention scale (tempered, log_n), or a combination joined by '+', e.g. successor+tempered; a condition with "
    "hints may end in @shared (the default: hint examples take a share of the batch) or @additive (the batch's "
    "sorting examples of standard training plus hint examples on top), e.g. successor@additive";

/// One condition from its name: pieces joined by '+' (standard, hint tasks, tempered or log_n),
/// then optionally @shared or @additive (how hint examples are mixed in).
ge::SortingCondition parse_condition(const std::string& name) {
  ge::SortingCondition c;
  c.name = name;
  bool attention_set = false;
  const std::size_t at = name.find('@');
  const std::string body = name.substr(0, at);
  if (at != std::string::npos) {
    const std::string mixing = name.substr(at + 1);
    if (mixing != "shared" && mixing != "additive")
      throw cli::UsageError("condition '" + name + "': unknown hint mixing '" + mixing + "'; expected @shared or @additive");
    c.hint_mixing = ge::hint_mixing_from_string(mixing);
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t plus = body.find('+', start);
    const std::string piece = body.substr(start, plus == std::string::npos ? std::string::npos : plus - start);
    if (piece == "tempered" || piece == "log_n") {
      if (attention_set)
        throw cli::UsageError("condition '" + name + "' has two attention scales; expected at most one of tempered, log_n");
      attention_set = true;
      c.attention = piece == "tempered" ? genlab::nn::AttentionScale::tempered : genlab::nn::AttentionScale::log_n;
    } else if (piece != "standard") {
      bool known = false;
      for (int i = 0; i <= static_cast<int>(gs::HintTask::parity); ++i)
        if (piece == gs::to_string(static_cast<gs::HintTask>(i))) {
          const auto h = static_cast<gs::HintTask>(i);
          for (auto other : c.hints)
            if (other == h) throw cli::UsageError("condition '" + name + "' lists hint '" + piece + "' twice");
          c.hints.push_back(h);
          known = true;
        }
      if (!known)
        throw cli::UsageError("condition '" + name + "': unknown part '" + piece + "'; expected " + kConditionHelp);
    }
    if (plus == std::string::npos) break;
    start = plus + 1;
  }
  if (at != std::string::npos && c.hints.empty())
    throw cli::UsageError("condition '" + name + "': @" + name.substr(at + 1) +
                          " names how hint examples are mixed in, but the condition has no hint task");
  return c;
}

std::vector<ge::SortingCondition> parse_conditions(const std::string& list) {
  std::vector<ge::SortingCondition> out;
  for (const auto& name : cli::split_list(list, kConditionHelp)) {
    for (const auto& c : out)
      if (c.name == name) throw cli::UsageError("list '" + list + "': condition '" + name + "' appears twice");
    out.push_back(parse_condition(name));
  }
  return out;
}

std::string condition_names(const ge::SortingConfig& c) {
  std::string s;
  for (const auto& cond : c.conditions) s += (s.empty() ? "" : ",") + cond.name;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const ge::SortingConfig quick = ge::SortingConfig::quick(), distinct = ge::SortingConfig::distinct(),
                          paper = ge::SortingConfig::paper(), values100 = ge::SortingConfig::values100(),
                          values1000 = ge::SortingConfig::values1000();
  // A default that depends on the preset, for --help.
  auto per_preset = [&](auto get) {
    return "quick " + cli::text(get(quick)) + ", distinct " + cli::text(get(distinct)) + ", paper " +
           cli::text(get(paper)) + ", values100 " + cli::text(get(values100)) + ", values1000 " +
           cli::text(get(values1000));
  };

  CLI::App app("Sorting length generalization 20 -> 100 (Awasthi & Gupta 2023): trains a NoPE transformer on "
               "lists of length <= 20 per condition and seed, and reports exact match at every length.",
               "sorting");
  cli::configure(app);
  std::string preset = "quick", out, conditions, seeds, hint_form = "query";
  double hint_probability = 0.5;
  bool use_double = false, no_repeats = false, no_resume = false, restart = false, quiet = false;
  std::int64_t steps = 0, batch_size = 0;
  std::size_t max_length = 0, eval_size = 0, values = 0, train_size = 0;
  app.add_option("--preset", preset,
                 "configuration to start from: quick (values 0..29, 2 conditions), distinct (distinct values 0..127, "
                 "4 conditions), paper (values 0..99, 4 layers d 128), values100 (values 0..99 with repeats, 200 "
                 "lists per length, standard against the successor hint shared and additive), values1000 (the same "
                 "with values 0..999 and 1,000,000 training lists)")
      ->transform(cli::one_of({"quick", "distinct", "paper", "values100", "values1000"}));
  auto* o_cond = app.add_option("--conditions", conditions, kConditionHelp)
                     ->check(cli::checked_by([](const std::string& s) { parse_conditions(s); },
                                             "comma-separated", "conditions"))
                     ->default_str("quick " + condition_names(quick) + "; distinct and paper " +
                                   condition_names(paper) + "; values100 and values1000 " +
                                   condition_names(values100));
  auto* o_seeds = app.add_option("--seeds", seeds, "seeds, one run per condition and seed, e.g. 0,1,2")
                      ->check(cli::integer_list<std::uint64_t>())
                      ->default_str("0,1,2");
  auto* o_steps = app.add_option("--steps", steps,
                                 "updates per run (also the length of the cosine schedule); a run no longer than the "
                                 "presets' 100 warmup updates warms up for a tenth of its updates instead")
                      ->transform(cli::integer<std::int64_t>(1))
                      ->default_str(per_preset([](const ge::SortingConfig& c) { return c.steps; }));
  auto* o_batch = app.add_option("--batch-size", batch_size,
                                 "lists per update: hint examples included with @shared mixing, the sorting lists "
                                 "alone with @additive (hint examples come on top)")
                      ->transform(cli::integer<std::int64_t>(1))
                      ->default_str(per_preset([](const ge::SortingConfig& c) { return c.batch_size; }));
  auto* o_max = app.add_option("--max-length", max_length,
                               "evaluate every list length 1..N (>= the longest training length, 20)")
                    ->transform(cli::integer<std::size_t>(1))
                    ->default_str(per_preset([](const ge::SortingConfig& c) { return c.max_eval_length; }));
  auto* o_eval = app.add_option("--eval-size", eval_size, "greedy-decoded test lists per length")
                     ->transform(cli::integer<std::size_t>(1))
                     ->default_str(per_preset([](const ge::SortingConfig& c) { return c.eval_size_per_length; }));
  auto* o_values = app.add_option("--values", values, "values 0..V-1 in the lists")
                       ->transform(cli::integer<std::size_t>(2, std::size_t{1} << 24))
                       ->default_str(per_preset([](const ge::SortingConfig& c) { return c.task.num_values; }));
  auto* o_train = app.add_option("--train-size", train_size, "training lists per run")
                      ->transform(cli::integer<std::size_t>(1))
                      ->default_str(per_preset([](const ge::SortingConfig& c) { return c.task.train_size; }));
  auto* o_hint_p = app.add_option("--hint-probability", hint_probability,
                                  "share of hint examples among an update's examples, for every condition with hints: "
                                  "@shared draws each example as a hint with this chance; @additive adds "
                                  "round(P/(1-P)*batch) hint examples to the batch (P < 1)")
                       ->transform(cli::real(0.0, 1.0))
                       ->default_str(cli::text(quick.conditions.back().hint_probability));
  app.add_option("--hint-form", hint_form,
                 "successor/predecessor hints: one query, or all positions (x1 s(x1) .. xn s(xn))")
      ->transform(cli::one_of({"query", "all-positions"}));
  app.add_flag("--no-repeats", no_repeats, "distinct values in each list (needs --values >= --max-length)");
  app.add_option("--out", out, "results folder")->transform(cli::output_dir())->default_str("results/sorting_<preset>");
  app.add_flag("--double", use_double, "train in double precision (default: float)");
  app.add_flag("--no-resume", no_resume, "do not reuse finished runs or continue from checkpoints in --out");
  app.add_flag("--restart", restart, "start over: discard what previous runs left in --out");
  app.add_flag("--quiet", quiet, "no progress output on stderr");
  std::int64_t stop_at = 0;
  app.add_option("--stop-at", stop_at, "end this session at the first evaluation at or after update N of a run; "
                                       "rerun the same command to continue (a time-boxed session)")
      ->transform(cli::integer<std::int64_t>(1))
      ->default_str("none: train to --steps");
  if (const int rc = cli::parse(app, argc, argv); rc >= 0) return rc;

  // The config: the preset, then the options given; validated before anything is written.
  ge::SortingConfig cfg = preset == "paper"        ? paper
                          : preset == "distinct"   ? distinct
                          : preset == "values100"  ? values100
                          : preset == "values1000" ? values1000
                                                   : quick;
  ge::RunOptions opt;
  opt.resume = !no_resume;
  opt.restart = restart;
  opt.progress = !quiet;
  opt.stop_at = stop_at;
  try {
    if (o_steps->count()) {
      cfg.steps = cfg.optimizer.total_steps = steps;
      // A cosine schedule needs updates after the warmup; a short run (a smoke test, a timing)
      // keeps the schedule's shape by warming up for a tenth of its updates.
      if (cfg.optimizer.warmup_steps >= steps) cfg.optimizer.warmup_steps = steps / 10;
    }
    if (o_batch->count()) cfg.batch_size = batch_size;
    if (o_max->count()) cfg.max_eval_length = max_length;
    if (o_eval->count()) cfg.eval_size_per_length = eval_size;
    if (o_values->count()) cfg.task.num_values = values;
    if (o_train->count()) cfg.task.train_size = train_size;
    if (o_cond->count()) cfg.conditions = parse_conditions(conditions);
    if (no_repeats) cfg.task.repeats = false;
    for (auto& c : cfg.conditions) {
      if (o_hint_p->count()) c.hint_probability = hint_probability;
      c.hint_all_positions = hint_form == "all-positions";
    }
    if (o_seeds->count()) cfg.seeds = cli::parse_integer_list<std::uint64_t>(seeds);
    cfg.validate();  // each condition's training data included
  } catch (const std::invalid_argument& e) {
    return cli::config_error(app, e,
                             {{"steps", "--steps"}, {"total_steps", "--steps"}, {"batch_size", "--batch-size"}, {"max_eval_length", "--max-length"},
                              {"eval_size_per_length", "--eval-size"}, {"num_values", "--values"},
                              {"train_size", "--train-size"}, {"repeats", "--no-repeats"},
                              {"conditions[i].name", "--conditions"}, {"hints.tasks", "--conditions"},
                              {"conditions[i].hint_mixing", "--conditions"},
                              {"conditions[i].hint_probability", "--hint-probability"},
                              {"hints.probability", "--hint-probability"}, {"seeds.size()", "--seeds"}});
  }
  if (out.empty()) out = "results/sorting_" + cfg.name;

  try {
    std::printf("sorting (%s): values 0..%zu, train lengths %zu..%zu, eval 1..%zu (%zu lists each), "
                "%lld layers d %lld NoPE, %lld updates of %lld, %zu condition(s) x %zu seed(s)\n",
                cfg.name.c_str(), cfg.task.num_values - 1, cfg.task.train_min_length, cfg.task.train_max_length,
                cfg.max_eval_length, cfg.eval_size_per_length, static_cast<long long>(cfg.model.n_layers),
                static_cast<long long>(cfg.model.d_model), static_cast<long long>(cfg.steps),
                static_cast<long long>(cfg.batch_size), cfg.conditions.size(), cfg.seeds.size());
    std::fflush(stdout);
    const ge::SortingResult r = ge::run_sorting(cfg, out, opt, use_double);
    if (!r.complete) {
      std::printf("session ended by --stop-at %lld; %zu run(s) finished; rerun the same command to continue\n",
                  static_cast<long long>(stop_at), r.runs.size() - 1);
      return 0;
    }

    // Accuracy by length, one mark per condition (linear x axis drawn via log of 1..max is fine here).
    const char marks[] = "#o*+x%@";
    std::vector<ge::TextSeries> curves;
    for (std::size_t c = 0; c < cfg.conditions.size(); ++c) {
      ge::TextSeries s{marks[c % 7], cfg.conditions[c].name, {}, {}};
      for (const auto& [n, sp] : r.by_condition.at(cfg.conditions[c].name))
        s.x.push_back(static_cast<double>(n)), s.y.push_back(sp.mean);
      curves.push_back(s);
    }
    std::printf("\n%s\n", ge::text_plot(curves, 64, 12, "exact match by list length").c_str());

    // The baseline gate first: a hint comparison reads as the paper's only over its baseline.
    const auto& gate = r.baseline_gate;
    const auto ci = [](const std::optional<genlab::measure::ProportionInterval>& c) {
      char buf[64];
      if (c) std::snprintf(buf, sizeof buf, " [%.4f, %.4f]", c->lower, c->upper);
      else buf[0] = 0;
      return std::string(buf);
    };
    std::printf("baseline gate (Awasthi & Gupta's standard training: >= 0.99 at lengths <= 20, < 0.01 at 100):\n");
    if (gate.at_most_20)
      std::printf("  %s: %.4f%s at <= 20 (95%% Wilson), ", gate.condition.c_str(), *gate.at_most_20,
                  ci(gate.at_most_20_wilson95).c_str());
    if (gate.at_100) std::printf("%.4f%s at 100", *gate.at_100, ci(gate.at_100_wilson95).c_str());
    if (gate.at_most_20 || gate.at_100) std::printf("\n");
    std::printf("  %s: %s\n\n",
                gate.meets_paper_baseline ? (*gate.meets_paper_baseline ? "MEETS" : "DOES NOT MEET") : "NOT JUDGED",
                gate.reason.c_str());

    const std::size_t L = cfg.task.train_max_length;
    std::printf("%-28s %10s %10s %10s %10s %10s\n", "condition", "<=20", "21-24", "25-50", "51-100", "at max");
    // A range with no evaluated length (--max-length below it) shows "-".
    const auto cell = [](std::optional<double> v) {
      char buf[32];
      if (v) std::snprintf(buf, sizeof buf, " %10.3f", *v);
      else std::snprintf(buf, sizeof buf, " %10s", "-");
      return std::string(buf);
    };
    for (const auto& c : cfg.conditions) {
      const auto& m = r.by_condition.at(c.name);
      std::printf("%-28s%s%s%s%s%s\n", c.name.c_str(), cell(r.mean_accuracy(c.name, 1, L)).c_str(),
                  cell(r.mean_accuracy(c.name, L + 1, L + 4)).c_str(), cell(r.mean_accuracy(c.name, 25, 50)).c_str(),
                  cell(r.mean_accuracy(c.name, 51, 100)).c_str(), cell(m.rbegin()->second.mean).c_str());
    }
    std::printf("(mean exact match over %zu seed(s) and the lengths in each range)\n", cfg.seeds.size());

    // What an update costs per condition (expected per update; FLOPs: nn/flops.hpp), and the hint
    // task's own final accuracy on held-out hint examples of the training lengths.
    std::printf("\ncompute per update (mean over seeds) and the hint task's final exact match:\n");
    std::printf("%-28s %8s %8s %8s %14s %10s %10s %10s\n", "condition", "mixing", "sort ex", "hint ex", "graded (hint)",
                "tokens", "MFLOP", "hint acc");
    for (const auto& c : cfg.conditions) {
      const auto& k = r.compute.at(c.name);
      std::string hint_acc = "-";
      if (const auto h = r.hint_exact_match.find(c.name); h != r.hint_exact_match.end()) {
        hint_acc.clear();
        for (const auto& [task, a] : h->second) {
          char buf[48];
          std::snprintf(buf, sizeof buf, "%s%.3f", hint_acc.empty() ? "" : " ", a);
          hint_acc += buf;
        }
      }
      char graded[48];
      std::snprintf(graded, sizeof graded, "%.0f (%.0f)", k.graded_tokens_per_update, k.hint_graded_tokens_per_update);
      std::printf("%-28s %8s %8.1f %8.1f %14s %10.0f %10.1f %10s\n", c.name.c_str(),
                  c.hints.empty() ? "-" : ge::to_string(c.hint_mixing), k.sorting_examples_per_update,
                  k.hint_examples_per_update, graded, k.tokens_per_update, k.flops_per_update / 1e6, hint_acc.c_str());
    }
    // Summed over seeds (first_errors.csv has them per length).
    for (const auto& [lo, hi] : {std::pair<std::size_t, std::size_t>{25, 50}, {51, 100}}) {
      if (lo > cfg.max_eval_length) continue;
      std::printf("\nfirst mistake of the wrong answers at lengths %zu-%zu, all seeds (share of wrong answers):\n", lo, hi);
      std::printf("%-28s %10s %12s %12s %14s %8s\n", "condition", "wrong", "missed copy", "extra copy", "skipped value",
                  "other");
      for (const auto& c : cfg.conditions) {
        const auto e = r.first_errors(c.name, lo, hi);
        const double wrong = static_cast<double>(e.lists - e.exact);
        const auto share = [&](std::size_t k) { return wrong > 0 ? static_cast<double>(k) / wrong : 0.0; };
        std::printf("%-28s %10zu %12.2f %12.2f %14.2f %8.2f\n", c.name.c_str(), e.lists - e.exact,
                    share(e.missed_copy), share(e.extra_copy), share(e.skipped_value), share(e.other));
      }
    }
    std::printf("%.1f s; results in %s/ (accuracy_by_length.csv/png, first_errors.csv, summary.json)\n", r.seconds,
                out.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sorting: error: %s\n", e.what());
    return 1;
  }
}
