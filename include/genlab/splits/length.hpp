#ifndef GENLAB_SPLITS_LENGTH_HPP
#define GENLAB_SPLITS_LENGTH_HPP
// Length-generalization tasks (Zhou et al. 2023, "What Algorithms can Transformers Learn?", RASP-L;
// Awasthi & Gupta 2023, "Improving Length-Generalization in Transformers via Task Hinting"),
// spec: shared/papers/length_grokking.md §1–2, §6.
//
// Every example is one core::Sequence
//     <bos> [<task_...>] prompt <sep> answer <eos>
// with loss_mask 0 on <bos>, the task token, the prompt and <sep>, and 1 on the answer and <eos>
// (Awasthi & Gupta's 0/1 mask; padding, added later, is 0). group = the example's length n.
//
// Tasks and what "length n" means (values are numeral tokens "0".."V-1"):
//   sort       x1..xn  -> the xi ascending                       (repeats on/off)
//   copy       x1..xn  -> x1..xn                                 (repeats off = copy-unique)
//   reverse    x1..xn  -> xn..x1
//   count      a b     -> a a+1 .. b  with n = b-a+1 outputs      (Zhou's count, apple/ml-np-rasp)
//   mode       x1..xn  -> the most frequent value; inputs are drawn uniformly among those whose
//                         mode is unique (rejection), so the answer is never a tie-break
//   parity     bits b1..bn -> (b1+..+bn) mod 2
//   parity_scratchpad  bits -> running parities p1..pn (pn is the answer)   [format: ours]
//   addition   a + b = -> a+b; both operands have exactly n digits (no leading zero unless n=1),
//              most significant digit first, the sum without leading zeros
//   addition_reversed  same, every number least significant digit first
//   addition_index_hints(_reversed)  Zhou et al.'s index hints (apple/ml-np-rasp add.py):
//              L = n+1 (room for the carry), operands zero-padded to L digits,
//              prompt  h_o d0 h_{o+1} d1 .. + h_o e0 .. =   (digits most significant first),
//              answer  h_o s0 h_{o+1} s1 ..  (forward) or  h_{o+L-1} s_{L-1} .. h_o s0  (reversed),
//              hint symbols <h0>..<h{H-1}>, a random offset o in [0, H-L] per example so that
//              training sees every symbol; H defaults to the longest length + 1.
//
// Task hints (Awasthi & Gupta §1.3 of the spec; the formats are ours, the names theirs). On the
// list tasks (sort, copy, reverse, mode) a training example is, with probability p_hint, one of
// these auxiliary tasks instead of the main one, chosen uniformly among those enabled, and marked
// by its own task token:
//   successor    x1..xn <sep> q  -> the element after q's first copy in sorted order (q itself
//                if q repeats), or <none> for the maximum.  all_positions form:
//                x1..xn <sep> x1 s(x1) .. xn s(xn), graded on the s(xi) only; the k-th copy of a
//                value maps to the k-th copy in sorted order and s is the next sorted element
//   predecessor  the mirror image (the element before q's last copy; <none> for the minimum)
//   count        x1..xn <sep> q  -> #{i : xi < q}  (q's rank)
//   fill         x1..xn <sep> z1..zn <sep> -> the blanked values in order, where z is the sorted
//                list with each position replaced by <blank> with probability fill_blank_probability
//                (at least one blank)
//   parity       x1..xn -> (x1 mod 2) .. (xn mod 2)
// Test sets always hold the main task only.
//
// Vocabulary, in id order: <pad> <bos> <eos> <sep>; the task tokens <task_TASK> then
// <hint_HINT> for the enabled hints (only with task_token = true); <none> and <blank> when a hint
// needs them; the numerals "0".."N-1"; then "+" "=" and the hint symbols for addition. N is
// num_values (2 for parity, 10 for addition), raised to the longest training length when the
// count hint needs ranks that large.

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_set>
#include <vector>

#include "genlab/core/dataset.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/parallel.hpp"
#include "genlab/core/random.hpp"
#include "genlab/splits/common.hpp"

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

/// The task named `name` (as written by to_string); throws std::invalid_argument otherwise.
inline LengthTask length_task_from_string(const std::string& name) {
  for (int i = 0; i <= static_cast<int>(LengthTask::addition_index_hints_reversed); ++i)
    if (name == to_string(static_cast<LengthTask>(i))) return static_cast<LengthTask>(i);
  core::throw_invalid_argument("genlab::splits::length_task_from_string", "name", name,
                               "sort, copy, reverse, count, mode, parity, parity_scratchpad, addition, "
                               "addition_reversed, addition_index_hints or addition_index_hints_reversed");
}

/// The hint task named `name`; throws std::invalid_argument otherwise.
inline HintTask hint_task_from_string(const std::string& name) {
  for (int i = 0; i <= static_cast<int>(HintTask::parity); ++i)
    if (name == to_string(static_cast<HintTask>(i))) return static_cast<HintTask>(i);
  core::throw_invalid_argument("genlab::splits::hint_task_from_string", "name", name,
                               "successor, predecessor, count, fill or parity");
}

/// Auxiliary hint tasks mixed into training (Awasthi & Gupta 2023).
struct HintConfig {
  std::vector<HintTask> tasks;         ///< enabled hints; empty = no hinting
  double probability = 0.5;            ///< p_hint: chance that a training example is a hint example
  bool all_positions = false;          ///< successor/predecessor: all-positions form instead of one query
  double fill_blank_probability = 0.5; ///< fill: chance that a sorted position is blanked
};

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

  /// Throws std::invalid_argument naming the offending parameter.
  void validate() const {
    const char* where = "genlab::splits::LengthTaskConfig::validate";
    core::require(train_min_length >= 1, where, "train_min_length", train_min_length, ">= 1");
    core::require(train_max_length >= train_min_length, where, "train_max_length", train_max_length,
                  ">= train_min_length = " + std::to_string(train_min_length) + " (an empty length range)");
    core::require(train_max_length < (std::size_t{1} << 24), where, "train_max_length", train_max_length, "< 2^24");
    for (auto n : test_lengths) {
      core::require(n >= 1 && n < (std::size_t{1} << 24), where, "test_lengths[i]", n, "in 1..2^24-1");
      core::require(n < train_min_length || n > train_max_length, where, "test_lengths[i]", n,
                    "a held-out length outside the training range [" + std::to_string(train_min_length) + ", " +
                        std::to_string(train_max_length) + "]");
    }
    if (!is_addition() && task != LengthTask::parity && task != LengthTask::parity_scratchpad) {
      core::require(num_values >= 2 && num_values <= (std::size_t{1} << 24), where, "num_values", num_values,
                    "in 2..2^24");
      const bool distinct = task == LengthTask::count || !repeats;
      if (distinct)
        core::require(longest_length() <= num_values, where, "num_values", num_values,
                      ">= the longest length " + std::to_string(longest_length()) +
                          (task == LengthTask::count ? " (count outputs n distinct values)"
                                                     : " (repeats = false needs n distinct values)"));
    }
    if (task == LengthTask::mode)
      core::require(repeats, where, "repeats", repeats, "true for mode (distinct values have no unique mode)");
    core::require(hints.probability >= 0.0 && hints.probability <= 1.0, where, "hints.probability",
                  hints.probability, "in [0, 1]");
    core::require(hints.fill_blank_probability > 0.0 && hints.fill_blank_probability <= 1.0, where,
                  "hints.fill_blank_probability", hints.fill_blank_probability, "in (0, 1]");
    if (!hints.tasks.empty()) {
      core::require(is_list_task(), where, "hints.tasks", hints.tasks.size(),
                    std::string("no hints for task ") + to_string(task) + " (hints need a list task: sort, copy, reverse, mode)");
      core::require(task_token, where, "task_token", task_token, "true when hints are mixed in");
      for (std::size_t i = 0; i < hints.tasks.size(); ++i)
        for (std::size_t j = i + 1; j < hints.tasks.size(); ++j)
          core::require(hints.tasks[i] != hints.tasks[j], where, "hints.tasks", to_string(hints.tasks[i]),
                        "each hint listed once");
    }
    if (is_index_hint_addition())
      core::require(hint_symbols() >= longest_length() + 1, where, "index_hint_symbols", index_hint_symbols,
                    "0 or >= the longest length + 1 = " + std::to_string(longest_length() + 1));
    core::require(train_size >= 1, where, "train_size", train_size, ">= 1");
  }

  core::Json to_json() const {
    core::Json j;
    j["generator"] = "genlab::splits::make_length_dataset";
    j["task"] = to_string(task);
    j["num_values"] = num_values;
    j["repeats"] = repeats;
    j["train_min_length"] = train_min_length;
    j["train_max_length"] = train_max_length;
    j["test_lengths"] = test_lengths;
    j["train_size"] = train_size;
    j["id_test_size"] = id_test_size;
    j["test_size_per_length"] = test_size_per_length;
    j["task_token"] = task_token;
    std::vector<std::string> h;
    for (auto t : hints.tasks) h.push_back(to_string(t));
    j["hints"] = {{"tasks", h},
                  {"probability", hints.probability},
                  {"all_positions", hints.all_positions},
                  {"fill_blank_probability", hints.fill_blank_probability}};
    j["index_hint_symbols"] = hint_symbols();
    j["seed"] = seed;
    return j;
  }
};

/// Generates single examples of a length task; every example is a pure function of
/// (config, length, stream), so data can be made online, in parallel, in any order.
class LengthTaskGenerator {
 public:
  explicit LengthTaskGenerator(LengthTaskConfig config) : cfg_(std::move(config)) {
    cfg_.validate();
    vocab_ = special_vocabulary();
    if (cfg_.task_token) {
      task_tok_ = vocab_.add(std::string("<task_") + to_string(cfg_.task) + ">");
      for (auto h : cfg_.hints.tasks) hint_tok_[h] = vocab_.add(std::string("<hint_") + to_string(h) + ">");
    }
    if (cfg_.uses_hint(HintTask::successor) || cfg_.uses_hint(HintTask::predecessor)) none_ = vocab_.add("<none>");
    if (cfg_.uses_hint(HintTask::fill)) blank_ = vocab_.add("<blank>");
    std::size_t numerals = cfg_.num_values;
    if (cfg_.task == LengthTask::parity || cfg_.task == LengthTask::parity_scratchpad) numerals = 2;
    if (cfg_.is_addition()) numerals = 10;
    if (cfg_.uses_hint(HintTask::count)) numerals = std::max(numerals, cfg_.train_max_length);
    if (cfg_.uses_hint(HintTask::parity)) numerals = std::max<std::size_t>(numerals, 2);
    numeral0_ = static_cast<core::Token>(vocab_.size());
    for (std::size_t v = 0; v < numerals; ++v) vocab_.add(std::to_string(v));
    if (cfg_.is_addition()) {
      plus_ = vocab_.add("+");
      equals_ = vocab_.add("=");
    }
    if (cfg_.is_index_hint_addition()) {
      hint0_ = static_cast<core::Token>(vocab_.size());
      for (std::size_t h = 0; h < cfg_.hint_symbols(); ++h) vocab_.add("<h" + std::to_string(h) + ">");
    }
  }

  const LengthTaskConfig& config() const { return cfg_; }
  const core::Vocabulary& vocab() const { return vocab_; }
  /// Token of value v.
  core::Token numeral(std::size_t v) const { return numeral0_ + static_cast<core::Token>(v); }

  /// A main-task example of length n, drawn from `g`. O(n log n).
  core::Sequence main_example(std::size_t n, core::Philox4x32& g) const {
    std::vector<core::Token> prompt{core::Token{1}}, answer;
    if (cfg_.task_token) prompt.push_back(task_tok_);
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
    prompt.push_back(core::Token{3});
    return finish(prompt, answer, n);
  }

  /// A hint example of list length n (Awasthi & Gupta), drawn from `g`. O(n log n).
  core::Sequence hint_example(HintTask hint, std::size_t n, core::Philox4x32& g) const {
    core::require(cfg_.uses_hint(hint), "genlab::splits::LengthTaskGenerator::hint_example", "hint", to_string(hint),
                  "a hint enabled in config().hints.tasks");
    const auto x = draw_list(n, g);
    std::vector<core::Token> prompt{core::Token{1}, hint_tok_.at(hint)};
    for (auto v : x) prompt.push_back(numeral(v));
    prompt.push_back(core::Token{3});
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
        core::Token t = none_;
        if (hint == HintTask::successor && pos + 1 < n) t = numeral(sorted[pos + 1]);
        if (hint == HintTask::predecessor && pos > 0) t = numeral(sorted[pos - 1]);
        s.tokens.push_back(numeral(v));
        s.loss_mask.push_back(0);
        s.tokens.push_back(t);
        s.loss_mask.push_back(1);
      }
      s.tokens.push_back(core::Token{2});
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
        prompt.push_back(core::Token{3});
        const auto lo = std::lower_bound(sorted.begin(), sorted.end(), q);
        const auto hi = std::upper_bound(sorted.begin(), sorted.end(), q);
        if (hint == HintTask::count) {
          answer.push_back(numeral(static_cast<std::size_t>(lo - sorted.begin())));
        } else if (hint == HintTask::successor) {
          // After q's first copy: q again if it repeats, else the next larger value.
          answer.push_back(lo + 1 != sorted.end() ? numeral(*(lo + 1)) : none_);
        } else {
          // Before q's last copy: q again if it repeats, else the next smaller value.
          answer.push_back(hi - 1 != sorted.begin() ? numeral(*(hi - 2)) : none_);
        }
        break;
      }
      case HintTask::fill: {
        std::vector<bool> blank(n);
        bool any = false;
        for (std::size_t i = 0; i < n; ++i) any |= blank[i] = detail::bernoulli(g, cfg_.hints.fill_blank_probability);
        if (!any) blank[core::uniform_index(g, static_cast<std::uint32_t>(n))] = true;
        for (std::size_t i = 0; i < n; ++i) {
          prompt.push_back(blank[i] ? blank_ : numeral(sorted[i]));
          if (blank[i]) answer.push_back(numeral(sorted[i]));
        }
        prompt.push_back(core::Token{3});
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

  // Uniform among lists whose mode is unique, by rejection.
  std::vector<std::uint32_t> draw_unique_mode_list(std::size_t n, core::Philox4x32& g) const {
    constexpr int kMaxTries = 1 << 20;
    for (int t = 0; t < kMaxTries; ++t) {
      auto x = draw_list(n, g);
      std::map<std::uint32_t, std::size_t> c;
      for (auto v : x) ++c[v];
      std::size_t top = 0, ties = 0;
      for (const auto& [v, k] : c) {
        if (k > top) top = k, ties = 1;
        else if (k == top) ++ties;
      }
      if (ties == 1) return x;
    }
    core::throw_invalid_argument("genlab::splits::LengthTaskGenerator (mode)", "num_values", cfg_.num_values,
                                 "small enough that lists of length " + std::to_string(n) +
                                     " have a unique mode often (2^20 draws found none)");
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
      auto hint = [&](std::size_t i) { return hint0_ + static_cast<core::Token>(o + i); };
      auto padded = [&](const std::vector<std::uint32_t>& d) {
        for (std::size_t i = 0; i < L; ++i) {
          prompt.push_back(hint(i));
          prompt.push_back(numeral(i == 0 ? 0 : d[i - 1]));
        }
      };
      padded(a);
      prompt.push_back(plus_);
      padded(b);
      prompt.push_back(equals_);
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
    prompt.push_back(plus_);
    put(prompt, b, 0);
    prompt.push_back(equals_);
    put(answer, s, s[0] == 0 ? 1 : 0);
  }

  static core::Sequence finish(const std::vector<core::Token>& prompt, std::vector<core::Token> answer, std::size_t n) {
    answer.push_back(core::Token{2});
    return core::make_sequence(prompt, answer, static_cast<std::int64_t>(n));
  }

  LengthTaskConfig cfg_;
  core::Vocabulary vocab_;
  core::Token task_tok_ = -1, none_ = -1, blank_ = -1, numeral0_ = -1, plus_ = -1, equals_ = -1, hint0_ = -1;
  std::map<HintTask, core::Token> hint_tok_;
};

/// The tokens before the first graded one (the prompt), as a string key for set membership.
inline std::string prompt_key(const core::Sequence& s) {
  std::size_t end = 0;
  while (end < s.loss_mask.size() && !s.loss_mask[end]) ++end;
  return std::string(reinterpret_cast<const char*>(s.tokens.data()), end * sizeof(core::Token));
}

/// Name of the held-out split at length n: "test_len_<n>".
inline std::string length_split_name(std::size_t n) { return "test_len_" + std::to_string(n); }

/// The full dataset of a length task:
///   "train"          train_size examples (main task mixed with hints), lengths uniform on the range;
///   "test_id"        up to id_test_size main-task examples at training lengths whose prompts do
///                    not occur in train (fewer when the prompt space runs out: at most
///                    20·id_test_size + 1000 draws);
///   "test_len_<n>"   test_size_per_length main-task examples of exactly length n, per test length.
/// Split s uses streams (seed, s, i): train 0, test_id 1, the k-th test length 2 + k.
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

/// RASP-L-style packing (Zhou et al. 2023): several examples per fixed-size context, starting at
/// a random offset, so that every absolute position is trained.
struct PackingConfig {
  std::size_t context_length = 256;
  std::size_t max_offset = 64;  ///< each context starts with o ~ U{0..min(max_offset, room)} <pad> tokens
  std::uint64_t seed = 0;
  void validate() const {
    core::require(context_length >= 1, "genlab::splits::PackingConfig::validate", "context_length", context_length, ">= 1");
  }
};

/// Packs `seqs`, in order, into contexts of exactly context_length tokens: o random <pad>
/// (mask 0), then whole examples while they fit, then <pad> (mask 0) to the end. An example
/// never straddles two contexts. Context c draws its offset from stream (seed, 0, c).
/// group = -1 (a context mixes lengths). Throws if an example is longer than the context.
/// O(total tokens).
inline std::vector<core::Sequence> pack_sequences(const std::vector<core::Sequence>& seqs, const core::Vocabulary& vocab,
                                                  const PackingConfig& config) {
  config.validate();
  const core::Token pad = vocab.id(kPadToken);
  std::vector<core::Sequence> out;
  std::size_t i = 0;
  while (i < seqs.size()) {
    core::require(seqs[i].size() <= config.context_length, "genlab::splits::pack_sequences", "seqs[i].size()",
                  seqs[i].size(), "<= context_length = " + std::to_string(config.context_length));
    auto g = detail::example_stream(config.seed, 0, out.size());
    const std::size_t room = config.context_length - seqs[i].size();
    const std::size_t o = detail::uniform_between(g, 0, std::min(config.max_offset, room));
    core::Sequence c;
    c.tokens.assign(o, pad);
    c.loss_mask.assign(o, 0);
    while (i < seqs.size() && c.size() + seqs[i].size() <= config.context_length) {
      c.tokens.insert(c.tokens.end(), seqs[i].tokens.begin(), seqs[i].tokens.end());
      c.loss_mask.insert(c.loss_mask.end(), seqs[i].loss_mask.begin(), seqs[i].loss_mask.end());
      ++i;
    }
    c.tokens.resize(config.context_length, pad);
    c.loss_mask.resize(config.context_length, 0);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace genlab::splits

#endif  // GENLAB_SPLITS_LENGTH_HPP
