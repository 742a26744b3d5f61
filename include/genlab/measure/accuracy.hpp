#ifndef GENLAB_MEASURE_ACCURACY_HPP
#define GENLAB_MEASURE_ACCURACY_HPP
// Accuracy by group: exact match (a proportion, with Wilson's interval) and per-token accuracy
// (a ratio of token counts over sequences, with a bootstrap interval that resamples whole
// sequences, since the tokens of one sequence are not independent), grouped by the sequence's
// label: its length, complexity level or split cell.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/io/csv.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/sequence.hpp"
#include "genlab/measure/bootstrap.hpp"

namespace genlab::measure {

/// One graded sequence: whether the whole answer matched, and how many graded tokens matched.
struct SequenceScore {
  std::int64_t group = -1;
  bool exact = false;
  std::size_t tokens_correct = 0;
  std::size_t tokens_graded = 0;
};

/// Scores `predicted_answer` (the model's tokens for the graded positions, in order) against
/// `target`'s graded tokens (loss_mask = 1). Exact match needs the same length and every token
/// equal; per-token accuracy counts position-wise matches over the target's graded positions
/// (a prediction that is too short or too long loses the missing positions, and a length
/// mismatch is never an exact match). O(length).
inline SequenceScore score_sequence(const core::Sequence& target, const std::vector<core::Token>& predicted_answer) {
  target.validate();
  SequenceScore s;
  s.group = target.group;
  std::size_t k = 0;
  for (std::size_t i = 0; i < target.tokens.size(); ++i) {
    if (!target.loss_mask[i]) continue;
    if (k < predicted_answer.size() && predicted_answer[k] == target.tokens[i]) ++s.tokens_correct;
    ++k;
  }
  s.tokens_graded = k;
  s.exact = predicted_answer.size() == k && s.tokens_correct == k;
  return s;
}

/// score_sequence over aligned lists. Throws std::invalid_argument if the lengths differ.
inline std::vector<SequenceScore> score_sequences(const std::vector<core::Sequence>& targets,
                                                  const std::vector<std::vector<core::Token>>& predicted_answers) {
  core::require(targets.size() == predicted_answers.size(), "genlab::measure::score_sequences",
                "predicted_answers.size()", predicted_answers.size(),
                "targets.size() = " + std::to_string(targets.size()));
  std::vector<SequenceScore> out;
  out.reserve(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) out.push_back(score_sequence(targets[i], predicted_answers[i]));
  return out;
}

/// Accuracy of one group.
struct GroupAccuracy {
  std::int64_t group = -1;
  std::size_t sequences = 0;
  ProportionInterval exact_match;  // Wilson interval
  std::size_t tokens_graded = 0;
  std::size_t tokens_correct = 0;
  BootstrapInterval token_accuracy;  // ratio estimator, sequences resampled
};

/// Settings of accuracy_by_group: the level of both intervals and the bootstrap for per-token
/// accuracy (its confidence is the one used; `bootstrap.confidence` is overwritten).
struct AccuracyConfig {
  double confidence = 0.95;
  BootstrapConfig bootstrap;

  void validate() const {
    detail::require_confidence(confidence, "genlab::measure::AccuracyConfig");
    BootstrapConfig b = bootstrap;
    b.confidence = confidence;
    b.validate();
  }
};

/// Accuracy table, one row per group in ascending label order.
struct AccuracyTable {
  AccuracyConfig config;
  std::vector<GroupAccuracy> groups;

  core::CsvTable to_csv() const {
    core::CsvTable t({"group", "sequences", "exact_match", "exact_match_lower", "exact_match_upper", "tokens_graded",
                      "token_accuracy", "token_accuracy_lower", "token_accuracy_upper"});
    for (const auto& g : groups)
      t.row(g.group, g.sequences, g.exact_match.estimate, g.exact_match.lower, g.exact_match.upper, g.tokens_graded,
            g.token_accuracy.estimate, g.token_accuracy.lower, g.token_accuracy.upper);
    return t;
  }
  core::Json to_json() const {
    core::Json rows = core::Json::array();
    for (const auto& g : groups) {
      core::Json tok;
      genlab::measure::to_json(tok, g.token_accuracy);
      rows.push_back({{"group", g.group},
                      {"sequences", g.sequences},
                      {"exact_match", {{"estimate", g.exact_match.estimate}, {"lower", g.exact_match.lower},
                                       {"upper", g.exact_match.upper}, {"method", "wilson"}}},
                      {"tokens_graded", g.tokens_graded},
                      {"token_accuracy", tok}});
    }
    return core::Json{{"confidence", config.confidence}, {"bootstrap_replicates", config.bootstrap.replicates},
                      {"seed", config.bootstrap.seed}, {"groups", rows}};
  }
};

/// Exact match (Wilson interval) and per-token accuracy (percentile bootstrap over the group's
/// sequences; bootstrap seed stream = config.bootstrap.seed + group index, so groups get
/// independent streams) for every group label present. A group whose sequences have no graded
/// token at all gets token accuracy 0 with a [0, 0] interval (documented, never NaN).
/// Throws std::invalid_argument on an empty list or an inconsistent score (tokens_correct >
/// tokens_graded, or exact with a wrong token), naming its index. O(replicates · n).
inline AccuracyTable accuracy_by_group(const std::vector<SequenceScore>& scores, const AccuracyConfig& config = {}) {
  config.validate();
  core::require(!scores.empty(), "genlab::measure::accuracy_by_group", "scores.size()", scores.size(),
                ">= 1 (no sequences to group)");
  std::map<std::int64_t, std::vector<const SequenceScore*>> by_group;
  for (std::size_t k = 0; k < scores.size(); ++k) {
    const auto& s = scores[k];
    // More correct than graded tokens would give a token accuracy above 1.
    core::require(s.tokens_correct <= s.tokens_graded, "genlab::measure::accuracy_by_group",
                  "scores[" + std::to_string(k) + "].tokens_correct", s.tokens_correct,
                  "<= tokens_graded = " + std::to_string(s.tokens_graded));
    core::require(!s.exact || s.tokens_correct == s.tokens_graded, "genlab::measure::accuracy_by_group",
                  "scores[" + std::to_string(k) + "].exact", s.exact,
                  "false when tokens_correct (" + std::to_string(s.tokens_correct) + ") < tokens_graded (" +
                      std::to_string(s.tokens_graded) + ")");
    by_group[s.group].push_back(&s);
  }
  AccuracyTable table;
  table.config = config;
  std::uint64_t stream = 0;
  for (const auto& [label, members] : by_group) {
    GroupAccuracy g;
    g.group = label;
    g.sequences = members.size();
    std::size_t exact = 0;
    for (const auto* s : members) {
      exact += s->exact;
      g.tokens_graded += s->tokens_graded;
      g.tokens_correct += s->tokens_correct;
    }
    g.exact_match = wilson_interval(exact, members.size(), config.confidence);
    BootstrapConfig b = config.bootstrap;
    b.confidence = config.confidence;
    b.seed = config.bootstrap.seed + stream++;
    if (g.tokens_graded == 0) {
      g.token_accuracy.config = b;  // nothing graded: a documented 0, not 0/0
    } else {
      const auto ratio = [&members](const std::vector<std::size_t>& idx) {
        std::size_t c = 0, n = 0;
        for (auto i : idx) {
          c += members[i]->tokens_correct;
          n += members[i]->tokens_graded;
        }
        return n ? static_cast<double>(c) / static_cast<double>(n) : 0.0;
      };
      g.token_accuracy = bootstrap_interval(members.size(), ratio, b);
    }
    table.groups.push_back(g);
  }
  return table;
}

/// Exact-match accuracy by group from aligned (group label, correct) lists, e.g. loaded
/// predictions: one Wilson interval per label, ascending. Throws on mismatched or empty lists.
/// O(n log groups).
inline std::vector<ProportionInterval> proportion_by_group(const std::vector<std::int64_t>& groups,
                                                           const std::vector<bool>& correct,
                                                           std::vector<std::int64_t>* labels = nullptr,
                                                           double confidence = 0.95) {
  constexpr const char* where = "genlab::measure::proportion_by_group";
  core::require(groups.size() == correct.size(), where, "correct.size()", correct.size(),
                "groups.size() = " + std::to_string(groups.size()));
  core::require(!groups.empty(), where, "groups.size()", groups.size(), ">= 1");
  std::map<std::int64_t, std::pair<std::size_t, std::size_t>> counts;  // label -> (correct, total)
  for (std::size_t i = 0; i < groups.size(); ++i) {
    auto& c = counts[groups[i]];
    c.first += correct[i];
    ++c.second;
  }
  std::vector<ProportionInterval> out;
  if (labels) labels->clear();
  for (const auto& [label, c] : counts) {
    out.push_back(wilson_interval(c.first, c.second, confidence));
    if (labels) labels->push_back(label);
  }
  return out;
}

}  // namespace genlab::measure

#endif  // GENLAB_MEASURE_ACCURACY_HPP
