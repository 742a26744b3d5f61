#ifndef GENLAB_SPLITS_LENGTH_GENERATOR_HPP
#define GENLAB_SPLITS_LENGTH_GENERATOR_HPP
// The generator of length-generalization tasks (the tasks, hints and example format are in
// genlab/splits/length.hpp): single examples as pure functions of (config, length, stream), and
// the whole dataset, make_length_dataset.

#include <algorithm>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

#include "genlab/core/dataset.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/parallel.hpp"
#include "genlab/core/random.hpp"
#include "genlab/splits/common.hpp"
#include "genlab/splits/length/config.hpp"

namespace genlab::splits {

/// Ids of the tokens a LengthTaskGenerator adds after the special ones (SpecialTokens), in
/// vocabulary order; -1 where the config does not use the token.
struct LengthTaskTokens {
  core::Token task = -1;               ///< <task_TASK> (task_token = true)
  std::map<HintTask, core::Token> hint;  ///< <hint_HINT> of each enabled hint (task_token = true)
  core::Token none = -1;               ///< <none>: successor/predecessor hints
  core::Token blank = -1;              ///< <blank>: fill hint
  core::Token numeral0 = -1;           ///< "0"; value v is numeral0 + v
  core::Token plus = -1;               ///< "+": addition
  core::Token equals = -1;             ///< "=": addition
  core::Token index_hint0 = -1;        ///< <h0>; index-hint symbol i is index_hint0 + i
};

namespace detail {

/// n values uniform on 0..V-1, redrawn until their mode is unique, so the result is uniform among
/// such lists. LengthTaskConfig::validate() refuses lengths where this succeeds with probability
/// below 1/4096, so for a validated config `max_draws` (2^20) is never reached in practice; if it
/// is, throws std::runtime_error naming n and V (catchable after a parallel loop too).
inline std::vector<std::uint32_t> draw_unique_mode_list(std::size_t n, std::uint32_t V, core::Philox4x32& g,
                                                        int max_draws = kMaxModeDraws) {
  std::vector<std::uint32_t> x(n);
  std::map<std::uint32_t, std::size_t> c;
  for (int t = 0; t < max_draws; ++t) {
    for (auto& v : x) v = core::uniform_index(g, V);
    c.clear();
    for (auto v : x) ++c[v];
    std::size_t top = 0, ties = 0;
    for (const auto& [v, k] : c) {
      if (k > top) top = k, ties = 1;
      else if (k == top) ++ties;
    }
    if (ties == 1) return x;
  }
  throw std::runtime_error("genlab::splits::LengthTaskGenerator (mode): no list of length " + std::to_string(n) +
                           " with a unique mode in " + std::to_string(max_draws) + " draws from num_values = " +
                           std::to_string(V));
}

}  // namespace detail

/// Generates single examples of a length task; every example is a pure function of
/// (config, length, stream), so data can be made online, in parallel, in any order.
class LengthTaskGenerator {
 public:
  explicit LengthTaskGenerator(LengthTaskConfig config) : cfg_(std::move(config)) {
    cfg_.validate();
    vocab_ = special_vocabulary();
    if (cfg_.task_token) {
      tok_.task = vocab_.add(std::string("<task_") + to_string(cfg_.task) + ">");
      for (auto h : cfg_.hints.tasks) tok_.hint[h] = vocab_.add(std::string("<hint_") + to_string(h) + ">");
    }
    if (cfg_.uses_hint(HintTask::successor) || cfg_.uses_hint(HintTask::predecessor)) tok_.none = vocab_.add("<none>");
    if (cfg_.uses_hint(HintTask::fill)) tok_.blank = vocab_.add("<blank>");
    std::size_t numerals = cfg_.num_values;
    if (cfg_.task == LengthTask::parity || cfg_.task == LengthTask::parity_scratchpad) numerals = 2;
    if (cfg_.is_addition()) numerals = 10;
    if (cfg_.uses_hint(HintTask::count)) numerals = std::max(numerals, cfg_.train_max_length);
    if (cfg_.uses_hint(HintTask::parity)) numerals = std::max<std::size_t>(numerals, 2);
    tok_.numeral0 = static_cast<core::Token>(vocab_.size());
    for (std::size_t v = 0; v < numerals; ++v) vocab_.add(std::to_string(v));
    if (cfg_.is_addition()) {
      tok_.plus = vocab_.add("+");
      tok_.equals = vocab_.add("=");
    }
    if (cfg_.is_index_hint_addition()) {
      tok_.index_hint0 = static_cast<core::Token>(vocab_.size());
      for (std::size_t h = 0; h < cfg_.hint_symbols(); ++h) vocab_.add("<h" + std::to_string(h) + ">");
    }
  }

  const LengthTaskConfig& config() const { return cfg_; }
  const core::Vocabulary& vocab() const { return vocab_; }
  /// Ids of the generator's own tokens (the special ones are SpecialTokens).
  const LengthTaskTokens& tokens() const { return tok_; }
  /// Token of value v.
  core::Token numeral(std::size_t v) const { return tok_.numeral0 + static_cast<core::Token>(v); }

  /// A main-task example of length n, drawn from `g`. O(n log n).
  core::Sequence main_example(std::size_t n, core::Philox4x32& g) const {
    std::vector<core::Token> prompt{SpecialTokens::bos}, answer;
    if (cfg_.task_token) prompt.push_back(tok_.task);
    switch (cfg_.task) {
      case LengthTask::sort:
      case LengthTask::copy:
      case LengthTask::reverse:
      case LengthTask::mode: {
        const auto x = cfg_.task == LengthTask::mode ? draw_unique_mode_list(n, g) : draw_list(n, g);
        for (auto v : x) prompt.push_back(numeral(v));
        std::vector<std::uint32_t> y = x;
        if (cfg_.task == LengthTask::sort) std::sort(y.begin(), y.end());
        if (cfg_.task == LengthTask::reverse) std::reverse(y.begin(), y.end());
        if (cfg_.task == LengthTask::mode) y = {mode_of(x)};
        for (auto v : y) answer.push_back(numeral(v));
        break;
      }
      case LengthTask::count: {
        const std::size_t a = detail::uniform_between(g, 0, cfg_.num_values - n);
        prompt.push_back(numeral(a));
        prompt.push_back(numeral(a + n - 1));
        for (std::size_t v = a; v < a + n; ++v) answer.push_back(numeral(v));
        break;
      }
      case LengthTask::parity:
      case LengthTask::parity_scratchpad: {
        std::uint32_t p = 0;
        for (std::size_t i = 0; i < n; ++i) {
          const std::uint32_t b = g() >> 31;
          prompt.push_back(numeral(b));
          p ^= b;
          if (cfg_.task == LengthTask::parity_scratchpad) answer.push_back(numeral(p));
        }
        if (cfg_.task == LengthTask::parity) answer.push_back(numeral(p));
        break;
      }
      default:
        addition(n, g, prompt, answer);
        return finish(prompt, answer, n);
    }
    prompt.push_back(SpecialTokens::sep);
    return finish(prompt, answer, n);
  }

  /// A hint example of list length n (Awasthi & Gupta), drawn from `g`. O(n log n).
  core::Sequence hint_example(HintTask hint, std::size_t n, core::Philox4x32& g) const {
    core::require(cfg_.uses_hint(hint), "genlab::splits::LengthTaskGenerator::hint_example", "hint", to_string(hint),
                  "a hint enabled in config().hints.tasks");
    const auto x = draw_list(n, g);
    std::vector<core::Token> prompt{SpecialTokens::bos, tok_.hint.at(hint)};
    for (auto v : x) prompt.push_back(numeral(v));
    prompt.push_back(SpecialTokens::sep);
    std::vector<std::uint32_t> sorted = x;
    std::sort(sorted.begin(), sorted.end());
    std::vector<core::Token> answer;
    if ((hint == HintTask::successor || hint == HintTask::predecessor) && cfg_.hints.all_positions) {
      // Interleaved x_i s(x_i): x_i is given (mask 0), s(x_i) is graded.
      core::Sequence s;
      s.tokens = prompt;
      s.loss_mask.assign(prompt.size(), 0);
      std::map<std::uint32_t, std::size_t> seen;
      for (auto v : x) {
        const std::size_t first = static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), v) - sorted.begin());
        const std::size_t pos = first + seen[v]++;  // k-th copy of v -> k-th copy in sorted order
        core::Token t = tok_.none;
        if (hint == HintTask::successor && pos + 1 < n) t = numeral(sorted[pos + 1]);
        if (hint == HintTask::predecessor && pos > 0) t = numeral(sorted[pos - 1]);
        s.tokens.push_back(numeral(v));
        s.loss_mask.push_back(0);
        s.tokens.push_back(t);
        s.loss_mask.push_back(1);
      }
      s.tokens.push_back(SpecialTokens::eos);
      s.loss_mask.push_back(1);
      s.group = static_cast<std::int64_t>(n);
      return s;
    }
    switch (hint) {
      case HintTask::successor:
      case HintTask::predecessor:
      case HintTask::count: {
        const std::uint32_t q = x[core::uniform_index(g, static_cast<std::uint32_t>(n))];
        prompt.push_back(numeral(q));
        prompt.push_back(SpecialTokens::sep);
        const auto lo = std::lower_bound(sorted.begin(), sorted.end(), q);
        const auto hi = std::upper_bound(sorted.begin(), sorted.end(), q);
        if (hint == HintTask::count) {
          answer.push_back(numeral(static_cast<std::size_t>(lo - sorted.begin())));
        } else if (hint == HintTask::successor) {
          // After q's first copy: q again if it repeats, else the next larger value.
          answer.push_back(lo + 1 != sorted.end() ? numeral(*(lo + 1)) : tok_.none);
        } else {
          // Before q's last copy: q again if it repeats, else the next smaller value.
          answer.push_back(hi - 1 != sorted.begin() ? numeral(*(hi - 2)) : tok_.none);
        }
        break;
      }
      case HintTask::fill: {
        std::vector<bool> blank(n);
        bool any = false;
        for (std::size_t i = 0; i < n; ++i) any |= blank[i] = detail::bernoulli(g, cfg_.hints.fill_blank_probability);
        if (!any) blank[core::uniform_index(g, static_cast<std::uint32_t>(n))] = true;
        for (std::size_t i = 0; i < n; ++i) {
          prompt.push_back(blank[i] ? tok_.blank : numeral(sorted[i]));
          if (blank[i]) answer.push_back(numeral(sorted[i]));
        }
        prompt.push_back(SpecialTokens::sep);
        break;
      }
      case HintTask::parity:
        for (auto v : x) answer.push_back(numeral(v % 2));
        break;
    }
    return finish(prompt, answer, n);
  }

  /// Training example `index`: length uniform on the training range, a hint with probability
  /// p_hint. Stream (seed, split 0, index).
  core::Sequence train_example(std::uint64_t index) const {
    auto g = detail::example_stream(cfg_.seed, 0, index);
    const std::size_t n = detail::uniform_between(g, cfg_.train_min_length, cfg_.train_max_length);
    if (!cfg_.hints.tasks.empty() && detail::bernoulli(g, cfg_.hints.probability)) {
      const auto h = cfg_.hints.tasks[core::uniform_index(g, static_cast<std::uint32_t>(cfg_.hints.tasks.size()))];
      return hint_example(h, n, g);
    }
    return main_example(n, g);
  }

  /// Main-task training example `index` exactly as a config without hints draws it (stream (seed,
  /// 0, index), length uniform on the training range): the same list whatever hints are enabled,
  /// unlike train_example, whose hint draw comes first. Additive hint mixing trains on these, so
  /// that its main-task examples are those of hint-free training with the same seed.
  core::Sequence main_train_example(std::uint64_t index) const {
    auto g = detail::example_stream(cfg_.seed, 0, index);
    const std::size_t n = detail::uniform_between(g, cfg_.train_min_length, cfg_.train_max_length);
    return main_example(n, g);
  }

  /// Hint training example `index` for additive mixing (every example a hint): stream (seed,
  /// kHintTrainSplit, index), length uniform on the training range, the hint uniform among those
  /// enabled. Throws std::invalid_argument when no hint is enabled.
  core::Sequence hint_train_example(std::uint64_t index) const {
    core::require(!cfg_.hints.tasks.empty(), "genlab::splits::LengthTaskGenerator::hint_train_example",
                  "hints.tasks.size()", 0, ">= 1 (a hint task to draw from)");
    auto g = detail::example_stream(cfg_.seed, kHintTrainSplit, index);
    const std::size_t n = detail::uniform_between(g, cfg_.train_min_length, cfg_.train_max_length);
    const auto h = cfg_.hints.tasks[core::uniform_index(g, static_cast<std::uint32_t>(cfg_.hints.tasks.size()))];
    return hint_example(h, n, g);
  }

  /// The split whose streams hint_train_example draws from: the last of the 2^24 splits, which
  /// LengthTaskConfig::validate keeps clear of the test lengths' splits 2 + k.
  static constexpr std::uint64_t kHintTrainSplit = (std::uint64_t{1} << 24) - 1;

  /// A main-task example of length n from stream (seed, split, index).
  core::Sequence example(std::size_t n, std::uint64_t split, std::uint64_t index) const {
    auto g = detail::example_stream(cfg_.seed, split, index);
    return main_example(n, g);
  }

 private:
  std::vector<std::uint32_t> draw_list(std::size_t n, core::Philox4x32& g) const {
    const auto V = static_cast<std::uint32_t>(cfg_.num_values);
    if (!cfg_.repeats) return detail::sample_without_replacement(g, V, static_cast<std::uint32_t>(n));
    std::vector<std::uint32_t> x(n);
    for (auto& v : x) v = core::uniform_index(g, V);
    return x;
  }

  // Most frequent value; callers guarantee it is unique.
  static std::uint32_t mode_of(const std::vector<std::uint32_t>& x) {
    std::map<std::uint32_t, std::size_t> c;
    for (auto v : x) ++c[v];
    std::uint32_t best = 0;
    std::size_t best_count = 0;
    for (const auto& [v, k] : c)
      if (k > best_count) best = v, best_count = k;
    return best;
  }

  // Uniform among lists whose mode is unique, by rejection (validate() bounds the acceptance).
  std::vector<std::uint32_t> draw_unique_mode_list(std::size_t n, core::Philox4x32& g) const {
    return detail::draw_unique_mode_list(n, static_cast<std::uint32_t>(cfg_.num_values), g);
  }

  void addition(std::size_t n, core::Philox4x32& g, std::vector<core::Token>& prompt,
                std::vector<core::Token>& answer) const {
    // Digits most significant first; exactly n digits, leading digit nonzero unless n = 1.
    std::vector<std::uint32_t> a(n), b(n);
    for (std::size_t i = 0; i < n; ++i) {
      const bool lead = i == 0 && n > 1;
      a[i] = lead ? 1 + core::uniform_index(g, 9) : core::uniform_index(g, 10);
      b[i] = lead ? 1 + core::uniform_index(g, 9) : core::uniform_index(g, 10);
    }
    std::vector<std::uint32_t> s(n + 1);  // s[0] is the carry digit
    std::uint32_t carry = 0;
    for (std::size_t i = n; i-- > 0;) {
      const std::uint32_t d = a[i] + b[i] + carry;
      s[i + 1] = d % 10;
      carry = d / 10;
    }
    s[0] = carry;
    if (cfg_.is_index_hint_addition()) {
      const std::size_t L = n + 1;
      const std::size_t o = detail::uniform_between(g, 0, cfg_.hint_symbols() - L);
      auto hint = [&](std::size_t i) { return tok_.index_hint0 + static_cast<core::Token>(o + i); };
      auto padded = [&](const std::vector<std::uint32_t>& d) {
        for (std::size_t i = 0; i < L; ++i) {
          prompt.push_back(hint(i));
          prompt.push_back(numeral(i == 0 ? 0 : d[i - 1]));
        }
      };
      padded(a);
      prompt.push_back(tok_.plus);
      padded(b);
      prompt.push_back(tok_.equals);
      for (std::size_t k = 0; k < L; ++k) {
        const std::size_t i = cfg_.task == LengthTask::addition_index_hints ? k : L - 1 - k;
        answer.push_back(hint(i));
        answer.push_back(numeral(s[i]));
      }
      return;
    }
    const bool rev = cfg_.task == LengthTask::addition_reversed;
    auto put = [&](std::vector<core::Token>& out, const std::vector<std::uint32_t>& d, std::size_t from) {
      if (rev)
        for (std::size_t i = d.size(); i-- > from;) out.push_back(numeral(d[i]));
      else
        for (std::size_t i = from; i < d.size(); ++i) out.push_back(numeral(d[i]));
    };
    put(prompt, a, 0);
    prompt.push_back(tok_.plus);
    put(prompt, b, 0);
    prompt.push_back(tok_.equals);
    put(answer, s, s[0] == 0 ? 1 : 0);
  }

  static core::Sequence finish(const std::vector<core::Token>& prompt, std::vector<core::Token> answer, std::size_t n) {
    answer.push_back(SpecialTokens::eos);
    return core::make_sequence(prompt, answer, static_cast<std::int64_t>(n));
  }

  LengthTaskConfig cfg_;
  core::Vocabulary vocab_;
  LengthTaskTokens tok_;
};

/// The tokens before the first graded one (the prompt), as a string key for set membership.
inline std::string prompt_key(const core::Sequence& s) {
  return std::string(reinterpret_cast<const char*>(s.tokens.data()), core::prompt_length(s) * sizeof(core::Token));
}

/// Name of the held-out split at length n: "test_len_<n>".
inline std::string length_split_name(std::size_t n) { return "test_len_" + std::to_string(n); }

/// The full dataset of a length task:
///   "train"          train_size examples (main task mixed with hints), lengths uniform on the range;
///   "test_id"        up to id_test_size main-task examples at training lengths whose prompts do
///                    not occur in train (fewer when the prompt space runs out: at most
///                    20·id_test_size + 1000 draws);
///   "test_len_<n>"   test_size_per_length main-task examples of exactly length n, per test length.
/// Split s uses streams (seed, s, i): train 0, test_id 1, the k-th test length 2 + k (the last
/// split, 2^24 − 1, is LengthTaskGenerator::hint_train_example's).
/// config() holds LengthTaskConfig::to_json() and the fingerprint. O(total tokens · log n),
/// parallel over examples (same result for any thread count).
inline core::Dataset make_length_dataset(const LengthTaskConfig& config) {
  const LengthTaskGenerator gen(config);
  core::Dataset ds(gen.vocab(), config.to_json());
  std::vector<core::Sequence> train(config.train_size);
  core::parallel_for(static_cast<std::int64_t>(train.size()),
                     [&](std::int64_t i) { train[static_cast<std::size_t>(i)] = gen.train_example(static_cast<std::uint64_t>(i)); });
  if (config.id_test_size > 0) {
    std::unordered_set<std::string> seen;
    for (const auto& s : train) seen.insert(prompt_key(s));
    std::vector<core::Sequence> id_test;
    const std::uint64_t max_draws = 20 * static_cast<std::uint64_t>(config.id_test_size) + 1000;
    for (std::uint64_t i = 0; i < max_draws && id_test.size() < config.id_test_size; ++i) {
      auto g = detail::example_stream(config.seed, 1, i);
      const std::size_t n = detail::uniform_between(g, config.train_min_length, config.train_max_length);
      auto s = gen.main_example(n, g);
      if (seen.insert(prompt_key(s)).second) id_test.push_back(std::move(s));
    }
    ds.set_split("train", std::move(train));
    ds.set_split("test_id", std::move(id_test));
  } else {
    ds.set_split("train", std::move(train));
  }
  for (std::size_t k = 0; k < config.test_lengths.size(); ++k) {
    const std::size_t n = config.test_lengths[k];
    std::vector<core::Sequence> test(config.test_size_per_length);
    core::parallel_for(static_cast<std::int64_t>(test.size()), [&](std::int64_t i) {
      test[static_cast<std::size_t>(i)] = gen.example(n, 2 + k, static_cast<std::uint64_t>(i));
    });
    ds.set_split(length_split_name(n), std::move(test));
  }
  record_fingerprint(ds);
  return ds;
}
}  // namespace genlab::splits

#endif  // GENLAB_SPLITS_LENGTH_GENERATOR_HPP
