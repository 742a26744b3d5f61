#ifndef GENLAB_EXPERIMENTS_GROKKING_HPP
#define GENLAB_EXPERIMENTS_GROKKING_HPP
// Grokking on modular arithmetic: the protocol of Power et al. 2022 (arXiv 2201.02177) and
// Nanda et al. 2023 (arXiv 2301.05217), as one function over genlab's parts:
//
//   splits::make_modular_dataset  ->  nn::Transformer + nn::Trainer (AdamW, full batch or minibatch)
//   -> every eval_every updates: train/test loss and accuracy, total weight norm, and (for
//      a + b mod p in Nanda's format) the progress measures of experiments/progress_measures.hpp
//   -> a results folder: config.json, metrics.csv/.jsonl, checkpoint/, plots, summary.json.
//
// A killed run resumes from its checkpoint and continues exactly as if never interrupted.
// Presets (spec: shared/papers/length_grokking.md §3):
//   quick  p = 53, 50% train, 1 layer, d 64, 4 heads, MLP 256, AdamW 1e-3 / wd 1 / β (0.9, 0.98),
//          full batch: groks within minutes on a 2-core CPU
//   nanda  p = 113, 30% train, 1 layer, d 128, 4 heads, MLP 512, no LN, full batch (groks ~9–14k)
//   power  x/y mod 97, 50% train, 2 layers, post-LN, batch 512, wd 1 (Power's Fig. 2 setting)

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "genlab/core/io/csv.hpp"
#include "genlab/core/io/gnuplot.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/experiments/progress_measures.hpp"
#include "genlab/nn/config.hpp"
#include "genlab/nn/probes.hpp"
#include "genlab/nn/trainer.hpp"
#include "genlab/splits/modular.hpp"

namespace genlab::experiments {

struct GrokkingConfig {
  std::string name = "quick";
  splits::ModularConfig data;        // p, operation, token format, train fraction, split seed
  nn::ModelConfig model;             // vocab_size and max_seq_len are set from the data
  nn::AdamWConfig optimizer;         // Nanda's defaults: lr 1e-3, wd 1, β (0.9, 0.98), warmup 10
  std::int64_t steps = 3000;         // updates (full batch: one per epoch)
  std::int64_t batch_size = 0;       // 0 = full batch
  std::int64_t eval_every = 50;
  std::int64_t checkpoint_every = 500;
  bool progress_measures = true;     // Nanda's measures at every evaluation (a + b, nanda format only)
  double threshold = 0.99;           // fit / grok: first evaluation with accuracy >= threshold
  std::uint64_t seed = 0;            // model initialization and minibatch order

  void validate() const {
    const char* where = "genlab::experiments::GrokkingConfig::validate";
    data.validate();
    core::require(steps >= 1, where, "steps", steps, ">= 1");
    core::require(batch_size >= 0, where, "batch_size", batch_size, ">= 0 (0 = full batch)");
    core::require(eval_every >= 1, where, "eval_every", eval_every, ">= 1");
    core::require(checkpoint_every >= 0, where, "checkpoint_every", checkpoint_every, ">= 0");
    core::require(threshold > 0 && threshold <= 1, where, "threshold", threshold, "in (0, 1]");
    optimizer.validate();
  }
  /// Whether Nanda's Fourier progress measures apply (they analyse a + b mod p, format "a b =").
  bool measures_apply() const {
    return progress_measures && data.op == splits::ModularOp::add && data.format == splits::ModularFormat::nanda &&
           data.p % 2 == 1;
  }
  core::Json to_json() const {
    core::Json o;
    o["lr"] = optimizer.lr;
    o["beta1"] = optimizer.beta1;
    o["beta2"] = optimizer.beta2;
    o["eps"] = optimizer.eps;
    o["weight_decay"] = optimizer.weight_decay;
    o["warmup_steps"] = optimizer.warmup_steps;
    o["schedule"] = nn::to_string(optimizer.schedule);
    o["grad_clip"] = optimizer.grad_clip;
    return core::Json{{"name", name},          {"data", data.to_json()},         {"model", model.to_json()},
                      {"optimizer", o},        {"steps", steps},                 {"batch_size", batch_size},
                      {"eval_every", eval_every}, {"checkpoint_every", checkpoint_every},
                      {"progress_measures", progress_measures}, {"threshold", threshold}, {"seed", seed}};
  }

  /// p = 53, 50% train, d 64, 4 heads, MLP 256, full batch, 2,000 updates: minutes on 2 cores.
  static GrokkingConfig quick() {
    GrokkingConfig c;
    c.name = "quick";
    c.data.p = 53;
    c.data.train_fraction = 0.5;
    c.model = nn::nanda_grokking_config(53);
    c.model.d_model = 64;
    c.model.d_mlp = 256;
    c.steps = 2000;
    c.eval_every = 50;
    return c;
  }
  /// Nanda et al. 2023 exactly: p = 113, 30% train, 1 layer d 128, full batch, 40k epochs.
  static GrokkingConfig nanda() {
    GrokkingConfig c;
    c.name = "nanda";
    c.data.p = 113;
    c.data.train_fraction = 0.3;
    c.model = nn::nanda_grokking_config(113);
    c.steps = 40000;
    c.eval_every = 100;
    c.checkpoint_every = 1000;
    return c;
  }
  /// Power et al. 2022: x/y mod 97, 50% train, 2 layers post-LN, batch 512, wd 1, 10^5 updates.
  static GrokkingConfig power() {
    GrokkingConfig c;
    c.name = "power";
    c.data.p = 97;
    c.data.op = splits::ModularOp::div;
    c.data.format = splits::ModularFormat::power;
    c.data.train_fraction = 0.5;
    c.model = nn::power_grokking_config(97 + 3, 6);
    c.batch_size = 512;
    c.steps = 100000;
    c.eval_every = 250;
    c.checkpoint_every = 2500;
    c.progress_measures = false;
    return c;
  }
};

/// What a run found. fit_step / grok_step are −1 when the threshold was not reached.
struct GrokkingResult {
  core::Json config;
  std::int64_t steps = 0;
  std::int64_t fit_step = -1;    // first evaluated update with train accuracy >= threshold
  std::int64_t grok_step = -1;   // first evaluated update with test accuracy >= threshold
  double final_train_accuracy = 0, final_test_accuracy = 0;
  double final_train_loss = 0, final_test_loss = 0;
  std::vector<std::int64_t> key_frequencies;   // at the last evaluation (measures only)
  std::vector<core::Json> log;
  double seconds = 0;

  core::Json to_json() const {
    return core::Json{{"config", config},
                      {"steps", steps},
                      {"fit_step", fit_step},
                      {"grok_step", grok_step},
                      {"grok_over_fit", fit_step > 0 && grok_step > 0 ? static_cast<double>(grok_step) / static_cast<double>(fit_step) : 0.0},
                      {"final_train_accuracy", final_train_accuracy},
                      {"final_test_accuracy", final_test_accuracy},
                      {"final_train_loss_nats", final_train_loss},
                      {"final_test_loss_nats", final_test_loss},
                      {"key_frequencies", key_frequencies},
                      {"seconds", seconds}};
  }
};

struct RunOptions {
  bool progress = true;   // progress bar / lines on stderr
  bool resume = true;     // continue from <out>/checkpoint when present
  bool restart = false;   // delete what a previous run left in <out> and start over
  bool plots = true;      // render PNG/SVG through gnuplot when available
};

namespace detail {

/// The progress measures of a model on all p² inputs of a + b mod p (Nanda format).
template <class T>
void add_progress_measures(const nn::Transformer<T>& model, std::int64_t P, const std::vector<std::int64_t>& train_rows,
                           const std::vector<std::int64_t>& test_rows, core::Json& row) {
  std::vector<std::vector<core::Token>> inputs;
  inputs.reserve(static_cast<std::size_t>(P * P));
  for (std::int64_t a = 0; a < P; ++a)
    for (std::int64_t b = 0; b < P; ++b)
      inputs.push_back({static_cast<core::Token>(a), static_cast<core::Token>(b), static_cast<core::Token>(P)});
  const nn::Activations<T> act = nn::run_with_activations(model, inputs);
  const std::int64_t len = act.len, last = len - 1;
  Eigen::MatrixXd logits(P * P, P);
  const auto& mlp = act.mlp_post.back();
  Eigen::MatrixXd neurons(P * P, mlp.cols());
  for (std::int64_t x = 0; x < P * P; ++x) {
    logits.row(x) = act.logits.row(x * len + last).head(P).template cast<double>();
    neurons.row(x) = mlp.row(x * len + last).template cast<double>();
  }
  const NeuronFrequencies nf = key_frequencies(neurons, P, 0.85, 2);
  const Eigen::MatrixXd W_E = model.parameter("embed.W_E").topRows(P).template cast<double>();
  row["key_frequencies"] = nf.key_freqs;
  // Without key frequencies yet there is nothing to restrict to: null, not NaN.
  row["restricted_loss"] = nf.key_freqs.empty() ? core::Json() : core::Json(restricted_loss(logits, P, nf.key_freqs, test_rows));
  row["excluded_loss"] = nf.key_freqs.empty() ? core::Json() : core::Json(excluded_loss(logits, P, nf.key_freqs, train_rows));
  row["gini_embedding"] = gini(frequency_norms(W_E, P));
}

// Fit and grok steps, final metrics and key frequencies of a training log, into res (and res.log).
inline void summarize_log(const std::vector<core::Json>& log, double threshold, GrokkingResult& res) {
  res.log = log;
  for (const auto& row : log) {
    const auto step = row.at("step").get<std::int64_t>();
    if (res.fit_step < 0 && row.at("train_exact_match").get<double>() >= threshold) res.fit_step = step;
    if (res.grok_step < 0 && row.at("test_exact_match").get<double>() >= threshold) res.grok_step = step;
  }
  if (!log.empty()) {
    const auto& last = log.back();
    res.final_train_accuracy = last.at("train_exact_match").get<double>();
    res.final_test_accuracy = last.at("test_exact_match").get<double>();
    res.final_train_loss = last.value("train_loss", 0.0);
    res.final_test_loss = last.value("test_loss", 0.0);
    if (last.contains("key_frequencies") && last.at("key_frequencies").is_array())
      res.key_frequencies = last.at("key_frequencies").get<std::vector<std::int64_t>>();
  }
}

inline void plot_curves(const std::filesystem::path& dir, const std::vector<core::Json>& log, const std::string& title,
                        bool with_measures) {
  auto column = [&](const char* key) {
    std::vector<double> x, y;
    for (const auto& r : log)
      if (r.contains(key) && r.at(key).is_number() && r.at("step").get<std::int64_t>() > 0) {
        x.push_back(r.at("step").get<double>());
        y.push_back(r.at(key).get<double>());
      }
    return std::make_pair(x, y);
  };
  auto series = [&](const char* name, const char* key) {
    auto [x, y] = column(key);
    return core::PlotSeries{name, x, y, "lines"};
  };
  core::LinePlot acc;
  acc.title = title + ": accuracy";
  acc.xlabel = "update";
  acc.ylabel = "accuracy";
  acc.logx = true;
  acc.ymin = 0, acc.ymax = 1.02;
  acc.series = {series("train", "train_exact_match"), series("test", "test_exact_match")};
  if (!acc.series[0].x.empty()) core::write_line_plot(dir / "accuracy", acc);
  core::LinePlot loss;
  loss.title = title + ": loss (nats)";
  loss.xlabel = "update";
  loss.ylabel = "cross-entropy (nats)";
  loss.logx = loss.logy = true;
  loss.series = {series("train", "train_loss"), series("test", "test_loss")};
  if (with_measures) {
    loss.series.push_back(series("restricted (test)", "restricted_loss"));
    loss.series.push_back(series("excluded (train)", "excluded_loss"));
  }
  // A log axis cannot show zeros: keep positive points only.
  for (auto& s : loss.series) {
    std::vector<double> x, y;
    for (std::size_t i = 0; i < s.x.size(); ++i)
      if (s.y[i] > 0 && std::isfinite(s.y[i])) x.push_back(s.x[i]), y.push_back(s.y[i]);
    s.x = x, s.y = y;
  }
  if (!loss.series[0].x.empty()) core::write_line_plot(dir / "loss", loss);
}

template <class T>
GrokkingResult run_grokking_typed(const GrokkingConfig& config_in, const std::filesystem::path& out, const RunOptions& opt) {
  GrokkingConfig config = config_in;
  config.validate();
  const core::Dataset ds = splits::make_modular_dataset(config.data);
  const auto& train = ds.split("train");
  const auto& test = ds.split("test");
  config.model.vocab_size = static_cast<std::int64_t>(ds.vocab().size());
  config.model.max_seq_len = static_cast<std::int64_t>(train.front().size()) - 1;
  config.model.validate();
  std::filesystem::create_directories(out);
  core::Json cfg_json = config.to_json();
  cfg_json["data_fingerprint"] = ds.config().value("fingerprint", core::Json());
  core::write_json(out / "config.json", cfg_json);

  nn::Transformer<T> model(config.model, config.seed);
  nn::AdamWConfig adam = config.optimizer;
  nn::TrainConfig tc;
  tc.steps = config.steps;
  tc.batch_size = config.batch_size;
  tc.data_seed = config.seed;
  tc.eval_every = config.eval_every;
  tc.checkpoint_every = config.checkpoint_every;
  tc.checkpoint_dir = out / "checkpoint";
  tc.resume = opt.resume;
  tc.log_csv = out / "metrics.csv";
  tc.log_jsonl = out / "metrics.jsonl";
  tc.progress = opt.progress;
  nn::Trainer<T> trainer(model, adam, tc);
  trainer.add_eval("train", train);
  trainer.add_eval("test", test);

  const bool measures = config.measures_apply();
  const std::int64_t P = config.data.p;
  std::vector<std::int64_t> train_rows, test_rows;
  if (measures) {
    for (const auto& s : train) train_rows.push_back(s.tokens[0] * P + s.tokens[1]);
    for (const auto& s : test) test_rows.push_back(s.tokens[0] * P + s.tokens[1]);
  }
  trainer.on_eval([&](std::int64_t, core::Json& row, const nn::Transformer<T>& m) {
    double sq = 0;
    for (T v : m.parameters()) sq += static_cast<double>(v) * static_cast<double>(v);
    row["weight_norm"] = std::sqrt(sq);
    if (measures) add_progress_measures(m, P, train_rows, test_rows, row);
    return true;
  });
  const nn::TrainResult tr = trainer.train(train);

  GrokkingResult res;
  res.config = cfg_json;
  res.steps = tr.steps;
  res.seconds = tr.seconds;
  summarize_log(tr.log, config.threshold, res);
  core::write_json(out / "summary.json", res.to_json());
  if (opt.plots) plot_curves(out, tr.log, "grokking " + config.name, measures);
  return res;
}

}  // namespace detail

/// The summary and plots of a run folder from its training log alone, for a run that is still
/// going or was stopped: reads <dir>/metrics.jsonl (and the threshold and name from
/// <dir>/config.json), writes <dir>/accuracy.{png,svg} and <dir>/loss.{png,svg} when `plots`,
/// and returns the fit and grok steps, the last logged metrics and key frequencies (steps = the
/// last logged update, seconds = 0). Throws core::IoError if the folder has no log.
inline GrokkingResult grokking_result_from_log(const std::filesystem::path& dir, bool plots = true) {
  const auto log_path = dir / "metrics.jsonl";
  if (!std::filesystem::exists(log_path))
    throw core::IoError("genlab::experiments::grokking_result_from_log: no training log " + log_path.string());
  GrokkingResult res;
  res.config = core::read_json(dir / "config.json");
  detail::summarize_log(core::read_jsonl(log_path), res.config.value("threshold", 0.99), res);
  if (!res.log.empty()) res.steps = res.log.back().at("step").get<std::int64_t>();
  const bool measures = std::any_of(res.log.begin(), res.log.end(), [](const core::Json& r) {
    return r.contains("restricted_loss") && r.at("restricted_loss").is_number();
  });
  if (plots) detail::plot_curves(dir, res.log, "grokking " + res.config.value("name", std::string("run")), measures);
  return res;
}

/// Runs (or resumes) a grokking experiment and writes its results folder `out`. `use_double`
/// selects the scalar of the model (float is faster; the loss is accumulated in double either way).
inline GrokkingResult run_grokking(const GrokkingConfig& config, const std::filesystem::path& out,
                                   const RunOptions& options = {}, bool use_double = false) {
  return use_double ? detail::run_grokking_typed<double>(config, out, options)
                    : detail::run_grokking_typed<float>(config, out, options);
}

}  // namespace genlab::experiments

#endif  // GENLAB_EXPERIMENTS_GROKKING_HPP
