// Sorting length generalization 20 -> 100 (Awasthi & Gupta 2023), end to end.
//
//   sorting                                   quick preset: standard vs successor hint, 3 seeds
//   sorting --conditions standard,successor,tempered,successor+tempered --seeds 0,1,2
//   sorting --preset distinct                 distinct values 0..127, 6,000 updates, 4 conditions
//   sorting --preset paper                    values 0..99, 4 layers d 128, 50k updates (GPU-class)
//   sorting --conditions standard,successor --hint-probability 0.25 --hint-form all-positions
//   options: --steps N --max-length N --eval-size N --values V --train-size N --no-repeats (distinct
//            values) --out DIR --double
//            --no-resume --quiet
// Writes DIR/{config.json, accuracy_by_length.csv/png/svg, first_errors.csv, summary.json,
// <condition>/seed_<s>/...};
// finished runs are skipped and a killed run resumes from its checkpoint.

#include <genlab/experiments/sorting.hpp>
#include <genlab/experiments/text_plot.hpp>

#include <cstdio>
#include <sstream>
#include <string>

namespace ge = genlab::experiments;

namespace {
std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) if (!item.empty()) out.push_back(item);
  return out;
}
}  // namespace

int main(int argc, char** argv) try {
  std::string preset = "quick", out, conditions, seeds, hint_form = "query";
  double hint_probability = -1;  // < 0: the condition's default
  ge::RunOptions opt;
  bool use_double = false, no_repeats = false;
  std::vector<std::pair<std::string, std::string>> overrides;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument("option " + a + " needs a value");
      return argv[++i];
    };
    if (a == "--preset") preset = value();
    else if (a == "--out") out = value();
    else if (a == "--conditions") conditions = value();
    else if (a == "--seeds") seeds = value();
    else if (a == "--hint-probability") hint_probability = std::stod(value());
    else if (a == "--hint-form") hint_form = value();
    else if (a == "--no-repeats") no_repeats = true;
    else if (a == "--double") use_double = true;
    else if (a == "--no-resume") opt.resume = false;
    else if (a == "--quiet") opt.progress = false;
    else if (a == "--steps" || a == "--max-length" || a == "--eval-size" || a == "--values" || a == "--train-size")
      overrides.emplace_back(a, value());
    else {
      std::fprintf(stderr,
                   "usage: sorting [--preset quick|distinct|paper] [--conditions a,b] [--seeds 0,1,2] [--steps N]\n"
                   "               [--max-length N] [--eval-size N] [--values V] [--train-size N] [--out DIR]\n"
                   "               [--hint-probability P] [--hint-form query|all-positions]\n"
                   "               [--no-repeats] [--double] [--no-resume] [--quiet]\n"
                   "conditions: standard successor predecessor count fill parity tempered log_n and\n"
                   "            combinations joined by '+', e.g. successor+tempered\n");
      return 2;
    }
  }
  if (preset != "quick" && preset != "distinct" && preset != "paper")
    throw std::invalid_argument("--preset '" + preset + "': expected quick, distinct or paper");
  ge::SortingConfig cfg = preset == "paper"      ? ge::SortingConfig::paper()
                          : preset == "distinct" ? ge::SortingConfig::distinct()
                                                 : ge::SortingConfig::quick();
  for (const auto& [k, v] : overrides) {
    if (k == "--steps") cfg.steps = cfg.optimizer.total_steps = std::stoll(v);
    else if (k == "--max-length") cfg.max_eval_length = std::stoul(v);
    else if (k == "--eval-size") cfg.eval_size_per_length = std::stoul(v);
    else if (k == "--values") cfg.task.num_values = std::stoul(v);
    else if (k == "--train-size") cfg.task.train_size = std::stoul(v);
  }
  if (!conditions.empty()) {
    cfg.conditions.clear();
    for (const auto& name : split_list(conditions)) {
      ge::SortingCondition c;
      c.name = name;
      std::stringstream ss(name);
      std::string piece;
      while (std::getline(ss, piece, '+')) {
        if (piece == "standard") continue;
        if (piece == "tempered") c.attention = genlab::nn::AttentionScale::tempered;
        else if (piece == "log_n") c.attention = genlab::nn::AttentionScale::log_n;
        else c.hints.push_back(genlab::splits::hint_task_from_string(piece));
      }
      cfg.conditions.push_back(c);
    }
  }
  if (no_repeats) cfg.task.repeats = false;
  if (hint_form != "query" && hint_form != "all-positions")
    throw std::invalid_argument("--hint-form '" + hint_form + "': expected query or all-positions");
  for (auto& c : cfg.conditions) {
    if (hint_probability >= 0) c.hint_probability = hint_probability;
    c.hint_all_positions = hint_form == "all-positions";
  }
  if (!seeds.empty()) {
    cfg.seeds.clear();
    for (const auto& s : split_list(seeds)) cfg.seeds.push_back(std::stoull(s));
  }
  if (out.empty()) out = "results/sorting_" + cfg.name;

  std::printf("sorting (%s): values 0..%zu, train lengths %zu..%zu, eval 1..%zu (%zu lists each), "
              "%lld layers d %lld NoPE, %lld updates of %lld, %zu condition(s) x %zu seed(s)\n",
              cfg.name.c_str(), cfg.task.num_values - 1, cfg.task.train_min_length, cfg.task.train_max_length,
              cfg.max_eval_length, cfg.eval_size_per_length, static_cast<long long>(cfg.model.n_layers),
              static_cast<long long>(cfg.model.d_model), static_cast<long long>(cfg.steps),
              static_cast<long long>(cfg.batch_size), cfg.conditions.size(), cfg.seeds.size());
  std::fflush(stdout);
  const ge::SortingResult r = ge::run_sorting(cfg, out, opt, use_double);

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
  const std::size_t L = cfg.task.train_max_length;
  std::printf("%-22s %10s %10s %10s %10s %10s\n", "condition", "<=20", "21-24", "25-50", "51-100", "at max");
  for (const auto& c : cfg.conditions) {
    const auto& m = r.by_condition.at(c.name);
    std::printf("%-22s %10.3f %10.3f %10.3f %10.3f %10.3f\n", c.name.c_str(), r.mean_accuracy(c.name, 1, L),
                r.mean_accuracy(c.name, L + 1, L + 4), r.mean_accuracy(c.name, 25, 50), r.mean_accuracy(c.name, 51, 100),
                m.rbegin()->second.mean);
  }
  std::printf("(mean exact match over %zu seed(s) and the lengths in each range)\n", cfg.seeds.size());
  std::printf("\nfirst mistake of the wrong answers at lengths 25-50 (share of wrong answers):\n");
  std::printf("%-22s %10s %12s %12s %14s %8s\n", "condition", "wrong", "missed copy", "extra copy", "skipped value", "other");
  for (const auto& c : cfg.conditions) {
    const auto e = r.first_errors(c.name, 25, 50);
    const double wrong = static_cast<double>(e.lists - e.exact);
    const auto share = [&](std::size_t k) { return wrong > 0 ? static_cast<double>(k) / wrong : 0.0; };
    std::printf("%-22s %10zu %12.2f %12.2f %14.2f %8.2f\n", c.name.c_str(), e.lists - e.exact, share(e.missed_copy),
                share(e.extra_copy), share(e.skipped_value), share(e.other));
  }
  std::printf("%.1f s; results in %s/ (accuracy_by_length.csv/png, summary.json)\n", r.seconds, out.c_str());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "sorting: error: %s\n", e.what());
  return 1;
}
