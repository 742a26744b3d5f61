#ifndef GENLAB_SPLITS_LENGTH_CONFIG_HPP
#define GENLAB_SPLITS_LENGTH_CONFIG_HPP
// The configuration of a length-generalization task (see genlab/splits/length.hpp for the tasks
// and the example format): the task and hint enums with their names, HintConfig and
// LengthTaskConfig, its validation, and its JSON form.
//
// validate() refuses every configuration the generator cannot generate, before any example is
// drawn: a generator built from a validated config never throws while generating (see the
// mode rejection sampler below for the one bound it relies on).
//
// JSON. The keys are the member names and the enum values their to_string names, through
// nlohmann's own macros; result folders written by older versions read back unchanged. Missing
// keys take the defaults. An unknown task or hint name reads as an invalid enum value that
// validate() refuses (nlohmann's enum macro would otherwise map it silently to the first entry).

#include <algorithm>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"

namespace genlab::splits {

enum class LengthTask {
  sort,
  copy,
  reverse,
  count,
  mode,
  parity,
  parity_scratchpad,
  addition,
  addition_reversed,
  addition_index_hints,
  addition_index_hints_reversed
};

enum class HintTask { successor, predecessor, count, fill, parity };

inline const char* to_string(LengthTask t) {
  switch (t) {
    case LengthTask::sort: return "sort";
    case LengthTask::copy: return "copy";
    case LengthTask::reverse: return "reverse";
    case LengthTask::count: return "count";
    case LengthTask::mode: return "mode";
    case LengthTask::parity: return "parity";
    case LengthTask::parity_scratchpad: return "parity_scratchpad";
    case LengthTask::addition: return "addition";
    case LengthTask::addition_reversed: return "addition_reversed";
    case LengthTask::addition_index_hints: return "addition_index_hints";
    case LengthTask::addition_index_hints_reversed: return "addition_index_hints_reversed";
  }
  return "?";
}

inline const char* to_string(HintTask t) {
  switch (t) {
    case HintTask::successor: return "successor";
    case HintTask::predecessor: return "predecessor";
    case HintTask::count: return "count";
    case HintTask::fill: return "fill";
    case HintTask::parity: return "parity";
  }
  return "?";
}

namespace detail {
inline bool is_known(LengthTask t) {
  const int i = static_cast<int>(t);
  return i >= 0 && i <= static_cast<int>(LengthTask::addition_index_hints_reversed);
}
inline bool is_known(HintTask t) {
  const int i = static_cast<int>(t);
  return i >= 0 && i <= static_cast<int>(HintTask::parity);
}
inline constexpr const char* kLengthTaskNames =
    "sort, copy, reverse, count, mode, parity, parity_scratchpad, addition, addition_reversed, "
    "addition_index_hints or addition_index_hints_reversed";
inline constexpr const char* kHintTaskNames = "successor, predecessor, count, fill or parity";
}  // namespace detail

/// The task named `name` (as written by to_string); throws std::invalid_argument otherwise.
inline LengthTask length_task_from_string(const std::string& name) {
  for (int i = 0; i <= static_cast<int>(LengthTask::addition_index_hints_reversed); ++i)
    if (name == to_string(static_cast<LengthTask>(i))) return static_cast<LengthTask>(i);
  core::throw_invalid_argument("genlab::splits::length_task_from_string", "name", name, detail::kLengthTaskNames);
}

/// The hint task named `name`; throws std::invalid_argument otherwise.
inline HintTask hint_task_from_string(const std::string& name) {
  for (int i = 0; i <= static_cast<int>(HintTask::parity); ++i)
    if (name == to_string(static_cast<HintTask>(i))) return static_cast<HintTask>(i);
  core::throw_invalid_argument("genlab::splits::hint_task_from_string", "name", name, detail::kHintTaskNames);
}

// The first entry catches unknown strings (nlohmann maps them to the first pair): an invalid
// value that validate() refuses, instead of silently "sort" or "successor".
NLOHMANN_JSON_SERIALIZE_ENUM(LengthTask, {{static_cast<LengthTask>(-1), nullptr},
                                          {LengthTask::sort, "sort"},
                                          {LengthTask::copy, "copy"},
                                          {LengthTask::reverse, "reverse"},
                                          {LengthTask::count, "count"},
                                          {LengthTask::mode, "mode"},
                                          {LengthTask::parity, "parity"},
                                          {LengthTask::parity_scratchpad, "parity_scratchpad"},
                                          {LengthTask::addition, "addition"},
                                          {LengthTask::addition_reversed, "addition_reversed"},
                                          {LengthTask::addition_index_hints, "addition_index_hints"},
                                          {LengthTask::addition_index_hints_reversed, "addition_index_hints_reversed"}})

NLOHMANN_JSON_SERIALIZE_ENUM(HintTask, {{static_cast<HintTask>(-1), nullptr},
                                        {HintTask::successor, "successor"},
                                        {HintTask::predecessor, "predecessor"},
                                        {HintTask::count, "count"},
                                        {HintTask::fill, "fill"},
                                        {HintTask::parity, "parity"}})

/// Auxiliary hint tasks mixed into training (Awasthi & Gupta 2023).
struct HintConfig {
  std::vector<HintTask> tasks;         ///< enabled hints; empty = no hinting
  double probability = 0.5;            ///< p_hint: chance that a training example is a hint example
  bool all_positions = false;          ///< successor/predecessor: all-positions form instead of one query
  double fill_blank_probability = 0.5; ///< fill: chance that a sorted position is blanked
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(HintConfig, tasks, probability, all_positions, fill_blank_probability)

namespace detail {

/// Task mode draws lists by rejection until the mode is unique; validate() refuses lengths whose
/// acceptance probability is below this, so a draw needs at most 4096 tries on average and the
/// sampler's cap of kMaxModeDraws = 2^20 tries fails with probability below e^-256.
inline constexpr double kMinModeAcceptance = 1.0 / 4096;
inline constexpr int kMaxModeDraws = 1 << 20;

/// An upper bound on the probability that n values drawn uniformly from 0..V-1 have a unique
/// mode: it needs some value to repeat, so it is at most 1 - prod_{i<n} (1 - i/V), the birthday
/// bound (exact for n <= 3). Stops once the bound reaches `enough` (O(min(n, sqrt(V·enough)))).
/// Only small n against V give small values: past the birthday regime the acceptance dips where
/// many pairs tie but triples are still rare, lowest for the largest V, and stays above 1/400 for
/// V <= 2^24 (Poisson counts of pairs and triples; measured 0.0027 at V = 2^24, n = 18000), 10x
/// above kMinModeAcceptance.
inline double unique_mode_probability_bound(std::size_t n, std::size_t V, double enough = 1.0) {
  if (n <= 1) return 1.0;
  double distinct = 1.0;
  for (std::size_t i = 1; i < n; ++i) {
    distinct *= 1.0 - static_cast<double>(i) / static_cast<double>(V);
    if (1.0 - distinct >= enough) break;
  }
  return 1.0 - distinct;
}

}  // namespace detail

struct LengthTaskConfig {
  LengthTask task = LengthTask::sort;
  std::size_t num_values = 100;        ///< V: values 0..V-1 (fixed 2 for parity, 10 for addition)
  bool repeats = true;                 ///< list tasks: draw values with replacement (false = distinct)
  std::size_t train_min_length = 1;    ///< training lengths are uniform on [min, max]
  std::size_t train_max_length = 20;
  std::vector<std::size_t> test_lengths = {25, 30, 50, 75, 100};  ///< each outside [min, max]
  std::size_t train_size = 10000;
  std::size_t id_test_size = 1000;     ///< in-distribution test: training lengths, prompts not in train
  std::size_t test_size_per_length = 100;
  bool task_token = true;              ///< put <task_...> after <bos> (required when hints are on)
  HintConfig hints;
  std::size_t index_hint_symbols = 0;  ///< H for index-hint addition; 0 = longest length + 1
  std::uint64_t seed = 0;

  bool is_list_task() const {
    return task == LengthTask::sort || task == LengthTask::copy || task == LengthTask::reverse ||
           task == LengthTask::mode;
  }
  bool is_addition() const {
    return task == LengthTask::addition || task == LengthTask::addition_reversed ||
           task == LengthTask::addition_index_hints || task == LengthTask::addition_index_hints_reversed;
  }
  bool is_index_hint_addition() const {
    return task == LengthTask::addition_index_hints || task == LengthTask::addition_index_hints_reversed;
  }
  bool uses_hint(HintTask h) const { return std::find(hints.tasks.begin(), hints.tasks.end(), h) != hints.tasks.end(); }
  std::size_t longest_length() const {
    std::size_t m = train_max_length;
    for (auto n : test_lengths) m = std::max(m, n);
    return m;
  }
  /// H actually used by index-hint addition.
  std::size_t hint_symbols() const { return index_hint_symbols ? index_hint_symbols : longest_length() + 1; }

  /// Throws std::invalid_argument naming the offending parameter for every configuration the
  /// generator cannot generate. O(number of lengths + sqrt(num_values)).
  void validate() const {
    const char* where = "genlab::splits::LengthTaskConfig::validate";
    constexpr std::size_t kMaxLength = std::size_t{1} << 24;
    // Example i of split s uses stream (s << 40) | i (splits/common.hpp): more examples per split
    // would reuse the next split's streams.
    constexpr std::uint64_t kMaxExamples = std::uint64_t{1} << 40;
    core::require(detail::is_known(task), where, "task", static_cast<int>(task), detail::kLengthTaskNames);
    core::require(train_min_length >= 1, where, "train_min_length", train_min_length, ">= 1");
    core::require(train_max_length >= train_min_length, where, "train_max_length", train_max_length,
                  ">= train_min_length = " + std::to_string(train_min_length) + " (an empty length range)");
    core::require(train_max_length < kMaxLength, where, "train_max_length", train_max_length, "< 2^24");
    for (std::size_t i = 0; i < test_lengths.size(); ++i) {
      const std::size_t n = test_lengths[i];
      core::require(n >= 1 && n < kMaxLength, where, "test_lengths[i]", n, "in 1..2^24-1");
      core::require(n < train_min_length || n > train_max_length, where, "test_lengths[i]", n,
                    "a held-out length outside the training range [" + std::to_string(train_min_length) + ", " +
                        std::to_string(train_max_length) + "]");
      // Two equal lengths would write the same split "test_len_<n>", the second replacing the first.
      for (std::size_t k = 0; k < i; ++k)
        core::require(test_lengths[k] != n, where, "test_lengths[i]", n, "each length listed once");
    }
    if (!is_addition() && task != LengthTask::parity && task != LengthTask::parity_scratchpad) {
      core::require(num_values >= 2 && num_values <= kMaxLength, where, "num_values", num_values, "in 2..2^24");
      const bool distinct = task == LengthTask::count || !repeats;
      if (distinct)
        core::require(longest_length() <= num_values, where, "num_values", num_values,
                      ">= the longest length " + std::to_string(longest_length()) +
                          (task == LengthTask::count ? " (count outputs n distinct values)"
                                                     : " (repeats = false needs n distinct values)"));
    }
    if (task == LengthTask::mode) {
      core::require(repeats, where, "repeats", repeats, "true for mode (distinct values have no unique mode)");
      // The shortest list of at least 2 values is the hardest: the bound grows with n.
      std::vector<std::size_t> lengths;
      if (train_max_length >= 2) lengths.push_back(std::max<std::size_t>(train_min_length, 2));
      lengths.insert(lengths.end(), test_lengths.begin(), test_lengths.end());
      for (auto n : lengths) {
        const double p = detail::unique_mode_probability_bound(n, num_values, detail::kMinModeAcceptance);
        if (p >= detail::kMinModeAcceptance) continue;
        std::ostringstream os;
        os.precision(3);
        os << "small enough for task mode at length " << n << ": " << n << " values drawn from " << num_values
           << " have a unique mode with probability <= " << p
           << ", below the 1/4096 that mode's rejection sampler needs (lower num_values or use longer lists)";
        core::throw_invalid_argument(where, "num_values", num_values, os.str());
      }
    }
    core::require(hints.probability >= 0.0 && hints.probability <= 1.0, where, "hints.probability",
                  hints.probability, "in [0, 1]");
    core::require(hints.fill_blank_probability > 0.0 && hints.fill_blank_probability <= 1.0, where,
                  "hints.fill_blank_probability", hints.fill_blank_probability, "in (0, 1]");
    if (!hints.tasks.empty()) {
      core::require(is_list_task(), where, "hints.tasks", hints.tasks.size(),
                    std::string("no hints for task ") + to_string(task) + " (hints need a list task: sort, copy, reverse, mode)");
      core::require(task_token, where, "task_token", task_token, "true when hints are mixed in");
      for (std::size_t i = 0; i < hints.tasks.size(); ++i) {
        core::require(detail::is_known(hints.tasks[i]), where, "hints.tasks[i]", static_cast<int>(hints.tasks[i]),
                      detail::kHintTaskNames);
        for (std::size_t j = i + 1; j < hints.tasks.size(); ++j)
          core::require(hints.tasks[i] != hints.tasks[j], where, "hints.tasks", to_string(hints.tasks[i]),
                        "each hint listed once");
      }
    }
    if (is_index_hint_addition()) {
      core::require(hint_symbols() >= longest_length() + 1, where, "index_hint_symbols", index_hint_symbols,
                    "0 or >= the longest length + 1 = " + std::to_string(longest_length() + 1));
      // One vocabulary entry per symbol, and the offset is drawn from a 32-bit range.
      core::require(hint_symbols() <= kMaxLength, where, "index_hint_symbols", index_hint_symbols, "<= 2^24");
    }
    core::require(train_size >= 1, where, "train_size", train_size, ">= 1");
    core::require(train_size <= kMaxExamples, where, "train_size", train_size, "<= 2^40 (examples per split)");
    core::require(test_size_per_length <= kMaxExamples, where, "test_size_per_length", test_size_per_length,
                  "<= 2^40 (examples per split)");
    // test_id draws up to 20·id_test_size + 1000 examples.
    core::require(id_test_size <= (kMaxExamples - 1000) / 20, where, "id_test_size", id_test_size,
                  "<= (2^40 - 1000) / 20 (draws per split)");
    // Split 2 + k is the k-th test length; splits are 24 bits, and the last one, 2^24 − 1, holds
    // the hint examples of additive mixing (LengthTaskGenerator::hint_train_example).
    core::require(test_lengths.size() <= (std::size_t{1} << 24) - 3, where, "test_lengths.size()",
                  test_lengths.size(), "<= 2^24 - 3");
  }

  /// The config as recorded in a dataset's config(): the JSON of this struct plus "generator",
  /// and "index_hint_symbols" as the H actually used (hint_symbols()), as genlab always wrote it.
  /// Reading it back with from_json gives a config that generates the same data.
  core::Json to_json() const;

  /// The config in `j` (the JSON of the struct or of to_json(); missing keys take the defaults),
  /// validated. Throws std::invalid_argument naming an unknown task or hint, or a bad parameter.
  static LengthTaskConfig from_json(const core::Json& j);
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LengthTaskConfig, task, num_values, repeats, train_min_length,
                                                train_max_length, test_lengths, train_size, id_test_size,
                                                test_size_per_length, task_token, hints, index_hint_symbols, seed)

inline core::Json LengthTaskConfig::to_json() const {
  core::Json j = *this;
  j["generator"] = "genlab::splits::make_length_dataset";
  j["index_hint_symbols"] = hint_symbols();
  return j;
}

inline LengthTaskConfig LengthTaskConfig::from_json(const core::Json& j) {
  // Name an unknown task or hint string (the enum macro would only leave an invalid value).
  if (j.is_object() && j.contains("task") && j["task"].is_string()) length_task_from_string(j["task"].get<std::string>());
  if (j.is_object() && j.contains("hints") && j["hints"].is_object() && j["hints"].contains("tasks") &&
      j["hints"]["tasks"].is_array())
    for (const auto& h : j["hints"]["tasks"])
      if (h.is_string()) hint_task_from_string(h.get<std::string>());
  LengthTaskConfig c = j.get<LengthTaskConfig>();
  c.validate();
  return c;
}

}  // namespace genlab::splits

#endif  // GENLAB_SPLITS_LENGTH_CONFIG_HPP
