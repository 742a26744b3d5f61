// Length-generalization tasks: every answer re-derived by an independent solver that works on
// the decoded strings, exact lengths and groups, held-out lengths, hints, packing, seeds, errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "genlab/splits/length.hpp"

using namespace genlab;
using splits::HintTask;
using splits::LengthTask;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> words(const core::Vocabulary& v, const std::vector<core::Token>& t, std::size_t b, std::size_t e) {
  std::vector<std::string> w;
  for (std::size_t i = b; i < e; ++i) w.push_back(v.token(t[i]));
  return w;
}

// Splits "<bos> [task] prompt... <sep>? | answer... <eos>" using the loss mask.
struct Parsed {
  std::string task;
  std::vector<std::string> prompt, answer;
};
Parsed parse(const core::Vocabulary& v, const core::Sequence& s) {
  Parsed p;
  REQUIRE(s.size() >= 3);
  REQUIRE(v.token(s.tokens[0]) == "<bos>");
  REQUIRE(v.token(s.tokens.back()) == "<eos>");
  REQUIRE(s.loss_mask.back() == 1);
  const std::size_t a = core::answer_start(s);
  REQUIRE(a != std::string::npos);
  std::size_t b = 1;
  if (v.token(s.tokens[1]).rfind("<task_", 0) == 0 || v.token(s.tokens[1]).rfind("<hint_", 0) == 0) p.task = v.token(s.tokens[b++]);
  p.prompt = words(v, s.tokens, b, a);
  p.answer = words(v, s.tokens, a, s.size() - 1);
  return p;
}

std::vector<long> nums(const std::vector<std::string>& w) {
  std::vector<long> x;
  for (const auto& s : w) x.push_back(std::stol(s));
  return x;
}
std::vector<std::string> strs(const std::vector<long>& x) {
  std::vector<std::string> w;
  for (auto v : x) w.push_back(std::to_string(v));
  return w;
}

// Decimal addition on digit strings (most significant first), the textbook way.
std::string add_strings(const std::string& a, const std::string& b) {
  std::string r;
  int carry = 0;
  for (std::size_t i = 0; i < std::max(a.size(), b.size()) || carry; ++i) {
    int d = carry;
    if (i < a.size()) d += a[a.size() - 1 - i] - '0';
    if (i < b.size()) d += b[b.size() - 1 - i] - '0';
    r.push_back(static_cast<char>('0' + d % 10));
    carry = d / 10;
  }
  while (r.size() > 1 && r.back() == '0') r.pop_back();
  std::reverse(r.begin(), r.end());
  return r;
}
std::string cat(const std::vector<std::string>& w, std::size_t b, std::size_t e) {
  std::string s;
  for (std::size_t i = b; i < e; ++i) s += w[i];
  return s;
}

// Independent solver: the expected answer words of a main-task prompt.
std::vector<std::string> solve(LengthTask task, const std::vector<std::string>& prompt_with_sep, std::size_t& n_out) {
  std::vector<std::string> prompt = prompt_with_sep;
  if (!prompt.empty() && prompt.back() == "<sep>") prompt.pop_back();
  switch (task) {
    case LengthTask::sort: {
      auto x = nums(prompt);
      std::sort(x.begin(), x.end());
      n_out = x.size();
      return strs(x);
    }
    case LengthTask::copy: n_out = prompt.size(); return prompt;
    case LengthTask::reverse: n_out = prompt.size(); return {prompt.rbegin(), prompt.rend()};
    case LengthTask::count: {
      const auto x = nums(prompt);
      REQUIRE(x.size() == 2);
      std::vector<long> y;
      for (long v = x[0]; v <= x[1]; ++v) y.push_back(v);
      n_out = y.size();
      return strs(y);
    }
    case LengthTask::mode: {
      std::map<std::string, int> c;
      for (const auto& w : prompt) ++c[w];
      int best = 0;
      for (auto& [w, k] : c) best = std::max(best, k);
      std::vector<std::string> tops;
      for (auto& [w, k] : c)
        if (k == best) tops.push_back(w);
      CHECK(tops.size() == 1);  // the generator promises a unique mode
      n_out = prompt.size();
      return {tops[0]};
    }
    case LengthTask::parity:
    case LengthTask::parity_scratchpad: {
      std::vector<std::string> run;
      int p = 0;
      for (const auto& w : prompt) {
        REQUIRE((w == "0" || w == "1"));
        p ^= w == "1";
        run.push_back(std::to_string(p));
      }
      n_out = prompt.size();
      if (task == LengthTask::parity) return {run.back()};
      return run;
    }
    case LengthTask::addition:
    case LengthTask::addition_reversed: {
      const auto plus = std::find(prompt.begin(), prompt.end(), "+") - prompt.begin();
      REQUIRE(prompt.back() == "=");
      std::string a = cat(prompt, 0, static_cast<std::size_t>(plus));
      std::string b = cat(prompt, static_cast<std::size_t>(plus) + 1, prompt.size() - 1);
      CHECK(a.size() == b.size());
      n_out = a.size();
      if (task == LengthTask::addition_reversed) {
        std::reverse(a.begin(), a.end());
        std::reverse(b.begin(), b.end());
      }
      std::string s = add_strings(a, b);
      if (task == LengthTask::addition_reversed) std::reverse(s.begin(), s.end());
      std::vector<std::string> out;
      for (char c : s) out.push_back(std::string(1, c));
      return out;
    }
    case LengthTask::addition_index_hints:
    case LengthTask::addition_index_hints_reversed: {
      // prompt: (h d)* + (h d)* =
      const auto plus = static_cast<std::size_t>(std::find(prompt.begin(), prompt.end(), "+") - prompt.begin());
      std::vector<std::string> ha, hb;
      std::string a, b;
      for (std::size_t i = 0; i < plus; i += 2) ha.push_back(prompt[i]), a += prompt[i + 1];
      for (std::size_t i = plus + 1; i + 1 < prompt.size(); i += 2) hb.push_back(prompt[i]), b += prompt[i + 1];
      CHECK(ha == hb);
      CHECK(a[0] == '0');  // padded with one leading zero for the carry
      std::string s = add_strings(a, b);
      s = std::string(a.size() - s.size(), '0') + s;
      std::vector<std::string> out;
      for (std::size_t k = 0; k < a.size(); ++k) {
        const std::size_t i = task == LengthTask::addition_index_hints ? k : a.size() - 1 - k;
        out.push_back(ha[i]);
        out.push_back(std::string(1, s[i]));
      }
      n_out = a.size() - 1;
      return out;
    }
  }
  return {};
}

splits::LengthTaskConfig small_task_config(LengthTask task) {
  splits::LengthTaskConfig c;
  c.task = task;
  c.num_values = 30;
  c.train_min_length = 1;
  c.train_max_length = 8;
  c.test_lengths = {10, 13};
  c.train_size = 300;
  c.id_test_size = 50;
  c.test_size_per_length = 20;
  c.seed = 7;
  return c;
}

}  // namespace

TEST_CASE("every task's answers match an independent solver, lengths and groups are exact", "[length]") {
  const LengthTask tasks[] = {LengthTask::sort,   LengthTask::copy,   LengthTask::reverse, LengthTask::count,
                              LengthTask::mode,   LengthTask::parity, LengthTask::parity_scratchpad,
                              LengthTask::addition, LengthTask::addition_reversed, LengthTask::addition_index_hints,
                              LengthTask::addition_index_hints_reversed};
  for (auto task : tasks)
    for (bool repeats : {true, false}) {
      if (task == LengthTask::mode && !repeats) continue;
      auto cfg = small_task_config(task);
      cfg.repeats = repeats;
      const auto ds = splits::make_length_dataset(cfg);
      INFO(splits::to_string(task) << " repeats=" << repeats);
      CHECK(ds.split("train").size() == 300);
      CHECK(ds.split("test_len_10").size() == 20);
      CHECK(ds.split("test_len_13").size() == 20);
      CHECK(ds.vocab().token(0) == "<pad>");
      CHECK(ds.vocab().token(3) == "<sep>");
      std::set<std::int64_t> train_lengths;
      for (const auto& [name, seqs] : ds.splits())
        for (const auto& s : seqs) {
          const auto p = parse(ds.vocab(), s);
          CHECK(p.task == std::string("<task_") + splits::to_string(task) + ">");
          std::size_t n = 0;
          const auto expect = solve(task, p.prompt, n);
          CHECK(p.answer == expect);
          CHECK(static_cast<std::int64_t>(n) == s.group);
          if (name == "train" || name == "test_id") {
            CHECK(s.group >= 1);
            CHECK(s.group <= 8);
            if (name == "train") train_lengths.insert(s.group);
          } else {
            CHECK(name == splits::length_split_name(static_cast<std::size_t>(s.group)));
          }
          if (!repeats && (task == LengthTask::copy || task == LengthTask::sort)) {
            std::vector<std::string> in(p.prompt.begin(), p.prompt.end() - 1);
            CHECK(std::set<std::string>(in.begin(), in.end()).size() == in.size());
          }
          if (task == LengthTask::sort) {
            const auto y = nums(p.answer);
            CHECK(std::is_sorted(y.begin(), y.end()));
          }
        }
      CHECK(train_lengths.size() == 8);  // all training lengths occur
      // No held-out length occurs in training; no test_id prompt occurs in train.
      CHECK(train_lengths.count(10) == 0);
      CHECK(train_lengths.count(13) == 0);
      std::set<std::string> train_prompts;
      for (const auto& s : ds.split("train")) train_prompts.insert(splits::prompt_key(s));
      for (const auto& s : ds.split("test_id")) CHECK(train_prompts.count(splits::prompt_key(s)) == 0);
    }
}

TEST_CASE("index-hint addition uses every hint symbol in training", "[length]") {
  auto cfg = small_task_config(LengthTask::addition_index_hints);
  cfg.train_size = 2000;
  const auto ds = splits::make_length_dataset(cfg);
  std::set<std::string> used;
  for (const auto& s : ds.split("train"))
    for (auto t : s.tokens)
      if (ds.vocab().token(t).rfind("<h", 0) == 0) used.insert(ds.vocab().token(t));
  CHECK(used.size() == cfg.hint_symbols());
  CHECK(cfg.hint_symbols() == 14);
}

TEST_CASE("task hints are mixed at the chosen probability and are answered correctly", "[length][hints]") {
  auto cfg = small_task_config(LengthTask::sort);
  cfg.train_size = 4000;
  cfg.hints.tasks = {HintTask::successor, HintTask::predecessor, HintTask::count, HintTask::fill, HintTask::parity};
  cfg.hints.probability = 0.3;
  const auto ds = splits::make_length_dataset(cfg);
  const auto& v = ds.vocab();
  std::size_t hinted = 0;
  std::map<std::string, std::size_t> per;
  for (const auto& s : ds.split("train")) {
    const auto p = parse(v, s);
    if (p.task == "<task_sort>") continue;
    ++hinted;
    ++per[p.task];
    // prompt = x.. <sep> [q <sep>] / [z.. <sep>]
    const auto sep = static_cast<std::size_t>(std::find(p.prompt.begin(), p.prompt.end(), "<sep>") - p.prompt.begin());
    auto x = nums({p.prompt.begin(), p.prompt.begin() + static_cast<std::ptrdiff_t>(sep)});
    CHECK(static_cast<std::int64_t>(x.size()) == s.group);
    auto sorted = x;
    std::sort(sorted.begin(), sorted.end());
    if (p.task == "<hint_successor>" || p.task == "<hint_predecessor>" || p.task == "<hint_count>") {
      REQUIRE(p.prompt.size() == sep + 3);
      const long q = std::stol(p.prompt[sep + 1]);
      CHECK(std::count(x.begin(), x.end(), q) >= 1);
      REQUIRE(p.answer.size() == 1);
      std::string want;
      const long copies = std::count(x.begin(), x.end(), q);
      if (p.task == "<hint_count>") {
        want = std::to_string(std::count_if(x.begin(), x.end(), [&](long y) { return y < q; }));
      } else if (p.task == "<hint_successor>") {
        long best = -1;
        for (long y : x)
          if (y > q && (best < 0 || y < best)) best = y;
        want = copies > 1 ? std::to_string(q) : best < 0 ? "<none>" : std::to_string(best);
      } else {
        long best = -1;
        for (long y : x)
          if (y < q && y > best) best = y;
        want = copies > 1 ? std::to_string(q) : best < 0 ? "<none>" : std::to_string(best);
      }
      CHECK(p.answer[0] == want);
    } else if (p.task == "<hint_fill>") {
      std::vector<std::string> z(p.prompt.begin() + static_cast<std::ptrdiff_t>(sep) + 1, p.prompt.end() - 1);
      REQUIRE(z.size() == x.size());
      std::vector<std::string> want;
      for (std::size_t i = 0; i < z.size(); ++i) {
        if (z[i] == "<blank>") want.push_back(std::to_string(sorted[i]));
        else CHECK(z[i] == std::to_string(sorted[i]));
      }
      CHECK(!want.empty());
      CHECK(p.answer == want);
    } else {
      REQUIRE(p.task == "<hint_parity>");
      std::vector<std::string> want;
      for (long y : x) want.push_back(std::to_string(y % 2));
      CHECK(p.answer == want);
    }
  }
  // p_hint = 0.3 of 4000: binomial sd ~ 29, allow 5 sd.
  CHECK(hinted > 1200 - 145);
  CHECK(hinted < 1200 + 145);
  CHECK(per.size() == 5);
  // Tests hold the main task only.
  for (const auto& s : ds.split("test_len_10")) CHECK(parse(v, s).task == "<task_sort>");
}

TEST_CASE("all-positions successor hint grades only the successors", "[length][hints]") {
  auto cfg = small_task_config(LengthTask::sort);
  cfg.num_values = 5;  // many repeats
  cfg.hints.tasks = {HintTask::successor, HintTask::predecessor};
  cfg.hints.all_positions = true;
  cfg.hints.probability = 1.0;
  const splits::LengthTaskGenerator gen(cfg);
  for (std::uint64_t i = 0; i < 200; ++i) {
    const auto s = gen.train_example(i);
    const auto& v = gen.vocab();
    const std::string task = v.token(s.tokens[1]);
    const std::size_t n = static_cast<std::size_t>(s.group);
    std::vector<long> x;
    for (std::size_t j = 0; j < n; ++j) x.push_back(std::stol(v.token(s.tokens[2 + j])));
    CHECK(v.token(s.tokens[2 + n]) == "<sep>");
    auto sorted = x;
    std::sort(sorted.begin(), sorted.end());
    // Pairs (x_i, s(x_i)); the k-th copy of a value is the k-th copy in sorted order.
    std::map<long, int> seen;
    for (std::size_t j = 0; j < n; ++j) {
      const std::size_t at = 3 + n + 2 * j;
      CHECK(std::stol(v.token(s.tokens[at])) == x[j]);
      CHECK(s.loss_mask[at] == 0);
      CHECK(s.loss_mask[at + 1] == 1);
      const std::size_t pos = static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), x[j]) - sorted.begin()) +
                              static_cast<std::size_t>(seen[x[j]]++);
      std::string want = "<none>";
      if (task == "<hint_successor>" && pos + 1 < n) want = std::to_string(sorted[pos + 1]);
      if (task == "<hint_predecessor>" && pos > 0) want = std::to_string(sorted[pos - 1]);
      CHECK(v.token(s.tokens[at + 1]) == want);
    }
    CHECK(s.size() == 3 + 3 * n + 1);
  }
}

TEST_CASE("a fixed seed gives a fixed dataset; the fingerprint is recorded and pinned", "[length][seed]") {
  auto cfg = small_task_config(LengthTask::sort);
  const auto a = splits::make_length_dataset(cfg);
  const auto b = splits::make_length_dataset(cfg);
  CHECK(a.split("train") == b.split("train"));
  CHECK(a.config() == b.config());
  const std::string fp = a.config().at("fingerprint_fnv1a64");
  CHECK(fp == splits::fingerprint_hex(splits::dataset_fingerprint(a)));
  CHECK(fp == "152a252f5062c340");
  cfg.seed = 8;
  const auto c = splits::make_length_dataset(cfg);
  CHECK(c.config().at("fingerprint_fnv1a64") != fp);
  CHECK(a.config().at("seed") == 7);
  CHECK(a.config().at("task") == "sort");
}

TEST_CASE("datasets round-trip through JSONL files identically", "[length][io]") {
  auto cfg = small_task_config(LengthTask::addition_index_hints);
  cfg.hints = {};
  const auto ds = splits::make_length_dataset(cfg);
  const fs::path dir = fs::temp_directory_path() / "genlab_splits_length_roundtrip";
  fs::remove_all(dir);
  core::write_dataset(dir, ds);
  const auto back = core::read_dataset(dir);
  CHECK(back.vocab() == ds.vocab());
  CHECK(back.config() == ds.config());
  CHECK(back.split_names() == ds.split_names());
  for (const auto& name : ds.split_names()) CHECK(back.split(name) == ds.split(name));
  CHECK(splits::dataset_fingerprint(back) == splits::dataset_fingerprint(ds));
  fs::remove_all(dir);
}

TEST_CASE("RASP-L packing fills fixed contexts with whole examples after a random offset", "[length][packing]") {
  auto cfg = small_task_config(LengthTask::copy);
  const auto ds = splits::make_length_dataset(cfg);
  const auto& train = ds.split("train");
  splits::PackingConfig pc;
  pc.context_length = 64;
  pc.max_offset = 16;
  pc.seed = 3;
  const auto packed = splits::pack_sequences(train, ds.vocab(), pc);
  // Unpack: skip pads, read examples <bos> ... <eos>; they must be the originals, in order.
  std::size_t next = 0;
  std::set<std::size_t> offsets;
  for (const auto& c : packed) {
    REQUIRE(c.size() == 64);
    std::size_t i = 0;
    while (i < c.size() && c.tokens[i] == 0) CHECK(c.loss_mask[i++] == 0);
    offsets.insert(i);
    while (i < c.size() && c.tokens[i] == 1) {
      const auto& s = train[next++];
      REQUIRE(i + s.size() <= c.size());
      CHECK(std::vector<core::Token>(c.tokens.begin() + static_cast<std::ptrdiff_t>(i),
                                     c.tokens.begin() + static_cast<std::ptrdiff_t>(i + s.size())) == s.tokens);
      CHECK(std::vector<std::uint8_t>(c.loss_mask.begin() + static_cast<std::ptrdiff_t>(i),
                                      c.loss_mask.begin() + static_cast<std::ptrdiff_t>(i + s.size())) == s.loss_mask);
      i += s.size();
    }
    for (; i < c.size(); ++i) CHECK((c.tokens[i] == 0 && c.loss_mask[i] == 0));
  }
  CHECK(next == train.size());
  CHECK(offsets.size() > 5);  // offsets vary
  pc.context_length = 5;
  CHECK_THROWS_WITH(splits::pack_sequences(train, ds.vocab(), pc), Catch::Contains("<= context_length = 5"));
}

TEST_CASE("bad length-task parameters get clear errors", "[length][errors]") {
  auto cfg = small_task_config(LengthTask::sort);
  cfg.train_max_length = 0;
  CHECK_THROWS_WITH(splits::make_length_dataset(cfg), Catch::Contains("'train_max_length' = 0") && Catch::Contains("empty length range"));
  cfg = small_task_config(LengthTask::sort);
  cfg.test_lengths = {10, 5};
  CHECK_THROWS_WITH(splits::make_length_dataset(cfg),
                    Catch::Contains("'test_lengths[i]' = 5; expected a held-out length outside the training range [1, 8]"));
  cfg = small_task_config(LengthTask::copy);
  cfg.repeats = false;
  cfg.test_lengths = {40};
  CHECK_THROWS_WITH(splits::make_length_dataset(cfg), Catch::Contains("'num_values' = 30"));
  cfg = small_task_config(LengthTask::count);
  cfg.hints.tasks = {HintTask::successor};
  CHECK_THROWS_WITH(splits::make_length_dataset(cfg), Catch::Contains("hints need a list task"));
  cfg = small_task_config(LengthTask::sort);
  cfg.hints.tasks = {HintTask::successor};
  cfg.task_token = false;
  CHECK_THROWS_WITH(splits::make_length_dataset(cfg), Catch::Contains("'task_token' = false"));
  cfg = small_task_config(LengthTask::sort);
  cfg.hints.probability = 1.5;
  CHECK_THROWS_WITH(splits::make_length_dataset(cfg), Catch::Contains("'hints.probability' = 1.5"));
  CHECK_THROWS_WITH(splits::length_task_from_string("sortt"), Catch::Contains("'name' = \"sortt\""));
  CHECK(splits::length_task_from_string("parity_scratchpad") == LengthTask::parity_scratchpad);
}
