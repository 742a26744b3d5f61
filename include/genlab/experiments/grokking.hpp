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
// Presets (Power et al., "Grokking: Generalization Beyond Overfitting on Small Algorithmic
// Datasets", arXiv 2201.02177; Nanda et al., "Progress measures for grokking via mechanistic
// interpretability", ICLR 2023, arXiv 2301.05217, training setup):
//   quick  p = 53, 50% train, 1 layer, d 64, 4 heads, MLP 256, AdamW 1e-3 / wd 1 / β (0.9, 0.98),
//          full batch: groks within minutes on a 2-core CPU
//   nanda  p = 113, 30% train, 1 layer, d 128, 4 heads, MLP 512, no LN, full batch (groks ~9–14k)
//   power  x/y mod 97, 50% train, 2 layers, post-LN, batch 512, wd 1 (Power's Fig. 2 setting)

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "genlab/core/io/csv.hpp"
#include "genlab/core/io/gnuplot.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/experiments/progress_measures.hpp"
#include "genlab/experiments/run.hpp"
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
  /// Every parameter of the experiment (nlohmann's macro below: the keys are the field names; the
  /// data as its generator records it; the optimizer in full).
  core::Json to_json() const;

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

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(GrokkingConfig, name, data, model, optimizer, steps, batch_size,
                                                eval_every, checkpoint_every, progress_measures, threshold, seed)
inline core::Json GrokkingConfig::to_json() const {
  core::Json j = *this;
  j["data"] = data.to_json();  // with the generator's name, as the dataset's own config records it
  return j;
}

/// One evaluation of a grokking run: a row of metrics.csv / metrics.jsonl, typed. Values that a
/// row does not have are empty, never a made-up number: the update-0 row has no learning rate or
/// gradient norm, runs without Nanda's measures have none of them, and the restricted and excluded
/// losses exist only once key frequencies do.
struct GrokkingEval {
  std::int64_t step = 0;
  std::optional<double> lr, grad_norm;                  // of the update that led here
  double train_loss = 0, train_token_acc = 0, train_exact_match = 0;  // teacher-forced, nats
  double test_loss = 0, test_token_acc = 0, test_exact_match = 0;
  std::optional<double> weight_norm;                    // L2 norm of all parameters
  std::vector<std::int64_t> key_frequencies;            // Nanda et al. 2023, §5.1
  std::optional<double> restricted_loss, excluded_loss, gini_embedding;

  /// The typed view of a training-log row as the trainer writes it (null or absent = empty).
  /// Throws core::FileFormatError naming `source` if a required metric is missing or not a number.
  static GrokkingEval from_log_row(const core::Json& row, const std::string& source = "training log") {
    const auto required = [&](const char* k) {
      if (!row.contains(k) || !row.at(k).is_number())
        throw core::FileFormatError(source, std::string("row without a number for '") + k + "': " + row.dump());
      return row.at(k).get<double>();
    };
    // In memory the trainer's update-0 row holds NaN where its file holds null: both are "none".
    const auto optional = [&](const char* k) -> std::optional<double> {
      if (!row.contains(k) || !row.at(k).is_number() || !std::isfinite(row.at(k).get<double>())) return std::nullopt;
      return row.at(k).get<double>();
    };
    GrokkingEval e;
    e.step = static_cast<std::int64_t>(required("step"));
    e.lr = optional("lr"), e.grad_norm = optional("grad_norm");
    e.train_loss = required("train_loss"), e.train_token_acc = required("train_token_acc");
    e.train_exact_match = required("train_exact_match");
    e.test_loss = required("test_loss"), e.test_token_acc = required("test_token_acc");
    e.test_exact_match = required("test_exact_match");
    e.weight_norm = optional("weight_norm");
    if (row.contains("key_frequencies") && row.at("key_frequencies").is_array())
      e.key_frequencies = row.at("key_frequencies").get<std::vector<std::int64_t>>();
    e.restricted_loss = optional("restricted_loss"), e.excluded_loss = optional("excluded_loss");
    e.gini_embedding = optional("gini_embedding");
    return e;
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
  std::vector<GrokkingEval> log;               // every evaluation, in order
  double seconds = 0;                          // wall time of the whole run, across resumes

  core::Json to_json() const {
    return core::Json{{"config", config},
                      {"steps", steps},
                      {"fit_step", fit_step},
                      {"grok_step", grok_step},
                      {"grok_over_fit", fit_step > 0 && grok_step > 0
                                            ? core::Json(static_cast<double>(grok_step) / static_cast<double>(fit_step))
                                            : core::Json()},
                      {"final_train_accuracy", final_train_accuracy},
                      {"final_test_accuracy", final_test_accuracy},
                      {"final_train_loss_nats", final_train_loss},
                      {"final_test_loss_nats", final_test_loss},
                      {"key_frequencies", key_frequencies},
                      {"seconds", seconds}};
  }
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
inline void summarize_log(const std::vector<core::Json>& rows, const std::string& source, double threshold,
                          GrokkingResult& res) {
  res.log.clear();
  for (const auto& row : rows) res.log.push_back(GrokkingEval::from_log_row(row, source));
  for (const auto& e : res.log) {
    if (res.fit_step < 0 && e.train_exact_match >= threshold) res.fit_step = e.step;
    if (res.grok_step < 0 && e.test_exact_match >= threshold) res.grok_step = e.step;
  }
  if (!res.log.empty()) {
    const auto& last = res.log.back();
    res.final_train_accuracy = last.train_exact_match;
    res.final_test_accuracy = last.test_exact_match;
    res.final_train_loss = last.train_loss;
    res.final_test_loss = last.test_loss;
    res.key_frequencies = last.key_frequencies;
  }
}

inline void plot_curves(const std::filesystem::path& dir, const std::vector<GrokkingEval>& log, const std::string& title,
                        bool with_measures) {
  // One series from the rows after update 0 (a log axis), keeping only positive finite values when
  // `positive` (a log axis cannot show zeros) and skipping rows without the metric.
  auto series = [&](const char* name, auto metric, bool positive) {
    core::PlotSeries s{name, {}, {}, "lines"};
    for (const auto& e : log) {
      const std::optional<double> y = metric(e);
      if (e.step <= 0 || !y || (positive && !(*y > 0 && std::isfinite(*y)))) continue;
      s.x.push_back(static_cast<double>(e.step));
      s.y.push_back(*y);
    }
    return s;
  };
  using Opt = std::optional<double>;
  core::LinePlot acc;
  acc.title = title + ": accuracy";
  acc.xlabel = "update";
  acc.ylabel = "accuracy";
  acc.logx = true;
  acc.ymin = 0, acc.ymax = 1.02;
  acc.series = {series("train", [](const GrokkingEval& e) { return Opt(e.train_exact_match); }, false),
                series("test", [](const GrokkingEval& e) { return Opt(e.test_exact_match); }, false)};
  if (!acc.series[0].x.empty()) core::write_line_plot(dir / "accuracy", acc);
  core::LinePlot loss;
  loss.title = title + ": loss (nats)";
  loss.xlabel = "update";
  loss.ylabel = "cross-entropy (nats)";
  loss.logx = loss.logy = true;
  loss.series = {series("train", [](const GrokkingEval& e) { return Opt(e.train_loss); }, true),
                 series("test", [](const GrokkingEval& e) { return Opt(e.test_loss); }, true)};
  if (with_measures) {
    loss.series.push_back(series("restricted (test)", [](const GrokkingEval& e) { return e.restricted_loss; }, true));
    loss.series.push_back(series("excluded (train)", [](const GrokkingEval& e) { return e.excluded_loss; }, true));
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
  // The run's identity: the whole config, the scalar type and the data actually generated.
  core::Json cfg_json = config.to_json();
  cfg_json["data_fingerprint"] = ds.config().at("fingerprint_fnv1a64");
  cfg_json["scalar"] = std::is_same_v<T, float> ? "float32" : "float64";
  const RunFolder run = open_run(out, cfg_json, opt);
  const RunClock clock(run);

  nn::Transformer<T> model(config.model, config.seed);
  const nn::TrainConfig tc =
      run_train_config(run, config.steps, config.batch_size, config.seed, config.eval_every, config.checkpoint_every, opt);
  nn::Trainer<T> trainer(model, config.optimizer, tc);
  trainer.add_eval("train", train);
  trainer.add_eval("test", test);

  const bool measures = config.measures_apply();
  const std::int64_t P = config.data.p;
  std::vector<std::int64_t> train_rows, test_rows;
  if (measures) {
    for (const auto& s : train) train_rows.push_back(s.tokens[0] * P + s.tokens[1]);
    for (const auto& s : test) test_rows.push_back(s.tokens[0] * P + s.tokens[1]);
  }
  trainer.on_eval([&](std::int64_t step, core::Json& row, const nn::Transformer<T>& m) {
    double sq = 0;
    for (T v : m.parameters()) sq += static_cast<double>(v) * static_cast<double>(v);
    row["weight_norm"] = std::sqrt(sq);
    if (measures) add_progress_measures(m, P, train_rows, test_rows, row);
    clock.record();
    return opt.stop_at <= 0 || step < opt.stop_at;
  });
  const nn::TrainResult tr = trainer.train(train);

  GrokkingResult res;
  res.config = cfg_json;
  res.steps = tr.steps;
  res.seconds = clock.record();  // the whole run, across resumes
  summarize_log(tr.log, (out / "metrics.jsonl").string(), config.threshold, res);
  core::write_json(out / "summary.json", res.to_json());
  if (opt.plots) plot_curves(out, res.log, "grokking " + config.name, measures);
  return res;
}

}  // namespace detail

/// The summary and plots of a run folder from its training log alone, for a run that is still
/// going or was stopped: reads <dir>/metrics.jsonl (and the threshold and name from
/// <dir>/config.json), writes <dir>/accuracy.{png,svg} and <dir>/loss.{png,svg} when `plots`,
/// and returns the fit and grok steps, the last logged metrics and key frequencies (steps = the
/// last logged update, seconds = the time recorded in time.json). Throws core::IoError if the folder has no log.
inline GrokkingResult grokking_result_from_log(const std::filesystem::path& dir, bool plots = true) {
  const auto log_path = dir / "metrics.jsonl";
  if (!std::filesystem::exists(log_path))
    throw core::IoError("genlab::experiments::grokking_result_from_log: no training log " + log_path.string());
  GrokkingResult res;
  res.config = core::read_json(dir / "config.json");
  detail::summarize_log(core::read_jsonl(log_path), log_path.string(), res.config.value("threshold", 0.99), res);
  if (!res.log.empty()) res.steps = res.log.back().step;
  const auto time_file = dir / "time.json";
  if (std::filesystem::exists(time_file)) res.seconds = core::read_json(time_file).value("seconds", 0.0);
  const bool measures = std::any_of(res.log.begin(), res.log.end(),
                                    [](const GrokkingEval& e) { return e.restricted_loss.has_value(); });
  if (plots) detail::plot_curves(dir, res.log, "grokking " + res.config.value("name", std::string("run")), measures);
  return res;
}

/// Runs (or resumes) a grokking experiment and writes its results folder `out`. `use_double`
/// selects the scalar of the model (float is faster; the loss is accumulated in double either way).
/// A template only so that a translation unit that includes this header without calling it does not
/// compile the trainer twice (float and double): call it as a plain function.
template <class Deferred = void>
GrokkingResult run_grokking(const GrokkingConfig& config, const std::filesystem::path& out,
                            const RunOptions& options = {}, bool use_double = false) {
  return use_double ? detail::run_grokking_typed<double>(config, out, options)
                    : detail::run_grokking_typed<float>(config, out, options);
}

}  // namespace genlab::experiments

#endif  // GENLAB_EXPERIMENTS_GROKKING_HPP
