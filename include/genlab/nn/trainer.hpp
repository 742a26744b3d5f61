#ifndef GENLAB_NN_TRAINER_HPP
#define GENLAB_NN_TRAINER_HPP
// The training loop: full-batch or shuffled minibatch AdamW steps, evaluation every N updates on
// named sets (logged as CSV and JSON Lines), atomic checkpoints, and exact resume: minibatch
// order is a function of (data_seed, epoch) and everything else lives in the checkpoint, so a
// run killed and resumed produces the same losses bit for bit as one never interrupted.
// Additive multitask batches (train(data, extra)): every update takes the batch of `data` that
// train(data) would take plus extra_batch_size examples of a second set, shuffled by its own
// stream, so the main task sees exactly the examples it sees when trained alone.
// Resuming refuses a checkpoint written with other settings (model, precision, optimizer,
// batching, the caller's identity) and never silently starts over when the checkpoint folder
// holds something it cannot read.

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "genlab/core/io/csv.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/io/json_diff.hpp"
#include "genlab/core/progress.hpp"
#include "genlab/core/random.hpp"
#include "genlab/nn/adamw.hpp"
#include "genlab/nn/batch.hpp"
#include "genlab/nn/checkpoint.hpp"

namespace genlab::nn {

/// Loop settings.
struct TrainConfig {
  std::int64_t steps = 1000;            // total updates (a resumed run continues up to this)
  std::int64_t batch_size = 0;          // 0 = full batch: one update per epoch on all data
  std::uint64_t data_seed = 0;          // minibatch order: epoch e is a Philox(data_seed, e) shuffle
  std::int64_t eval_every = 100;        // evaluate and log every this many updates (0 = never)
  std::int64_t checkpoint_every = 0;    // 0 = only at the end (if checkpoint_dir is set)
  std::filesystem::path checkpoint_dir; // empty = no checkpoints
  bool resume = true;                   // continue from checkpoint_dir when it holds a checkpoint
  std::filesystem::path log_csv;        // empty = no CSV log
  std::filesystem::path log_jsonl;      // empty = no JSONL log
  std::int64_t rows_per_shard = 512;    // see Workspace
  /// train(data, extra) only: examples of `extra` added to every update's batch (>= 1): update u
  /// takes positions u·E .. u·E + E − 1 of the sequence of epochs of `extra`, epoch e in the order
  /// of a Philox(extra_data_seed, e) shuffle (an update may straddle two epochs, so every update
  /// has exactly E of them).
  std::int64_t extra_batch_size = 0;
  std::uint64_t extra_data_seed = 0;
  bool progress = false;                // progress line on stderr
  /// The caller's description of what is trained (task, data fingerprint, ...): stored in the
  /// checkpoint and compared on resume, so that a checkpoint of another run is refused with the
  /// differing keys named. Any JSON; null = none. Checkpoints written before this field existed
  /// are not compared.
  core::Json identity;

  void validate() const {
    const char* where = "genlab::nn::TrainConfig::validate";
    core::require(steps >= 0, where, "steps", steps, ">= 0");
    core::require(batch_size >= 0, where, "batch_size", batch_size, ">= 0 (0 = full batch)");
    core::require(eval_every >= 0, where, "eval_every", eval_every, ">= 0");
    core::require(checkpoint_every >= 0, where, "checkpoint_every", checkpoint_every, ">= 0");
    core::require(rows_per_shard >= 1, where, "rows_per_shard", rows_per_shard, ">= 1");
    core::require(extra_batch_size >= 0, where, "extra_batch_size", extra_batch_size, ">= 0");
  }
};

/// What a run did: the training loss of every update (nats, the batch's loss before the update)
/// and the logged evaluation rows.
struct TrainResult {
  std::int64_t steps = 0;
  std::vector<double> train_loss_nats;
  std::vector<core::Json> log;
  double seconds = 0;
};

/// Trains a model in place. Usage:
///   Trainer<float> t(model, adam_cfg, train_cfg);
///   t.add_eval("test", test_set);
///   TrainResult r = t.train(train_set);
template <class T>
class Trainer {
 public:
  /// Called at every evaluation with the row being logged (add metrics to it) and the model;
  /// return false to stop training after this evaluation.
  using EvalCallback = std::function<bool(std::int64_t step, core::Json& row, const Transformer<T>& model)>;
  /// Called before every update with the update's index, the examples (the main set, then the
  /// extra set, if any) and the indices of those in its batch: to inspect or record batches.
  using BatchCallback =
      std::function<void(std::int64_t step, const std::vector<core::Sequence>& examples, const std::vector<std::size_t>& batch)>;

  Trainer(Transformer<T>& model, const AdamWConfig& opt, const TrainConfig& cfg)
      : model_(model), opt_(opt), cfg_(cfg) {
    cfg_.validate();
    ws_.rows_per_shard = cfg_.rows_per_shard;
  }

  /// Evaluates `data` (teacher-forced loss, token accuracy, exact match) at every evaluation,
  /// logged as <name>_loss, <name>_token_acc, <name>_exact_match. `data` must outlive train().
  void add_eval(const std::string& name, const std::vector<core::Sequence>& data) { evals_.push_back({name, &data}); }
  void on_eval(EvalCallback cb) { callback_ = std::move(cb); }
  void on_batch(BatchCallback cb) { batch_hook_ = std::move(cb); }
  AdamW<T>& optimizer() { return opt_; }
  Workspace<T>& workspace() { return ws_; }

  /// Runs updates until cfg.steps (resuming from the checkpoint if asked). Throws
  /// std::runtime_error if the loss becomes NaN or infinite.
  TrainResult train(const std::vector<core::Sequence>& data) { return train(data, {}); }

  /// Additive multitask training: every update's batch is the one train(data) would use plus
  /// exactly extra_batch_size examples of `extra` (see TrainConfig::extra_batch_size); the loss is
  /// the mean over the graded tokens of both. `extra` empty is train(data). Throws
  /// std::invalid_argument if `extra` is not empty and cfg.extra_batch_size is 0. Copies data and
  /// extra into one set (O(their size) memory).
  TrainResult train(const std::vector<core::Sequence>& data, const std::vector<core::Sequence>& extra) {
    const char* where = "genlab::nn::Trainer::train";
    core::require(!data.empty(), where, "data.size()", data.size(), ">= 1");
    core::require(extra.empty() || cfg_.extra_batch_size >= 1, where, "extra_batch_size", cfg_.extra_batch_size,
                  ">= 1 when extra examples are given (" + std::to_string(extra.size()) + ")");
    const auto start = std::chrono::steady_clock::now();
    TrainResult res;
    std::int64_t step = 0;
    has_extra_ = !extra.empty();
    if (!cfg_.checkpoint_dir.empty() && cfg_.resume) step = resume(res);
    const std::size_t N = data.size(), M = extra.size();
    const std::size_t B = cfg_.batch_size == 0 ? N : std::min<std::size_t>(N, static_cast<std::size_t>(cfg_.batch_size));
    const std::int64_t per_epoch = static_cast<std::int64_t>((N + B - 1) / B);
    // The extra set follows the main one in a joined copy (indices N..N+M-1), so a batch of both
    // is one index list for batch_loss_and_grad.
    std::vector<core::Sequence> joined;
    if (M > 0) {
      joined.reserve(N + M);
      joined.insert(joined.end(), data.begin(), data.end());
      joined.insert(joined.end(), extra.begin(), extra.end());
    }
    const std::vector<core::Sequence>& all = M > 0 ? joined : data;
    const std::size_t E = M > 0 ? static_cast<std::size_t>(cfg_.extra_batch_size) : 0;
    std::vector<std::size_t> perm(N), batch, extra_perm(M);
    std::int64_t perm_epoch = -1, extra_perm_epoch = -1;
    std::vector<T> grad;
    core::ProgressOptions po;
    po.quiet = !cfg_.progress;
    core::Progress progress("train", static_cast<std::size_t>(cfg_.steps), po);
    progress.set(static_cast<std::size_t>(step));
    bool keep_going = true;
    if (step == 0 && cfg_.eval_every > 0 && res.log.empty()) keep_going = evaluate_and_log(0, res, NAN, 0.0, NAN);
    while (keep_going && step < cfg_.steps) {
      // The batch of update `step`.
      const std::int64_t epoch = step / per_epoch, j = step % per_epoch;
      if (B == N) {
        batch.resize(N);
        for (std::size_t i = 0; i < N; ++i) batch[i] = i;
      } else {
        if (epoch != perm_epoch) {
          for (std::size_t i = 0; i < N; ++i) perm[i] = i;
          core::Philox4x32 g = core::philox_stream(cfg_.data_seed, static_cast<std::uint64_t>(epoch));
          core::shuffle(perm.begin(), perm.end(), g);
          perm_epoch = epoch;
        }
        const std::size_t lo = static_cast<std::size_t>(j) * B, hi = std::min(N, lo + B);
        batch.assign(perm.begin() + static_cast<std::ptrdiff_t>(lo), perm.begin() + static_cast<std::ptrdiff_t>(hi));
      }
      for (std::size_t i = 0; i < E; ++i) {  // the extra examples of this update, after the main ones
        const std::uint64_t pos = static_cast<std::uint64_t>(step) * E + i;
        const auto extra_epoch = static_cast<std::int64_t>(pos / M);
        if (extra_epoch != extra_perm_epoch) {
          for (std::size_t k = 0; k < M; ++k) extra_perm[k] = N + k;
          core::Philox4x32 g = core::philox_stream(cfg_.extra_data_seed, static_cast<std::uint64_t>(extra_epoch));
          core::shuffle(extra_perm.begin(), extra_perm.end(), g);
          extra_perm_epoch = extra_epoch;
        }
        batch.push_back(extra_perm[pos % M]);
      }
      if (batch_hook_) batch_hook_(step, all, batch);
      const BatchLoss bl = batch_loss_and_grad(model_, all, batch, &grad, ws_);
      if (!std::isfinite(bl.loss_nats))
        throw std::runtime_error("genlab::nn::Trainer::train: training loss is not finite at update " +
                                 std::to_string(step));
      const AdamWStep info = opt_.update(model_.parameters(), grad, model_.layout());
      res.train_loss_nats.push_back(bl.loss_nats);
      ++step;
      progress.set(static_cast<std::size_t>(step));
      if (cfg_.eval_every > 0 && step % cfg_.eval_every == 0)
        keep_going = evaluate_and_log(step, res, bl.loss_nats, info.lr, info.grad_norm);
      if (!cfg_.checkpoint_dir.empty() && cfg_.checkpoint_every > 0 && step % cfg_.checkpoint_every == 0)
        checkpoint(step, res);
    }
    if (!cfg_.checkpoint_dir.empty()) checkpoint(step, res);
    res.steps = step;
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return res;
  }

 private:
  /// The training settings a checkpoint must share to continue this run bit for bit. Not steps:
  /// the first updates of a longer run are the same (the cosine curve is fixed by
  /// AdamWConfig::total_steps, compared with the optimizer), nor eval_every (logging only). But
  /// rows_per_shard: it sets how the batch gradient is summed. The extra set's batching only with
  /// an extra set, so single-set checkpoints read as they always did.
  core::Json train_settings() const {
    core::Json j = {{"batch_size", cfg_.batch_size}, {"data_seed", cfg_.data_seed}, {"rows_per_shard", ws_.rows_per_shard}};
    if (has_extra_) {
      j["extra_batch_size"] = cfg_.extra_batch_size;
      j["extra_data_seed"] = cfg_.extra_data_seed;
    }
    return j;
  }

  /// Loads the checkpoint in cfg_.checkpoint_dir, if there is one, into the model, optimizer
  /// and `res`; returns the update to continue from (0 without a checkpoint).
  std::int64_t resume(TrainResult& res) {
    namespace fs = std::filesystem;
    const char* where_fn = "genlab::nn::Trainer::train";
    const fs::path& dir = cfg_.checkpoint_dir;
    const fs::path where = find_checkpoint(dir);
    // <dir> is only ever made by renaming a complete folder, so one without config.json is
    // damaged (or not ours): starting over would silently throw the run away.
    if (where != dir && fs::exists(dir) && !(fs::is_directory(dir) && fs::is_empty(dir)))
      throw core::FileFormatError((dir / "config.json").string(),
                                  "missing, yet " + dir.string() +
                                      " is not empty: not a complete checkpoint; delete it to start the run over");
    if (where.empty()) {
      // Folders without config.json were being written or removed by a killed save: not a
      // checkpoint (see find_checkpoint), so starting over loses nothing; say so on stderr.
      for (const char* suffix : {".tmp", ".old"}) {
        const fs::path p = detail::with_suffix(dir, suffix);
        if (fs::exists(p))
          std::cerr << where_fn << ": ignoring " << p.string()
                    << ": an incomplete checkpoint (no config.json: a save was killed while writing or removing it); "
                       "starting from update 0\n";
      }
      return 0;
    }
    const fs::path file = where / "config.json";
    const core::Json meta = detail::read_checkpoint_config(file);
    if (!meta.contains("optimizer"))
      detail::bad_key(file, "optimizer", "is missing: the checkpoint was saved without an optimizer, not by a Trainer");
    const core::Json state = meta.value("state", core::Json::object());
    const auto bad_state = [&](const char* key, const char* expected) {
      detail::bad_key(file, std::string("state.") + key,
                      (state.is_object() && state.contains(key) ? "= " + state.at(key).dump() : std::string("is missing")) +
                          "; expected " + expected + " (the Trainer's record)");
    };
    if (!state.is_object() || !state.contains("step") || !state.at("step").is_number_unsigned())
      bad_state("step", "an integer >= 0");
    const auto step = state.at("step").get<std::int64_t>();
    const core::Json& losses = state.contains("train_loss_nats") ? state.at("train_loss_nats") : core::Json();
    bool losses_ok = losses.is_array() && losses.size() == static_cast<std::size_t>(step);
    for (std::size_t i = 0; losses_ok && i < losses.size(); ++i) losses_ok = losses[i].is_number();
    if (!losses_ok) bad_state("train_loss_nats", ("a list of step = " + std::to_string(step) + " numbers").c_str());
    if (!state.contains("log") || !state.at("log").is_array()) bad_state("log", "a list of rows");

    // Everything that shapes the trajectory must match. "train" and "identity" are absent from
    // checkpoints written before they were recorded: those parts cannot be compared.
    core::Json saved = {{"model", meta.at("model")}, {"scalar", meta.at("scalar")}, {"optimizer", meta.at("optimizer")}};
    core::Json now = {{"model", model_.config().to_json()},
                      {"scalar", std::is_same_v<T, float> ? "float32" : "float64"},
                      {"optimizer", opt_.config().to_json()}};
    if (state.contains("train")) {
      saved["train"] = state.at("train");
      now["train"] = train_settings();
    }
    if (state.contains("identity")) {
      saved["identity"] = state.at("identity");
      now["identity"] = cfg_.identity;
    }
    const auto diff = core::json_diff(saved, now);
    if (!diff.empty())
      throw std::invalid_argument(std::string(where_fn) + ": refusing to resume from " + file.string() +
                                  ", written with other settings: " +
                                  core::describe_json_diff(diff, "in the checkpoint", "now") +
                                  ". Use the same settings, or delete " + dir.string() +
                                  " (or set resume = false) to start over");
    core::require(step <= cfg_.steps, where_fn, "steps", cfg_.steps,
                  ">= " + std::to_string(step) + ", the update the checkpoint " + file.string() + " is at");
    load_checkpoint(dir, model_, &opt_);
    res.train_loss_nats = losses.get<std::vector<double>>();
    for (const auto& row : state.at("log")) res.log.push_back(row);
    return step;
  }

  struct Eval {
    std::string name;
    const std::vector<core::Sequence>* data;
  };

  bool evaluate_and_log(std::int64_t step, TrainResult& res, double train_loss, double lr, double grad_norm) {
    core::Json row;
    row["step"] = step;
    row["train_loss"] = train_loss;
    row["lr"] = lr;
    row["grad_norm"] = grad_norm;
    for (const auto& e : evals_) {
      const EvalMetrics m = evaluate(model_, *e.data, ws_);
      row[e.name + "_loss"] = m.loss_nats;
      row[e.name + "_token_acc"] = m.token_accuracy;
      row[e.name + "_exact_match"] = m.exact_match;
    }
    bool go = true;
    if (callback_) go = callback_(step, row, model_);
    res.log.push_back(row);
    write_logs(res.log);
    return go;
  }

  void write_logs(const std::vector<core::Json>& log) const {
    if (!cfg_.log_jsonl.empty()) core::write_jsonl(cfg_.log_jsonl, log);
    if (!cfg_.log_csv.empty() && !log.empty()) {
      std::vector<std::string> header;
      for (auto it = log.front().begin(); it != log.front().end(); ++it) header.push_back(it.key());
      core::CsvTable table(header);
      for (const auto& row : log) {
        std::vector<std::string> fields;
        for (const auto& k : header) {
          if (!row.contains(k) || row.at(k).is_null()) fields.emplace_back("");
          else if (row.at(k).is_number_float()) {
            // Non-finite values (the step-0 training loss) are empty, as JSON's null reads back:
            // a resumed run's CSV is then byte-identical to an uninterrupted one's.
            const double v = row.at(k).get<double>();
            fields.push_back(std::isfinite(v) ? core::CsvTable::format(v) : std::string());
          }
          else if (row.at(k).is_string()) fields.push_back(row.at(k).get<std::string>());
          else fields.push_back(row.at(k).dump());
        }
        table.add_row(std::move(fields));
      }
      core::write_csv(cfg_.log_csv, table);
    }
  }

  void checkpoint(std::int64_t step, const TrainResult& res) {
    core::Json state;
    state["step"] = step;
    state["train_loss_nats"] = res.train_loss_nats;
    state["log"] = res.log;
    state["train"] = train_settings();
    state["identity"] = cfg_.identity;
    save_checkpoint(cfg_.checkpoint_dir, model_, &opt_, state);
  }

  Transformer<T>& model_;
  AdamW<T> opt_;
  TrainConfig cfg_;
  Workspace<T> ws_;
  std::vector<Eval> evals_;
  EvalCallback callback_;
  BatchCallback batch_hook_;
  bool has_extra_ = false;  // the current train() call has an extra set
};

}  // namespace genlab::nn

#endif  // GENLAB_NN_TRAINER_HPP
