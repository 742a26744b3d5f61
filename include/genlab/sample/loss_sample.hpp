#ifndef GENLAB_SAMPLE_LOSS_SAMPLE_HPP
#define GENLAB_SAMPLE_LOSS_SAMPLE_HPP
// The losses of hypotheses [begin, end) under one seed, and how shards of them merge.
//
// Hypothesis i always draws from philox_stream(seed, i) (cuRAND: curand_init(seed, i, 0, &s)),
// so a range can be computed on any thread, process or GPU and the pieces concatenate into
// exactly the single-run result.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/io/csv.hpp"
#include "genlab/core/io/json.hpp"

namespace genlab::sample {

/// Options shared by every sampler. threads: OpenMP threads (0 = all); block: hypotheses per
/// outer block (bounds the scratch memory, not the results); classification_error: also compute
/// the argmax error (needs the predictions: GEMM-bound); quiet: no progress lines on stderr.
struct SampleOptions {
  int threads = 0;
  std::size_t block = 1024;
  bool classification_error = true;
  bool quiet = true;

  void validate(const char* where) const {
    core::require(threads >= 0, where, "options.threads", threads, ">= 0 (0 = all OpenMP threads)");
    core::require(block >= 1, where, "options.block", block, ">= 1");
  }
};

/// Per-hypothesis losses for hypotheses [begin, end): mse[j] and error[j] belong to hypothesis
/// begin + j. mse is the mean squared error over test points and output columns (target units
/// squared); error is the fraction of test points whose argmax over outputs differs from the
/// target's (empty when classification error was not asked for).
struct LossSample {
  std::vector<double> mse;
  std::vector<double> error;
  std::uint64_t seed = 0, begin = 0, end = 0;

  std::size_t size() const { return static_cast<std::size_t>(end - begin); }
  bool has_error() const { return !error.empty() || begin == end; }
};

/// Concatenates shards of one run (same seed, contiguous ranges, each starting where the
/// previous ended; given in any order). The result equals sampling [min begin, max end) at once.
/// Throws std::invalid_argument on mixed seeds, gaps, overlaps or mixed error columns. O(total).
inline LossSample merge(std::vector<LossSample> shards) {
  constexpr const char* where = "genlab::sample::merge";
  core::require(!shards.empty(), where, "shards.size()", shards.size(), ">= 1");
  std::sort(shards.begin(), shards.end(), [](const LossSample& a, const LossSample& b) { return a.begin < b.begin; });
  LossSample out;
  out.seed = shards.front().seed;
  out.begin = out.end = shards.front().begin;
  const bool with_error = !shards.front().error.empty();
  for (const LossSample& s : shards) {
    core::require(s.seed == out.seed, where, "shard.seed", s.seed, "the first shard's seed " + std::to_string(out.seed));
    core::require(s.begin == out.end, where, "shard.begin", s.begin,
                  "the previous shard's end " + std::to_string(out.end) + " (shards must tile a range)");
    core::require(s.mse.size() == s.size(), where, "shard.mse.size()", s.mse.size(), "end - begin");
    if (s.size() > 0)
      core::require(s.error.empty() != with_error && (s.error.empty() || s.error.size() == s.size()), where,
                    "shard.error.size()", s.error.size(), with_error ? "end - begin" : "0 (as in the first shard)");
    out.mse.insert(out.mse.end(), s.mse.begin(), s.mse.end());
    out.error.insert(out.error.end(), s.error.begin(), s.error.end());
    out.end = s.end;
  }
  return out;
}

/// JSON: {"seed", "begin", "end", "mse": [...], "error": [...]}.
inline core::Json to_json(const LossSample& s) {
  core::Json j;
  j["seed"] = s.seed;
  j["begin"] = s.begin;
  j["end"] = s.end;
  j["mse"] = s.mse;
  j["error"] = s.error;
  return j;
}

/// CSV: one row per hypothesis, columns hypothesis, mse[, error] (17 significant digits).
inline core::CsvTable to_csv(const LossSample& s) {
  const bool with_error = !s.error.empty();
  core::CsvTable t(with_error ? std::vector<std::string>{"hypothesis", "mse", "error"}
                              : std::vector<std::string>{"hypothesis", "mse"});
  char buf[64];
  for (std::size_t j = 0; j < s.mse.size(); ++j) {
    std::vector<std::string> row{std::to_string(s.begin + j)};
    std::snprintf(buf, sizeof buf, "%.17g", s.mse[j]);
    row.emplace_back(buf);
    if (with_error) {
      std::snprintf(buf, sizeof buf, "%.17g", s.error[j]);
      row.emplace_back(buf);
    }
    t.add_row(std::move(row));
  }
  return t;
}

}  // namespace genlab::sample

#endif  // GENLAB_SAMPLE_LOSS_SAMPLE_HPP
