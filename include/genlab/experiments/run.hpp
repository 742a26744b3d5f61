#ifndef GENLAB_EXPERIMENTS_RUN_HPP
#define GENLAB_EXPERIMENTS_RUN_HPP
// The run layer under every experiment (grokking, sorting, grids of them): a run folder, the run's
// identity, resume only when the identity matches, an explicit restart, the training loop's
// settings built once, and the wall time of the whole run across resumes.
//
// A run's identity is the JSON of everything that determines its results: the experiment's
// config (model, optimizer and schedule, training loop, evaluation, data generator with its seed)
// and the fingerprint of the data the generator produced. <dir>/config.json is that JSON plus
// "identity_fnv1a64", its FNV-1a hash. Opening a folder:
//   new or empty folder          -> config.json written, a fresh run
//   same identity                -> resume: checkpoints continue, finished results are reused
//   another identity             -> RunMismatch naming every differing key (nothing is touched);
//                                   RunOptions::restart deletes the old run and starts over
//   a non-empty folder without a
//   genlab run (no config.json)  -> refused, never written into or deleted
// <dir>/time.json holds the wall seconds spent on the run by every session, killed ones included,
// and the numerics its sessions ran with (build_numerics: the library version, the GEMM kernels
// and the vector instruction set, which set the results' last bits), each distinct one once, in
// order: a run resumed under other numerics says so there.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "genlab/core/blas.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/io/json_diff.hpp"
#include "genlab/nn/trainer.hpp"
#include "genlab/splits/common.hpp"
#include "genlab/version.hpp"

namespace genlab::experiments {

/// How an experiment treats its results folder.
struct RunOptions {
  bool progress = true;   // progress bar / lines on stderr
  bool resume = true;     // continue a run with the same identity; false = start over, like restart
  bool restart = false;   // delete what a previous run (of any identity) left in the folder and start over
  bool plots = true;      // render PNG/SVG through gnuplot when available
  /// End this session at the first evaluation at or after this update (0 = train to the end): a
  /// time-boxed session on a shared machine. The run is left resumable, exactly as if killed there.
  std::int64_t stop_at = 0;
};

/// One key whose value differs between a recorded identity (`before`) and a requested one
/// (`after`): a dotted path such as "optimizer.lr"; a side where the key is absent is empty.
using IdentityDifference = core::JsonDifference;

/// Every key whose value differs between two identities, in key order (core::json_diff: objects
/// key by key, anything else as a whole, numbers by value).
inline std::vector<IdentityDifference> identity_differences(const core::Json& recorded, const core::Json& requested) {
  return core::json_diff(recorded, requested);
}

/// The key under which config.json records the identity's hash (not part of the identity).
inline constexpr const char* kIdentityHashKey = "identity_fnv1a64";

/// FNV-1a (64-bit) of the identity's canonical JSON (keys sorted, no spaces), 16 hex digits.
inline std::string identity_hash(const core::Json& identity) {
  const std::string text = identity.dump();
  std::uint64_t h = 1469598103934665603ULL;
  splits::detail::fnv1a(h, text.data(), text.size());
  return splits::fingerprint_hex(h);
}

/// A folder's run has another identity than the one requested. what() names the folder, every
/// differing key with both values, and how to start over.
class RunMismatch : public std::invalid_argument {
 public:
  RunMismatch(const std::filesystem::path& dir, std::vector<IdentityDifference> differences)
      : std::invalid_argument(message(dir, differences)), dir_(dir), differences_(std::move(differences)) {}
  const std::filesystem::path& dir() const noexcept { return dir_; }
  const std::vector<IdentityDifference>& differences() const noexcept { return differences_; }

 private:
  static std::string message(const std::filesystem::path& dir, const std::vector<IdentityDifference>& diffs) {
    std::string m = "genlab::experiments: " + dir.string() + " holds a run with another configuration (" +
                    std::to_string(diffs.size()) + " differing key" + (diffs.size() == 1 ? "" : "s") + "):";
    const auto text = [](const std::optional<core::Json>& v) { return v ? v->dump() : std::string("absent"); };
    for (const auto& d : diffs)
      m += "\n  " + (d.key.empty() ? std::string("(whole value)") : d.key) + ": recorded " + text(d.before) +
           ", requested " + text(d.after);
    m += "\nResume needs the same configuration. To discard the old run and start over, pass --restart "
         "(RunOptions::restart); to keep it, choose another output folder.";
    return m;
  }
  std::filesystem::path dir_;
  std::vector<IdentityDifference> differences_;
};

/// An opened run folder.
struct RunFolder {
  std::filesystem::path dir;
  core::Json identity;          // what config.json records, without the hash
  bool resumed = false;         // the folder already held this run (its checkpoints and results are reused)
  double previous_seconds = 0;  // wall seconds spent on this run by earlier sessions
  core::Json previous_numerics = core::Json::array();  // build_numerics() of earlier sessions (time.json)
};

/// What sets a result's last bits besides the run's identity: {"genlab": the library version
/// (its own summation order, version.hpp), "gemm": core::gemm_backend(), "simd":
/// core::simd_instruction_set()}, e.g. {"genlab": "0.1.1", "gemm": "openblas:Haswell", "simd":
/// "avx2"}. The same identity under other numerics gives the same results up to rounding, not bit
/// for bit.
inline core::Json build_numerics() {
  return core::Json{{"genlab", GENLAB_VERSION_STRING}, {"gemm", core::gemm_backend()},
                    {"simd", core::simd_instruction_set()}};
}

/// The identity recorded in <dir>/config.json (without its hash), or null if there is none.
inline core::Json recorded_identity(const std::filesystem::path& dir) {
  const auto file = dir / "config.json";
  if (!std::filesystem::exists(file)) return core::Json();
  core::Json j = core::read_json(file);
  if (!j.is_object()) throw core::FileFormatError(file.string(), "expected a JSON object (a run's identity)");
  j.erase(kIdentityHashKey);
  return j;
}

/// Throws RunMismatch (and writes nothing) if `dir` holds a run whose identity differs from
/// `identity`, unless `options` ask to start over. open_run calls it; call it yourself to check
/// every run of a grid before the first one starts.
inline void check_run_identity(const std::filesystem::path& dir, const core::Json& identity, const RunOptions& options) {
  if (options.restart || !options.resume) return;
  const core::Json recorded = recorded_identity(dir);
  if (recorded.is_null()) return;
  auto diffs = identity_differences(recorded, identity);
  if (!diffs.empty()) throw RunMismatch(dir, std::move(diffs));
}

/// Makes `dir` ready for a run and says whether it already holds one (a config.json): creates it
/// if absent, refuses a file or a non-empty folder without a run, and clears a folder that holds a
/// run when `options` ask to start over (only such a folder is ever cleared, so a mistyped path
/// cannot delete data). Compares no identity; open_run does.
inline bool prepare_run_folder(const std::filesystem::path& dir, const RunOptions& options) {
  namespace fs = std::filesystem;
  const char* where = "genlab::experiments::open_run";
  core::require(!dir.empty(), where, "dir", dir.string(), "a non-empty path");
  bool holds_run = false;
  if (fs::exists(dir)) {
    core::require(fs::is_directory(dir), where, "dir", dir.string(), "a folder (it is a file)");
    holds_run = fs::exists(dir / "config.json");
    core::require(holds_run || fs::is_empty(dir), where, "dir", dir.string(),
                  "a new or empty folder, or one that holds a genlab run (it has files but no config.json)");
    if (holds_run && (options.restart || !options.resume)) {
      for (const auto& entry : fs::directory_iterator(dir)) fs::remove_all(entry.path());
      holds_run = false;
    }
  }
  fs::create_directories(dir);
  return holds_run;
}

/// Writes <dir>/config.json: the identity and its hash, atomically.
inline void write_run_identity(const std::filesystem::path& dir, const core::Json& identity) {
  core::Json recorded = identity;
  recorded[kIdentityHashKey] = identity_hash(identity);
  core::write_json(dir / "config.json", recorded);
}

/// Opens (creating if needed) the run folder `dir` for the run `identity` (a JSON object), as the
/// file comment describes, and writes <dir>/config.json. Throws RunMismatch (nothing written),
/// std::invalid_argument (a file, or a non-empty folder that holds no run; an identity that is not
/// an object) or core::IoError.
inline RunFolder open_run(const std::filesystem::path& dir, const core::Json& identity, const RunOptions& options) {
  core::require(identity.is_object() && !identity.contains(kIdentityHashKey), "genlab::experiments::open_run",
                "identity", identity.dump(), std::string("a JSON object without the key ") + kIdentityHashKey);
  if (!dir.empty() && std::filesystem::is_directory(dir)) check_run_identity(dir, identity, options);
  RunFolder run;
  run.dir = dir;
  run.identity = identity;
  run.resumed = prepare_run_folder(dir, options);
  const auto time_file = dir / "time.json";
  if (run.resumed && std::filesystem::exists(time_file)) {
    const core::Json t = core::read_json(time_file);
    run.previous_seconds = t.value("seconds", 0.0);
    if (t.contains("numerics") && t["numerics"].is_array()) run.previous_numerics = t["numerics"];
  }
  write_run_identity(dir, identity);
  return run;
}

/// Wall time of a run across sessions: previous sessions' seconds plus this one's, written to
/// <dir>/time.json whenever `record()` is called (at every evaluation and at the end), so a
/// killed session's time still counts; with it the sessions' numerics (build_numerics), this
/// session's appended unless an earlier session ran with the same.
class RunClock {
 public:
  explicit RunClock(const RunFolder& run)
      : file_(run.dir / "time.json"),
        previous_(run.previous_seconds),
        numerics_(run.previous_numerics),
        start_(std::chrono::steady_clock::now()) {
    const core::Json now = build_numerics();
    if (std::find(numerics_.begin(), numerics_.end(), now) == numerics_.end()) numerics_.push_back(now);
  }
  double seconds() const {
    return previous_ + std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  double record() const {
    const double s = seconds();
    core::write_json(file_, core::Json{{"seconds", s}, {"numerics", numerics_}});
    return s;
  }
  /// The numerics of every session so far, this one included.
  const core::Json& numerics() const { return numerics_; }

 private:
  std::filesystem::path file_;
  double previous_;
  core::Json numerics_;
  std::chrono::steady_clock::time_point start_;
};

/// The training-loop settings every experiment uses: checkpoints in <dir>/checkpoint, logs in
/// <dir>/metrics.csv and <dir>/metrics.jsonl, resume as the run folder says.
inline nn::TrainConfig run_train_config(const RunFolder& run, std::int64_t steps, std::int64_t batch_size,
                                        std::uint64_t data_seed, std::int64_t eval_every, std::int64_t checkpoint_every,
                                        const RunOptions& options) {
  nn::TrainConfig tc;
  tc.steps = steps;
  tc.batch_size = batch_size;
  tc.data_seed = data_seed;
  tc.eval_every = eval_every;
  tc.checkpoint_every = checkpoint_every;
  tc.checkpoint_dir = run.dir / "checkpoint";
  tc.resume = run.resumed;
  tc.log_csv = run.dir / "metrics.csv";
  tc.log_jsonl = run.dir / "metrics.jsonl";
  tc.progress = options.progress;
  tc.identity = run.identity;  // the checkpoint carries the run's identity too, and the trainer compares it on resume
  return tc;
}

}  // namespace genlab::experiments

#endif  // GENLAB_EXPERIMENTS_RUN_HPP
