#ifndef GENLAB_SPLITS_SCAN_HPP
#define GENLAB_SPLITS_SCAN_HPP
// SCAN (Lake & Baroni, ICML 2018) generated from its grammar, with every standard split of the
// brendenlake/SCAN repository reproduced in size (Lake & Baroni, "Generalization without
// Systematicity: On the Compositional Skills of Sequence-to-Sequence Recurrent Networks", ICML 2018,
// §3 and its experiments 1–4; Loula, Baroni & Lake, "Rearranging the Familiar: Testing Compositional
// Generalization in Recurrent Networks", BlackboxNLP 2018, for the template, filler and few-shot splits).
//
//   C -> S and S | S after S | S           S -> V twice | V thrice | V
//   V -> D[1] opposite D[2] | D[1] around D[2] | D | U
//   D -> U left | U right | turn left | turn right          U -> walk | look | run | jump
//
// 4 U, 10 D, 34 V, 102 S and 102 + 2·102² = 20,910 commands, all distinct. Semantics
// (T(d) = I_TURN_LEFT / I_TURN_RIGHT):  [[u]] = I_U, [[turn d]] = T(d), [[u d]] = T(d) I_U,
// [[turn opposite d]] = T(d) T(d), [[u opposite d]] = T(d) T(d) I_U, [[turn around d]] = T(d)×4,
// [[u around d]] = (T(d) I_U)×4, [[x twice]] = [[x]]×2, [[x thrice]] = [[x]]×3,
// [[x1 and x2]] = [[x1]] [[x2]], [[x1 after x2]] = [[x2]] [[x1]].
//
// Commands are enumerated in a fixed grammar order (scan_commands()). A split is a list of
// command indices for train (with repetitions where the reference oversamples) and for test.
// Train rows keep grammar order (repeated primitives last); the reference files are shuffled,
// which changes order only. Split names and reference sizes (train rows / test):
//   simple 16,728/4,182 (random 80%), simple_p{1,2,4,8,16,32,64} floor(p%·20,910)/rest,
//   length 16,990/3,920 (train output length <= 22, test >= 24),
//   addprim_jump 14,670/7,706, addprim_turn_left 21,890/1,208 (primitive repeated base/9 times),
//   addprim_jump_num{N}_rep{r}, N = 1, 2, 4, 8, 16, 32, r = 1..5 ("jump" + N random complex jump
//   commands, each of the N+1 repeated round(1467/(N+1)) times; test 7,706 − N),
//   template_around_right, template_opposite_right, template_right 15,225/4,476,
//   template_jump_around_right 18,528/1,173 (1,209 commands with the turn form are dropped),
//   filler_num{0,1,2,3} 15,225/16,290/17,391/18,528 vs 1,173,
//   fewshot_num{N}_rep{r}, N = 1, 2, 4, ..., 1024, r = 1..5: 15,225 + N / 1,173.
// Naming scheme: the standard names as the reference spells them; a family whose members are
// random draws repeated in the reference (addprim_jump_num{N}, fewshot_num{N}) always carries the
// replicate as `_rep{r}`, r = 1, 2, ... (1-based, like the reference's files), and nothing else
// does. Replicate r of a family under `seed` is Philox stream (seed, family·2^16 + r, N): replicates
// and families are independent draws, and the same (name, seed) always gives the same split.

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "genlab/core/dataset.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/io/atomic_file.hpp"
#include "genlab/core/random.hpp"
#include "genlab/splits/common.hpp"

namespace genlab::splits {

/// One SCAN command, its action sequence, and its derivation rendered as a tree
/// ("and ( twice ( around ( jump , right ) ) , walk )"), which tree_compounds() (dbca.hpp) reads.
struct ScanExample {
  std::string command;
  std::string actions;
  std::string tree;
  std::size_t action_count = 0;
};

namespace detail {

struct ScanPhrase {
  std::string words, actions, tree;
};

inline std::string scan_turn(const std::string& d) { return d == "left" ? "I_TURN_LEFT" : "I_TURN_RIGHT"; }
inline std::string scan_act(const std::string& u) {
  std::string s = "I_" + u;
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}
inline std::string repeat_join(const std::string& x, int k) {
  std::string r;
  for (int i = 0; i < k; ++i) r += (i ? " " : "") + x;
  return r;
}

// The 34 V phrases in grammar order: opposite, around, D, U.
inline std::vector<ScanPhrase> scan_v_phrases() {
  const std::array<const char*, 4> us{"walk", "look", "run", "jump"};
  const std::array<const char*, 2> ds{"left", "right"};
  std::vector<ScanPhrase> v;
  std::vector<std::string> heads(us.begin(), us.end());
  heads.push_back("turn");
  for (const char* mod : {"opposite", "around"})
    for (const auto& u : heads)
      for (const char* d : ds) {
        const std::string t = scan_turn(d);
        ScanPhrase p;
        p.words = u + " " + mod + " " + d;
        p.tree = std::string(mod) + " ( " + u + " , " + d + " )";
        if (std::string(mod) == "opposite") p.actions = u == "turn" ? t + " " + t : t + " " + t + " " + scan_act(u);
        else p.actions = u == "turn" ? repeat_join(t, 4) : repeat_join(t + " " + scan_act(u), 4);
        v.push_back(p);
      }
  for (const auto& u : heads)
    for (const char* d : ds) {
      const std::string t = scan_turn(d);
      v.push_back({u + " " + d, u == "turn" ? t : t + " " + scan_act(u), std::string(d) + " ( " + u + " )"});
    }
  for (const char* u : us) v.push_back({u, scan_act(u), u});
  return v;
}

inline std::vector<ScanPhrase> scan_s_phrases() {
  std::vector<ScanPhrase> s;
  for (const auto& v : scan_v_phrases()) {
    s.push_back({v.words + " twice", repeat_join(v.actions, 2), "twice ( " + v.tree + " )"});
    s.push_back({v.words + " thrice", repeat_join(v.actions, 3), "thrice ( " + v.tree + " )"});
    s.push_back(v);
  }
  return s;
}

inline std::size_t count_words(const std::string& s) {
  std::istringstream is(s);
  std::size_t n = 0;
  std::string w;
  while (is >> w) ++n;
  return n;
}

/// Whether `phrase` occurs in `command` as a whole-word substring.
inline bool contains_phrase(const std::string& command, const std::string& phrase) {
  for (std::size_t at = command.find(phrase); at != std::string::npos; at = command.find(phrase, at + 1)) {
    const std::size_t end = at + phrase.size();
    if ((at == 0 || command[at - 1] == ' ') && (end == command.size() || command[end] == ' ')) return true;
  }
  return false;
}

}  // namespace detail

/// All 20,910 SCAN commands in grammar order: the 102 single S, then S and S, then S after S
/// (each over S × S in order). Built once (about 300k action tokens), then shared.
inline const std::vector<ScanExample>& scan_commands() {
  static const std::vector<ScanExample> all = [] {
    const auto s = detail::scan_s_phrases();
    std::vector<ScanExample> c;
    c.reserve(s.size() + 2 * s.size() * s.size());
    auto add = [&](std::string words, std::string actions, std::string tree) {
      ScanExample e;
      e.command = std::move(words);
      e.actions = std::move(actions);
      e.tree = std::move(tree);
      e.action_count = detail::count_words(e.actions);
      c.push_back(std::move(e));
    };
    for (const auto& x : s) add(x.words, x.actions, x.tree);
    for (const auto& x : s)
      for (const auto& y : s) add(x.words + " and " + y.words, x.actions + " " + y.actions, "and ( " + x.tree + " , " + y.tree + " )");
    for (const auto& x : s)
      for (const auto& y : s)
        add(x.words + " after " + y.words, y.actions + " " + x.actions, "after ( " + x.tree + " , " + y.tree + " )");
    return c;
  }();
  return all;
}

/// Index of `command` in scan_commands(); throws std::invalid_argument if SCAN's grammar does
/// not generate it. O(1) after a one-time index build.
inline std::size_t scan_index(const std::string& command) {
  static const std::unordered_map<std::string, std::size_t> index = [] {
    std::unordered_map<std::string, std::size_t> m;
    const auto& c = scan_commands();
    for (std::size_t i = 0; i < c.size(); ++i) m.emplace(c[i].command, i);
    return m;
  }();
  const auto it = index.find(command);
  core::require(it != index.end(), "genlab::splits::scan_index", "command", command, "a command of SCAN's grammar");
  return it->second;
}

/// The action sequence of a SCAN command (the grammar's semantics); throws for non-commands.
inline const std::string& scan_interpret(const std::string& command) { return scan_commands()[scan_index(command)].actions; }

/// A SCAN split: command indices (into scan_commands()) for train (with repetitions) and test.
struct ScanSplit {
  std::string name;
  std::vector<std::size_t> train, test;
  core::Json config = core::Json::object();
};

/// The split as JSON: name, config and the train/test index lists (into scan_commands()).
inline core::Json to_json(const ScanSplit& s) {
  return core::Json{{"name", s.name}, {"config", s.config}, {"train", s.train}, {"test", s.test}};
}

namespace detail {

inline ScanSplit scan_make(std::string name, core::Json config) {
  ScanSplit s;
  s.name = std::move(name);
  s.config = std::move(config);
  s.config["generator"] = "genlab::splits::scan_split";
  s.config["split"] = s.name;
  return s;
}

// Random (seeded) train subset of size n_train; the rest is test, both in grammar order.
inline ScanSplit scan_random(const std::string& name, std::size_t n_train, std::uint64_t seed) {
  const std::size_t n = scan_commands().size();
  std::vector<std::uint32_t> perm(n);
  for (std::size_t i = 0; i < n; ++i) perm[i] = static_cast<std::uint32_t>(i);
  auto g = core::philox_stream(seed, 0);
  core::shuffle(perm.begin(), perm.end(), g);
  std::vector<bool> in_train(n, false);
  for (std::size_t i = 0; i < n_train; ++i) in_train[perm[i]] = true;
  ScanSplit s = scan_make(name, {{"seed", seed}});
  for (std::size_t i = 0; i < n; ++i) (in_train[i] ? s.train : s.test).push_back(i);
  return s;
}

inline const std::array<const char*, 4>& scan_primitives() {
  static const std::array<const char*, 4> p{"walk", "look", "run", "jump"};
  return p;
}

// Does the command contain "<u> <tail>" for some u in us?
inline bool contains_any(const std::string& cmd, const std::vector<std::string>& us, const std::string& tail) {
  for (const auto& u : us)
    if (contains_phrase(cmd, u + " " + tail)) return true;
  return false;
}

}  // namespace detail

/// simple: a random train_fraction of the commands (default 80%: 16,728 / 4,182).
inline ScanSplit scan_simple_split(std::uint64_t seed, double train_fraction = 0.8) {
  core::require(train_fraction > 0.0 && train_fraction < 1.0, "genlab::splits::scan_simple_split", "train_fraction",
                train_fraction, "in (0, 1)");
  const auto n_train = static_cast<std::size_t>(std::floor(train_fraction * 20910.0));
  auto s = detail::scan_random("simple", n_train, seed);
  s.config["train_fraction"] = train_fraction;
  return s;
}

/// simple_p{percent}: floor(percent% · 20,910) random training commands, the rest test.
inline ScanSplit scan_simple_size_split(unsigned percent, std::uint64_t seed) {
  core::require(percent == 1 || percent == 2 || percent == 4 || percent == 8 || percent == 16 || percent == 32 ||
                    percent == 64,
                "genlab::splits::scan_simple_size_split", "percent", percent, "one of 1, 2, 4, 8, 16, 32, 64");
  return detail::scan_random("simple_p" + std::to_string(percent), percent * 20910u / 100u, seed);
}

/// length: train = output length <= 22 (16,990), test = output length >= 24 (3,920).
inline ScanSplit scan_length_split() {
  ScanSplit s = detail::scan_make("length", {{"max_train_output_length", 22}});
  const auto& c = scan_commands();
  for (std::size_t i = 0; i < c.size(); ++i) (c[i].action_count <= 22 ? s.train : s.test).push_back(i);
  return s;
}

/// addprim_jump / addprim_turn_left: test = commands containing the primitive except the
/// primitive alone; train = every other command once plus the bare primitive repeated base/9
/// times so it makes exactly 10% of the train rows (14,670 / 7,706 and 21,890 / 1,208).
inline ScanSplit scan_addprim_split(const std::string& primitive) {
  core::require(primitive == "jump" || primitive == "turn_left", "genlab::splits::scan_addprim_split", "primitive",
                primitive, "\"jump\" or \"turn_left\"");
  const std::string phrase = primitive == "jump" ? "jump" : "turn left";
  ScanSplit s = detail::scan_make("addprim_" + primitive, {{"primitive", phrase}});
  const auto& c = scan_commands();
  for (std::size_t i = 0; i < c.size(); ++i)
    if (c[i].command != phrase) (detail::contains_phrase(c[i].command, phrase) ? s.test : s.train).push_back(i);
  const std::size_t reps = s.train.size() / 9;
  s.train.insert(s.train.end(), reps, scan_index(phrase));
  s.config["primitive_repetitions"] = reps;
  return s;
}

namespace detail {
// Replicate `rep` (1-based) of a SCAN family drawn with N random commands (see the file comment).
enum class ScanFamily : std::uint64_t { addprim_jump = 1, fewshot = 2 };
inline core::Philox4x32 scan_replicate_stream(ScanFamily family, std::uint64_t seed, unsigned rep, std::size_t n) {
  return example_stream(seed, (static_cast<std::uint64_t>(family) << 16) | rep, n);
}
inline void require_rep(unsigned rep, const char* where) {
  core::require(rep >= 1 && rep <= 65535, where, "rep", rep, "a replicate number in 1..65535 (the reference uses 1..5)");
}
}  // namespace detail

/// addprim_jump_num{N}_rep{rep} (add_prim_split/with_additional_examples): "jump" and N random
/// complex jump commands (taken out of test), each repeated round(1467/(N+1)) times; test 7,706 − N.
/// rep (1-based) selects the replicate; seed the whole family.
inline ScanSplit scan_addprim_additional_split(std::size_t num_additional, unsigned rep, std::uint64_t seed) {
  core::require(num_additional >= 1 && num_additional <= 1024, "genlab::splits::scan_addprim_additional_split",
                "num_additional", num_additional, "in 1..1024 (the reference uses 1, 2, 4, 8, 16, 32)");
  detail::require_rep(rep, "genlab::splits::scan_addprim_additional_split");
  ScanSplit base = scan_addprim_split("jump");
  const std::size_t jump = scan_index("jump");
  base.train.erase(std::remove(base.train.begin(), base.train.end(), jump), base.train.end());  // 13,203
  auto g = detail::scan_replicate_stream(detail::ScanFamily::addprim_jump, seed, rep, num_additional);
  const auto pick = detail::sample_without_replacement(g, static_cast<std::uint32_t>(base.test.size()),
                                                       static_cast<std::uint32_t>(num_additional));
  std::vector<bool> taken(base.test.size(), false);
  std::vector<std::size_t> extra{jump};
  for (auto k : pick) taken[k] = true;
  std::vector<std::size_t> test;
  for (std::size_t k = 0; k < base.test.size(); ++k) (taken[k] ? extra : test).push_back(base.test[k]);
  const auto reps = static_cast<std::size_t>(std::floor(1467.0 / static_cast<double>(num_additional + 1) + 0.5));
  ScanSplit s = detail::scan_make("addprim_jump_num" + std::to_string(num_additional) + "_rep" + std::to_string(rep),
                                  {{"num_additional", num_additional}, {"repetitions", reps}, {"rep", rep}, {"seed", seed}});
  s.train = std::move(base.train);
  for (auto e : extra) s.train.insert(s.train.end(), reps, e);
  s.test = std::move(test);
  return s;
}

/// Template splits: around_right, opposite_right, right (test = commands with
/// "<walk|look|run|jump> <template>"), jump_around_right (test = "jump around right"). Commands
/// with the turn form ("turn <template>") are dropped from both sides (1,209 of them).
inline ScanSplit scan_template_split(const std::string& which) {
  std::vector<std::string> held;
  std::string tail;
  if (which == "around_right" || which == "opposite_right" || which == "right") {
    held.assign(detail::scan_primitives().begin(), detail::scan_primitives().end());
    tail = which == "around_right" ? "around right" : which == "opposite_right" ? "opposite right" : "right";
  } else if (which == "jump_around_right") {
    held = {"jump"};
    tail = "around right";
  } else {
    core::throw_invalid_argument("genlab::splits::scan_template_split", "which", which,
                                 "around_right, opposite_right, right or jump_around_right");
  }
  ScanSplit s = detail::scan_make("template_" + which, {{"template", tail}});
  const auto& c = scan_commands();
  for (std::size_t i = 0; i < c.size(); ++i) {
    const auto& cmd = c[i].command;
    if (detail::contains_phrase(cmd, "turn " + tail)) continue;
    (detail::contains_any(cmd, held, tail) ? s.test : s.train).push_back(i);
  }
  return s;
}

namespace detail {
// The "X around right" fillers a command uses (bit 0 look, 1 walk, 2 run, 3 jump, 4 turn).
inline unsigned around_right_fillers(const std::string& cmd) {
  const std::array<const char*, 5> f{"look", "walk", "run", "jump", "turn"};
  unsigned m = 0;
  for (unsigned i = 0; i < 5; ++i)
    if (contains_phrase(cmd, std::string(f[i]) + " around right")) m |= 1u << i;
  return m;
}
}  // namespace detail

/// filler_num{k}, k = 0..3: train = commands without "around right" plus those whose
/// "X around right" fillers all come from the first k of [look, walk, run]; test = the
/// jump_around_right test (1,173). Train sizes 15,225 / 16,290 / 17,391 / 18,528.
inline ScanSplit scan_filler_split(unsigned k) {
  core::require(k <= 3, "genlab::splits::scan_filler_split", "k", k, "0..3");
  ScanSplit s = detail::scan_make("filler_num" + std::to_string(k), {{"num_fillers", k}});
  const unsigned allowed = (1u << k) - 1u;
  const auto& c = scan_commands();
  for (std::size_t i = 0; i < c.size(); ++i) {
    const unsigned m = detail::around_right_fillers(c[i].command);
    if (m & (1u << 4)) continue;  // turn around right: dropped
    if (m & (1u << 3)) s.test.push_back(i);
    else if ((m & ~allowed) == 0) s.train.push_back(i);
  }
  return s;
}

/// fewshot_num{N}_rep{rep}: the filler_num0 train plus N random commands from the 1-filler pool
/// (the 1,065 "look around right" commands of filler_num1); test 1,173. rep (1-based) selects the
/// replicate; seed the whole family.
inline ScanSplit scan_fewshot_split(std::size_t num_shots, unsigned rep, std::uint64_t seed) {
  core::require(num_shots >= 1 && num_shots <= 1065, "genlab::splits::scan_fewshot_split", "num_shots", num_shots,
                "in 1..1065 (the size of the 1-filler pool)");
  detail::require_rep(rep, "genlab::splits::scan_fewshot_split");
  ScanSplit base = scan_filler_split(0);
  const ScanSplit one = scan_filler_split(1);
  std::vector<std::size_t> pool;
  std::set_difference(one.train.begin(), one.train.end(), base.train.begin(), base.train.end(), std::back_inserter(pool));
  auto g = detail::scan_replicate_stream(detail::ScanFamily::fewshot, seed, rep, num_shots);
  const auto pick = detail::sample_without_replacement(g, static_cast<std::uint32_t>(pool.size()), static_cast<std::uint32_t>(num_shots));
  ScanSplit s = detail::scan_make("fewshot_num" + std::to_string(num_shots) + "_rep" + std::to_string(rep),
                                  {{"num_shots", num_shots}, {"rep", rep}, {"seed", seed}});
  s.train = std::move(base.train);
  for (auto k : pick) s.train.push_back(pool[k]);
  s.test = std::move(base.test);
  return s;
}

/// Every standard split name scan_split() accepts.
inline std::vector<std::string> scan_split_names() {
  std::vector<std::string> n{"simple", "length", "addprim_jump", "addprim_turn_left"};
  for (unsigned p : {1u, 2u, 4u, 8u, 16u, 32u, 64u}) n.push_back("simple_p" + std::to_string(p));
  for (unsigned k : {1u, 2u, 4u, 8u, 16u, 32u})
    for (unsigned r = 1; r <= 5; ++r) n.push_back("addprim_jump_num" + std::to_string(k) + "_rep" + std::to_string(r));
  for (const char* t : {"around_right", "opposite_right", "right", "jump_around_right"}) n.push_back(std::string("template_") + t);
  for (unsigned k = 0; k <= 3; ++k) n.push_back("filler_num" + std::to_string(k));
  for (unsigned e = 0; e <= 10; ++e)
    for (unsigned r = 1; r <= 5; ++r) n.push_back("fewshot_num" + std::to_string(1u << e) + "_rep" + std::to_string(r));
  return n;
}

/// The split called `name` (see scan_split_names() and the naming scheme in the file comment);
/// `seed` drives the random ones.
inline ScanSplit scan_split(const std::string& name, std::uint64_t seed = 0) {
  auto is_number = [](const std::string& t) {
    return !t.empty() && t.size() <= 6 && t.find_first_not_of("0123456789") == std::string::npos;
  };
  auto num_after = [&](const std::string& prefix) -> long {
    if (name.rfind(prefix, 0) != 0) return -1;
    const std::string rest = name.substr(prefix.size());
    return is_number(rest) ? std::stol(rest) : -1;
  };
  // "<prefix>{N}_rep{r}" -> (N, r); (-1, -1) if name has another form.
  auto num_rep_after = [&](const std::string& prefix) -> std::pair<long, long> {
    if (name.rfind(prefix, 0) != 0) return {-1, -1};
    const auto r = name.find("_rep", prefix.size());
    if (r == std::string::npos) return {-1, -1};
    const std::string a = name.substr(prefix.size(), r - prefix.size()), b = name.substr(r + 4);
    if (!is_number(a) || !is_number(b)) return {-1, -1};
    return {std::stol(a), std::stol(b)};
  };
  if (name == "simple") return scan_simple_split(seed);
  if (name == "length") return scan_length_split();
  if (name == "addprim_jump") return scan_addprim_split("jump");
  if (name == "addprim_turn_left") return scan_addprim_split("turn_left");
  if (long p = num_after("simple_p"); p >= 0) return scan_simple_size_split(static_cast<unsigned>(p), seed);
  if (const auto [k, r] = num_rep_after("addprim_jump_num"); k >= 0)
    return scan_addprim_additional_split(static_cast<std::size_t>(k), static_cast<unsigned>(r), seed);
  if (name.rfind("template_", 0) == 0) return scan_template_split(name.substr(9));
  if (long k = num_after("filler_num"); k >= 0) return scan_filler_split(static_cast<unsigned>(k));
  if (const auto [k, r] = num_rep_after("fewshot_num"); k >= 0)
    return scan_fewshot_split(static_cast<std::size_t>(k), static_cast<unsigned>(r), seed);
  core::throw_invalid_argument("genlab::splits::scan_split", "name", name,
                               "a SCAN split name such as simple, length, addprim_jump, template_around_right, "
                               "filler_num1, addprim_jump_num4_rep1, fewshot_num16_rep1 (replicated families always "
                               "end in _rep{r}, r >= 1; see scan_split_names())");
}

/// Writes commands in the original SCAN format, one "IN: <command> OUT: <actions>" per line,
/// atomically.
inline void write_scan_file(const std::filesystem::path& path, const std::vector<std::size_t>& indices) {
  const auto& c = scan_commands();
  core::AtomicFile f(path);
  for (auto i : indices) f.stream() << "IN: " << c.at(i).command << " OUT: " << c.at(i).actions << '\n';
  f.commit();
}

/// Reads a file in the original SCAN format (blank lines skipped); malformed lines raise
/// core::FileFormatError naming the file and line.
inline std::vector<std::pair<std::string, std::string>> read_scan_file(const std::filesystem::path& path) {
  const std::string text = core::read_file(path);
  std::vector<std::pair<std::string, std::string>> rows;
  std::istringstream is(text);
  std::string line;
  std::size_t no = 0;
  while (std::getline(is, line)) {
    ++no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const auto out = line.find(" OUT: ");
    if (line.rfind("IN: ", 0) != 0 || out == std::string::npos)
      throw core::FileFormatError(path.string(), "line " + std::to_string(no) + ": expected \"IN: <command> OUT: <actions>\"");
    rows.emplace_back(line.substr(4, out - 4), line.substr(out + 6));
  }
  return rows;
}

/// The vocabulary of SCAN datasets: <pad> <bos> <eos> <sep>, the 13 command words, the 6 actions.
inline core::Vocabulary scan_vocabulary() {
  core::Vocabulary v = special_vocabulary();
  for (const char* w : {"walk", "look", "run", "jump", "turn", "left", "right", "opposite", "around", "twice", "thrice",
                        "and", "after"})
    v.add(w);
  for (const char* a : {"I_WALK", "I_LOOK", "I_RUN", "I_JUMP", "I_TURN_LEFT", "I_TURN_RIGHT"}) v.add(a);
  return v;
}

/// One command as "<bos> words <sep> actions <eos>", loss on the actions and <eos>; group = the
/// number of actions.
inline core::Sequence scan_sequence(std::size_t index, const core::Vocabulary& vocab) {
  const auto& e = scan_commands().at(index);
  std::vector<core::Token> prompt{vocab.id(kBosToken)};
  for (auto t : vocab.encode(e.command)) prompt.push_back(t);
  prompt.push_back(vocab.id(kSepToken));
  auto answer = vocab.encode(e.actions);
  answer.push_back(vocab.id(kEosToken));
  return core::make_sequence(prompt, answer, static_cast<std::int64_t>(e.action_count));
}

/// A split as a Dataset with "train" and "test"; config() = the split's config + fingerprint.
inline core::Dataset scan_dataset(const ScanSplit& split) {
  core::Dataset ds(scan_vocabulary(), split.config);
  for (const auto* part : {&split.train, &split.test}) {
    std::vector<core::Sequence> seqs;
    seqs.reserve(part->size());
    for (auto i : *part) seqs.push_back(scan_sequence(i, ds.vocab()));
    ds.set_split(part == &split.train ? "train" : "test", std::move(seqs));
  }
  record_fingerprint(ds);
  return ds;
}

}  // namespace genlab::splits

#endif  // GENLAB_SPLITS_SCAN_HPP
