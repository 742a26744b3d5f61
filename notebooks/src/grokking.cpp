// %% [markdown]
// # Grokking: delayed generalization on modular addition
//
// Power et al. (2022) found that small transformers trained on a modular arithmetic table first
// **memorize** the training half (train accuracy → 100%, test accuracy at chance) and, long
// afterwards, suddenly **generalize** (*grok*). Nanda et al. (ICLR 2023) reverse-engineered the
// trained network: it computes a + b mod p with a few *key frequencies* w_k = 2πk/p, through
// cos(w_k(a + b − c)), and they defined *progress measures* that move smoothly long before the
// test accuracy jumps:
//
// * **excluded loss**: training loss with the key frequencies' components removed from the
//   logits. It rises as the generalizing circuit takes over the work memorization did.
// * **restricted loss**: loss with the logits kept *only* along the key frequencies. It falls
//   when the circuit alone explains the answers.
// * **Gini coefficient** of the embedding's Fourier norms (sparsity in frequency) and the total
//   **weight norm**, which weight decay shrinks during the final *cleanup* phase.
//
// This notebook reads the results folder written by the example program
// (`build/examples/grokking --quiet --out notebooks/data/grokking_quick`: the `quick` preset,
// p = 53, 50% of the 53² pairs for training, one layer, d_model 64, 4 heads, AdamW lr 1e-3 with
// weight decay 1, full batch, 2,000 updates, seed 0; about 5 minutes on 2 cores). Training is
// far too slow for the unoptimized notebook interpreter, so only its `config.json`,
// `metrics.jsonl` and `summary.json` are loaded here.
// %%
#pragma cling add_include_path("../include")
#include <genlab/notebook.hpp>
#include <genlab/experiments/progress_measures.hpp>
#include <genlab/core/io/json.hpp>
#include <genlab/core/io/gnuplot.hpp>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
namespace ge = genlab::experiments;
namespace core = genlab::core;
std::filesystem::create_directories("figures");
std::cout << "engine: " << genlab::notebook::engine() << "\n";
// %% [markdown]
// ## 1. The run
// %% tags=check
const core::Json summary = core::read_json("data/grokking_quick/summary.json");
const std::vector<core::Json> metrics = core::read_jsonl("data/grokking_quick/metrics.jsonl");
const core::Json& cfg = summary["config"];
std::cout << "task: a " << (cfg["data"]["op"] == "add" ? "+" : "?") << " b mod " << cfg["data"]["p"] << ", "
          << cfg["data"]["train_fraction"].get<double>() * 100 << "% train; model: " << cfg["model"]["n_layers"]
          << " layer, d_model " << cfg["model"]["d_model"] << ", " << cfg["model"]["n_heads"] << " heads, MLP "
          << cfg["model"]["d_mlp"] << "; AdamW lr " << cfg["optimizer"]["lr"] << ", weight decay "
          << cfg["optimizer"]["weight_decay"] << "; " << cfg["steps"] << " full-batch updates\n";
std::cout << "evaluations logged: " << metrics.size() << " (every " << cfg["eval_every"] << " updates)\n";
std::cout << "fit  (train accuracy >= 99%): update " << summary["fit_step"] << "\n"
          << "grok (test accuracy  >= 99%): update " << summary["grok_step"] << "\n"
          << "grok / fit = " << summary["grok_over_fit"].get<double>() << "x\n"
          << std::fixed << std::setprecision(4) << "final train accuracy " << summary["final_train_accuracy"].get<double>()
          << ", test accuracy " << summary["final_test_accuracy"].get<double>() << "\n";
std::cout << "key frequencies at the end:";
for (const auto& k : summary["key_frequencies"]) std::cout << " " << k;
std::cout << "\n" << std::defaultfloat;
// %% [markdown]
// ## 2. Train and test curves
//
// Accuracy and cross-entropy on the training and test halves, on a logarithmic step axis (the
// step-0 evaluation is left out). Test loss *rises* while the table is memorized, then falls
// by orders of magnitude.
// %%
// Helpers are named functions, one per cell: clang-repl-19 can mix up global lambdas of
// identical signature defined in different cells, and Cling wraps everything after the first
// function definition of a cell into a function body, where a second definition is an error.
core::PlotSeries metric_series(const std::vector<core::Json>& rows, const char* key, const char* name) {
  core::PlotSeries s;
  s.name = name;
  for (const auto& r : rows)
    if (r["step"].get<double>() > 0 && !r[key].is_null()) s.x.push_back(r["step"].get<double>()), s.y.push_back(r[key].get<double>());
  return s;
}
// %%
bool plot_grokking_curves(const std::vector<core::Json>& m) {
  const auto series = metric_series;
  core::LinePlot acc;
  acc.title = "Accuracy (p = 53, 50% train)";
  acc.xlabel = "update";
  acc.ylabel = "accuracy";
  acc.logx = true;
  acc.width = 720, acc.height = 380;
  acc.series = {series(m, "train_exact_match", "train"), series(m, "test_exact_match", "test")};
  core::LinePlot loss = acc;
  loss.title = "Cross-entropy (nats)";
  loss.ylabel = "loss";
  loss.logy = true;
  loss.series = {series(m, "train_loss", "train"), series(m, "test_loss", "test")};
  return core::write_line_plot("figures/grokking_accuracy", acc) && core::write_line_plot("figures/grokking_loss", loss);
}
// %%
plot_grokking_curves(metrics);
genlab::notebook::show_image("figures/grokking_accuracy.png");
genlab::notebook::show_image("figures/grokking_loss.png");
// %% [markdown]
// ## 3. Progress measures
//
// The run logs the measures at every evaluation once some MLP neurons are dominated by one
// frequency (more than 85% of a neuron's variance in frequency k's Fourier components); before
// that (updates 0–500 here) there is no key frequency to restrict to and the measures are
// empty. Excluded and restricted loss are computed against the *current* key set, so they jump
// when a frequency joins it (15 at update 550, 26 at 1350, 14 at 1600, 10 at 1750). Between
// jumps, restricted loss falls steadily while the test accuracy climbs; the Gini coefficient of
// the embedding's frequency norms grows throughout (the embedding concentrates on few
// frequencies), and the weight norm, after peaking during memorization, decays under weight
// decay.
// %%
bool plot_grokking_measures(const std::vector<core::Json>& m) {
  const auto series = metric_series;
  core::LinePlot p;
  p.title = "Progress measures";
  p.xlabel = "update";
  p.ylabel = "loss (nats)";
  p.logx = true, p.logy = true;
  p.width = 720, p.height = 380;
  p.series = {series(m, "train_loss", "train loss"), series(m, "test_loss", "test loss"),
              series(m, "excluded_loss", "excluded loss"), series(m, "restricted_loss", "restricted loss")};
  core::LinePlot w;
  w.title = "Weight norm and Fourier sparsity of the embedding";
  w.xlabel = "update";
  w.ylabel = "value";
  w.logx = true;
  w.width = 720, w.height = 380;
  core::PlotSeries norm = series(m, "weight_norm", "weight norm / 30");
  for (auto& y : norm.y) y /= 30.0;
  w.series = {norm, series(m, "gini_embedding", "Gini of embedding frequency norms")};
  return core::write_line_plot("figures/grokking_measures", p) && core::write_line_plot("figures/grokking_norms", w);
}
// %%
plot_grokking_measures(metrics);
genlab::notebook::show_image("figures/grokking_measures.png");
genlab::notebook::show_image("figures/grokking_norms.png");
// %% [markdown]
// The phases, read off the log: **memorization** (train accuracy reaches 99% at update 200 while
// test accuracy is 32%), **circuit formation** (a first key frequency from update 550; test
// accuracy climbs from 49% to 96% by update 1300 as restricted loss falls) and **cleanup** (more
// key frequencies, restricted loss near 0, test accuracy ≥ 99% from update 1450 while the weight
// norm keeps shrinking). With half of the table for training this quick run generalizes
// gradually; Nanda's preset (30% of p = 113) shows the sharper, later jump.
// %%
core::Json metrics_at_step(const std::vector<core::Json>& m, std::int64_t step) {
  for (const auto& r : m)
    if (r["step"].get<std::int64_t>() == step) return r;
  throw std::invalid_argument("no evaluation at update " + std::to_string(step));
}
// %%
genlab::notebook::Table progress_table(const std::vector<core::Json>& m, const std::vector<std::int64_t>& steps) {
  const auto num = [](const core::Json& v, bool scientific, int digits) {
    if (v.is_null()) return std::string("-");
    std::ostringstream s;
    s << (scientific ? std::scientific : std::fixed) << std::setprecision(digits) << v.get<double>();
    return s.str();
  };
  genlab::notebook::Table t;
  t.columns = {"update", "train acc", "test acc", "train loss", "test loss", "excluded", "restricted", "weight norm", "keys"};
  for (std::int64_t step : steps) {
    const core::Json r = metrics_at_step(m, step);
    std::string keys;
    for (const auto& k : r["key_frequencies"]) keys += (keys.empty() ? "" : " ") + k.dump();
    t.rows.push_back({std::to_string(step), num(r["train_exact_match"], false, 3), num(r["test_exact_match"], false, 3),
                      num(r["train_loss"], true, 2), num(r["test_loss"], true, 2), num(r["excluded_loss"], true, 2),
                      num(r["restricted_loss"], true, 2), num(r["weight_norm"], false, 3), keys});
  }
  return t;
}
// %% tags=check
genlab::notebook::show_table(progress_table(metrics, {200, 550, 1000, 1300, 1350, 1450, 1600, 1750, 2000}));
// %% [markdown]
// ## 4. The measures on an ideal circuit
//
// What the measures mean is clearest on logits that *are* the circuit:
// L(a, b, c) = 4 Σ_k cos(w_k(a + b − c)) for key frequencies {2, 5} and p = 11 (the fixture of
// `tests/experiments/progress_measures_test.cpp`). Restricting to the key frequencies changes
// nothing; excluding them leaves constant logits, whose cross-entropy is exactly ln 11 = 2.3979;
// restricting to a wrong frequency also gives ln 11.
// %%
Eigen::MatrixXd ideal_circuit_logits(std::int64_t P, const std::vector<std::int64_t>& keys, double scale) {
  Eigen::MatrixXd L(P * P, P);
  for (std::int64_t a = 0; a < P; ++a)
    for (std::int64_t b = 0; b < P; ++b)
      for (std::int64_t c = 0; c < P; ++c) {
        double v = 0;
        for (auto k : keys) v += std::cos(2 * M_PI * double(k * (a + b - c)) / double(P));
        L(a * P + b, c) = scale * v;
      }
  return L;
}
// %% tags=check
const Eigen::MatrixXd ideal = ideal_circuit_logits(11, {2, 5}, 4.0);
std::cout << std::setprecision(6) << "full loss       " << ge::modular_cross_entropy(ideal, 11) << "\n"
          << "restricted loss " << ge::restricted_loss(ideal, 11, {2, 5}) << "\n"
          << "excluded loss   " << ge::excluded_loss(ideal, 11, {2, 5}, {0, 5, 17, 40, 99, 120}) << "  (ln 11 = "
          << std::log(11.0) << ")\n"
          << "restricted to the wrong frequency {1}: " << ge::restricted_loss(ideal, 11, {1}) << "\n";
