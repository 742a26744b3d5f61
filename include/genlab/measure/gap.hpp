#ifndef GENLAB_MEASURE_GAP_HPP
#define GENLAB_MEASURE_GAP_HPP
// Scylla's measurements (Qi et al., "Quantifying Generalization Complexity for LLMs", ICLR 2025,
// §3): the ID/OOD generalization gap, the generalization
// valley (mean gap per complexity level) and the critical complexity (the level where the gap
// peaks), with a bootstrap distribution of where the peak lies.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <string>
#include <vector>

#include <boost/math/special_functions/beta.hpp>

#include "genlab/core/error.hpp"
#include "genlab/core/io/csv.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/parallel.hpp"
#include "genlab/core/random.hpp"
#include "genlab/measure/bootstrap.hpp"

namespace genlab::measure {

/// Scylla's gap between in-distribution and out-of-distribution accuracy
/// (utils/common_utils.py::measure_id_ood_gap).
struct GeneralizationGap {
  double id_accuracy = 0.0;
  double ood_accuracy = 0.0;
  double diff = 0.0;           // max(ID − OOD, 0): the generalization gap
  double ratio = 1.0;          // OOD/ID, 1 when ID = 0
  double relative_diff = 1.0;  // max(ID − OOD, 0)/ID, 1 when ID = 0
};

/// The gap for accuracies in [0, 1], with the reference edge cases: gap(0.8, 0.5) =
/// {0.3, 0.625, 0.375}; gap(0.4, 0.6) = {0, 1.5, 0}; gap(0, 0.1) = {0, 1, 1}. O(1).
/// Throws std::invalid_argument for an accuracy outside [0, 1] or NaN.
inline GeneralizationGap generalization_gap(double id_accuracy, double ood_accuracy) {
  constexpr const char* where = "genlab::measure::generalization_gap";
  core::require(id_accuracy >= 0.0 && id_accuracy <= 1.0, where, "id_accuracy", id_accuracy, "an accuracy in [0, 1]");
  core::require(ood_accuracy >= 0.0 && ood_accuracy <= 1.0, where, "ood_accuracy", ood_accuracy,
                "an accuracy in [0, 1]");
  GeneralizationGap g;
  g.id_accuracy = id_accuracy;
  g.ood_accuracy = ood_accuracy;
  g.diff = std::max(id_accuracy - ood_accuracy, 0.0);
  g.ratio = id_accuracy == 0.0 ? 1.0 : ood_accuracy / id_accuracy;
  g.relative_diff = id_accuracy == 0.0 ? 1.0 : g.diff / id_accuracy;
  return g;
}

/// Scylla's accuracy (6_compute_measurement.py): mean correctness over the parseable answers,
/// and 0 when fewer than 10% of the `total` answers were parseable. O(1).
inline double scylla_accuracy(std::size_t correct, std::size_t parseable, std::size_t total) {
  constexpr const char* where = "genlab::measure::scylla_accuracy";
  core::require(total >= 1, where, "total", total, ">= 1 (no answers)");
  core::require(parseable <= total, where, "parseable", parseable, "<= total = " + std::to_string(total));
  core::require(correct <= parseable, where, "correct", correct, "<= parseable = " + std::to_string(parseable));
  if (10 * parseable < total || parseable == 0) return 0.0;
  return static_cast<double>(correct) / static_cast<double>(parseable);
}

/// Scylla's five complexity levels (modules/Task.py::task2level), numbered 1..5.
inline const std::vector<std::string>& scylla_level_names() {
  static const std::vector<std::string> names{"O(N)", "O(N-N^2)", "O(N^2-N^3)", "O(N^3-N^4)", "O(2^N)"};
  return names;
}

/// The level (1..5) of a Scylla task as in task2level. The reference code leaves
/// LongestIncreasingSubsequence, LongestConsecutiveElements and LongestCommonSubarray unmapped;
/// for those and unknown names this throws std::invalid_argument (give the level yourself).
inline int scylla_task_level(const std::string& task) {
  static const std::map<std::string, int> levels{
      {"FindMinimum", 1},        {"FindMaximum", 1},          {"FindMode", 1},
      {"FindTopk", 2},           {"SortNumbers", 2},          {"RemoveDuplicateNumbers", 2},
      {"TwoSum", 2},             {"ThreeSum", 3},             {"ThreeSumInRange", 3},
      {"ThreeSumMultipleTen", 3}, {"FourSum", 4},             {"FourSumInRange", 4},
      {"FourSumMultipleTen", 4}, {"SubsetSum", 5},            {"SubsetSumInRange", 5},
      {"SubsetSumMultipleTen", 5}, {"TSP", 5}};
  const auto it = levels.find(task);
  if (it == levels.end())
    core::throw_invalid_argument("genlab::measure::scylla_task_level", "task", task,
                                 "one of the 17 tasks in Scylla's task2level");
  return it->second;
}

/// ID and OOD results of one task at one complexity level, as counts so that they can be
/// resampled. Accuracy = correct / n.
struct TaskOutcome {
  std::string task;
  int level = 0;
  std::size_t id_n = 0;
  std::size_t id_correct = 0;
  std::size_t ood_n = 0;
  std::size_t ood_correct = 0;

  void validate() const {
    const std::string where = "genlab::measure::TaskOutcome(" + task + ")";
    core::require(id_n >= 1, where, "id_n", id_n, ">= 1 (an empty ID set has no accuracy)");
    core::require(ood_n >= 1, where, "ood_n", ood_n, ">= 1 (an empty OOD set has no accuracy)");
    core::require(id_correct <= id_n, where, "id_correct", id_correct, "<= id_n = " + std::to_string(id_n));
    core::require(ood_correct <= ood_n, where, "ood_correct", ood_correct, "<= ood_n = " + std::to_string(ood_n));
  }
};

/// Mean accuracies and gap over the tasks of one level.
struct ValleyPoint {
  int level = 0;
  std::size_t tasks = 0;
  double mean_id_accuracy = 0.0;
  double mean_ood_accuracy = 0.0;
  double mean_gap = 0.0;  // mean over tasks of max(ID − OOD, 0)
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ValleyPoint, level, tasks, mean_id_accuracy, mean_ood_accuracy, mean_gap)

/// The generalization valley: ValleyPoints in ascending level, and the critical complexity.
struct GeneralizationValley {
  std::vector<ValleyPoint> points;
  int critical_level = 0;  // argmax of mean_gap; ties go to the lower level
  double peak_gap = 0.0;

  core::CsvTable to_csv() const {
    core::CsvTable t({"level", "tasks", "mean_id_accuracy", "mean_ood_accuracy", "mean_gap"});
    for (const auto& p : points) t.row(p.level, p.tasks, p.mean_id_accuracy, p.mean_ood_accuracy, p.mean_gap);
    return t;
  }
  core::Json to_json() const;  // {"critical_level", "peak_gap", "points"}: the macro below
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(GeneralizationValley, critical_level, peak_gap, points)

inline core::Json GeneralizationValley::to_json() const { return *this; }

/// Task accuracies (id, ood in [0, 1]) with their level.
struct TaskAccuracy {
  std::string task;
  int level = 0;
  double id_accuracy = 0.0;
  double ood_accuracy = 0.0;
};

/// The valley from per-task accuracies: per level, the mean ID and OOD accuracy and the mean
/// generalization gap (generalization_gap(...).diff); the critical complexity is the level with
/// the largest mean gap, the lower level on an exact tie (the spec's toolkit choice).
/// O(tasks log levels). Throws on an empty list or an accuracy outside [0, 1].
inline GeneralizationValley generalization_valley(const std::vector<TaskAccuracy>& tasks) {
  core::require(!tasks.empty(), "genlab::measure::generalization_valley", "tasks.size()", tasks.size(),
                ">= 1 (no tasks)");
  std::map<int, ValleyPoint> levels;
  for (const auto& t : tasks) {
    const GeneralizationGap g = generalization_gap(t.id_accuracy, t.ood_accuracy);
    auto& p = levels[t.level];
    p.level = t.level;
    ++p.tasks;
    p.mean_id_accuracy += t.id_accuracy;
    p.mean_ood_accuracy += t.ood_accuracy;
    p.mean_gap += g.diff;
  }
  GeneralizationValley v;
  bool first = true;
  for (auto& [level, p] : levels) {
    const double n = static_cast<double>(p.tasks);
    p.mean_id_accuracy /= n;
    p.mean_ood_accuracy /= n;
    p.mean_gap /= n;
    if (first || p.mean_gap > v.peak_gap) {  // strict: the lower level keeps a tie
      v.critical_level = level;
      v.peak_gap = p.mean_gap;
      first = false;
    }
    v.points.push_back(p);
  }
  return v;
}

/// The valley from counts (accuracy = correct/n).
inline GeneralizationValley generalization_valley(const std::vector<TaskOutcome>& tasks) {
  std::vector<TaskAccuracy> acc;
  acc.reserve(tasks.size());
  for (const auto& t : tasks) {
    t.validate();
    TaskAccuracy a;
    a.task = t.task;
    a.level = t.level;
    a.id_accuracy = static_cast<double>(t.id_correct) / static_cast<double>(t.id_n);
    a.ood_accuracy = static_cast<double>(t.ood_correct) / static_cast<double>(t.ood_n);
    acc.push_back(a);
  }
  return generalization_valley(acc);
}

namespace detail {
/// A Binomial(n, p) draw by inversion: the smallest k with P(X <= k) >= u, found by bisection
/// on the regularized incomplete beta (P(X <= k) = I_{1−p}(n−k, k+1)). Exact up to the CDF's
/// rounding, one 53-bit uniform per draw, O(log n) CDF evaluations.
inline std::size_t binomial_draw(core::Philox4x32& g, std::size_t n, double p) {
  const double u = core::uniform_double53(g);
  if (p <= 0.0 || n == 0) return 0;
  if (p >= 1.0) return n;
  std::size_t lo = 0, hi = n;  // answer in [lo, hi]
  const double dn = static_cast<double>(n);
  while (lo < hi) {
    const std::size_t k = lo + (hi - lo) / 2;
    const double dk = static_cast<double>(k);
    const double cdf = boost::math::ibetac(dk + 1.0, dn - dk, p);
    if (cdf >= u)
      hi = k;
    else
      lo = k + 1;
  }
  return lo;
}
}  // namespace detail

/// Where the peak lies under resampling.
struct CriticalComplexityBootstrap {
  BootstrapConfig config;
  GeneralizationValley valley;  // on the observed counts
  std::vector<int> levels;          // ascending
  std::vector<double> frequency;    // share of replicates whose critical level is levels[i]
  int lower_level = 0;              // percentile interval of the critical level (levels are ordered)
  int upper_level = 0;
  std::vector<int> replicate_levels;  // critical level of each replicate

  core::Json to_json() const {
    core::Json freq = core::Json::array();
    for (std::size_t i = 0; i < levels.size(); ++i) freq.push_back({{"level", levels[i]}, {"frequency", frequency[i]}});
    return core::Json{{"valley", valley.to_json()}, {"critical_level", valley.critical_level},
                      {"lower_level", lower_level}, {"upper_level", upper_level}, {"frequency", freq},
                      {"replicates", config.replicates}, {"confidence", config.confidence}, {"seed", config.seed}};
  }
};

/// Bootstrap of the critical complexity: each replicate resamples every task's ID and OOD
/// examples with replacement (equivalently, draws correct counts ~ Binomial(n, observed
/// accuracy)), recomputes the valley and records its critical level. Replicate r uses Philox
/// stream (seed, r), so the result does not depend on the thread count. Reports how often
/// each level is the peak and the percentile interval of the peak level.
/// O(replicates · tasks · log n).
inline CriticalComplexityBootstrap critical_complexity_bootstrap(const std::vector<TaskOutcome>& tasks,
                                                                 const BootstrapConfig& config = {}) {
  config.validate();
  CriticalComplexityBootstrap out;
  out.config = config;
  out.valley = generalization_valley(tasks);  // validates
  const std::size_t reps = config.replicates;
  out.replicate_levels.assign(reps, 0);
  std::vector<std::exception_ptr> errors(reps);
  core::parallel_for(static_cast<std::int64_t>(reps), [&](std::int64_t r) {
    try {
      auto g = core::philox_stream(config.seed, static_cast<std::uint64_t>(r));
      std::vector<TaskOutcome> resampled = tasks;
      for (auto& t : resampled) {
        t.id_correct = detail::binomial_draw(g, t.id_n, static_cast<double>(t.id_correct) / static_cast<double>(t.id_n));
        t.ood_correct =
            detail::binomial_draw(g, t.ood_n, static_cast<double>(t.ood_correct) / static_cast<double>(t.ood_n));
      }
      out.replicate_levels[static_cast<std::size_t>(r)] = generalization_valley(resampled).critical_level;
    } catch (...) {
      errors[static_cast<std::size_t>(r)] = std::current_exception();
    }
  });
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  for (const auto& p : out.valley.points) out.levels.push_back(p.level);
  out.frequency.assign(out.levels.size(), 0.0);
  for (int l : out.replicate_levels) {
    const auto i = static_cast<std::size_t>(std::lower_bound(out.levels.begin(), out.levels.end(), l) - out.levels.begin());
    out.frequency[i] += 1.0 / static_cast<double>(reps);
  }
  std::vector<int> sorted = out.replicate_levels;
  std::sort(sorted.begin(), sorted.end());
  // Order statistics of a discrete variable: nearest-rank percentiles stay on actual levels.
  const auto rank = [&](double q) {
    auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(reps)));
    return sorted[std::min(reps - 1, k == 0 ? 0 : k - 1)];
  };
  out.lower_level = rank((1.0 - config.confidence) / 2.0);
  out.upper_level = rank((1.0 + config.confidence) / 2.0);
  return out;
}

}  // namespace genlab::measure

#endif  // GENLAB_MEASURE_GAP_HPP
