#ifndef GENLAB_SPLITS_DBCA_HPP
#define GENLAB_SPLITS_DBCA_HPP
// Distribution-based compositionality assessment: atom and compound divergence (Keysers et al.,
// ICLR 2020), the greedy grow-from-empty MCD split and the TMCD swap split (Shaw et al., ACL 2021).
// Papers: Keysers et al., "Measuring Compositional Generalization: A Comprehensive Method on
// Realistic Data", ICLR 2020 (§2, atom and compound divergence as Chernoff coefficients);
// Shaw et al., "Compositional Generalization and Natural Language Variation: Can a Semantic
// Parsing Approach Handle Both?", ACL 2021 (TMCD).
//
// Chernoff coefficient   C_α(P‖Q) = Σ_k p_k^α q_k^(1−α)   (terms with p_k = 0 or q_k = 0 vanish)
// atom divergence        D_A(V‖W) = 1 − C_0.5(F_A(V) ‖ F_A(W))   (symmetric, Bhattacharyya)
// compound divergence    D_C(V‖W) = 1 − C_0.1(F_C(V) ‖ F_C(W))   with V = train, W = test:
//                        the train frequency gets exponent 0.1, the test frequency 0.9.
// F_A, F_C are the normalized sums over examples of the atoms / compounds each example yields.
// In count form (google-research/language mcd_utils.py) D = 1 − Σ c1^α c2^(1−α) / (N1^α N2^(1−α)),
// and D = 1 when either side is empty. All divergences are dimensionless, in [0, 1].
//
// Generic over extraction: a DbcaPool is built from any examples with two callables returning
// the atoms and the compounds of one example as strings (with multiplicity). Provided extractors:
// word n-grams (ngrams), FunQL-style trees (tree_atoms, tree_compounds: TMCD's parent–child
// compounds "f( __ , child , __ )"), or anything user-supplied.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/random.hpp"
#include "genlab/splits/common.hpp"

namespace genlab::splits {

/// Counts keyed by atom or compound.
using CountMap = std::map<std::string, double>;

/// C_α(P‖Q) of the distributions obtained by normalizing the counts p and q; 0 when either is
/// empty (sums to 0). Negative counts or α outside [0, 1] throw. O(|p| log |q|).
inline double chernoff_coefficient(const CountMap& p, const CountMap& q, double alpha) {
  const char* where = "genlab::splits::chernoff_coefficient";
  core::require(alpha >= 0.0 && alpha <= 1.0, where, "alpha", alpha, "in [0, 1]");
  double sp = 0, sq = 0;
  for (const auto& [k, c] : p) core::require(c >= 0.0, where, "p[" + k + "]", c, ">= 0"), sp += c;
  for (const auto& [k, c] : q) core::require(c >= 0.0, where, "q[" + k + "]", c, ">= 0"), sq += c;
  if (sp == 0.0 || sq == 0.0) return 0.0;
  double s = 0;
  for (const auto& [k, c] : p) {
    const auto it = q.find(k);
    if (it == q.end() || c == 0.0 || it->second == 0.0) continue;
    s += std::pow(c / sp, alpha) * std::pow(it->second / sq, 1.0 - alpha);
  }
  return s;
}

/// D_A = 1 − C_0.5(train ‖ test).
inline double atom_divergence(const CountMap& train, const CountMap& test) { return 1.0 - chernoff_coefficient(train, test, 0.5); }
/// D_C = 1 − C_0.1(train ‖ test); the order matters.
inline double compound_divergence(const CountMap& train, const CountMap& test) {
  return 1.0 - chernoff_coefficient(train, test, 0.1);
}

// ---- extractors --------------------------------------------------------------------------------

/// The whitespace-separated n-grams of `text` (joined by one space); with unique = true each
/// n-gram once, in first-occurrence order (the set semantics of mcd_utils_test.py).
inline std::vector<std::string> ngrams(const std::string& text, std::size_t n, bool unique = true) {
  core::require(n >= 1, "genlab::splits::ngrams", "n", n, ">= 1");
  std::istringstream is(text);
  std::vector<std::string> w;
  for (std::string t; is >> t;) w.push_back(t);
  std::vector<std::string> out;
  for (std::size_t i = 0; i + n <= w.size(); ++i) {
    std::string g = w[i];
    for (std::size_t j = 1; j < n; ++j) g += " " + w[i + j];
    if (!unique || std::find(out.begin(), out.end(), g) == out.end()) out.push_back(std::move(g));
  }
  return out;
}

namespace detail {
struct TreeNode {
  std::string name;
  std::vector<TreeNode> children;
};
inline TreeNode parse_tree(const std::vector<std::string>& t, std::size_t& i, const std::string& text) {
  auto fail = [&](const std::string& what) {
    core::throw_invalid_argument("genlab::splits::parse_tree", "text", text,
                                 "a FunQL tree \"f ( a , g ( b ) )\": " + what + " at token " + std::to_string(i));
  };
  if (i >= t.size() || t[i] == "(" || t[i] == ")" || t[i] == ",") fail("expected a symbol");
  TreeNode n;
  n.name = t[i++];
  if (i < t.size() && t[i] == "(") {
    ++i;
    for (;;) {
      n.children.push_back(parse_tree(t, i, text));
      if (i < t.size() && t[i] == ",") {
        ++i;
        continue;
      }
      if (i < t.size() && t[i] == ")") {
        ++i;
        break;
      }
      fail("expected ',' or ')'");
    }
  }
  return n;
}
inline TreeNode parse_tree(const std::string& text) {
  std::istringstream is(text);
  std::vector<std::string> t;
  for (std::string w; is >> w;) t.push_back(w);
  std::size_t i = 0;
  TreeNode root = parse_tree(t, i, text);
  if (i != t.size())
    core::throw_invalid_argument("genlab::splits::parse_tree", "text", text, "a single tree (trailing tokens)");
  return root;
}
inline void collect_tree(const TreeNode& n, bool with_arity, bool atoms, std::vector<std::string>& out) {
  if (atoms) {
    const std::string a = with_arity && !n.children.empty() ? n.name + "_(" + std::to_string(n.children.size()) + ")" : n.name;
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  } else {
    for (std::size_t i = 0; i < n.children.size(); ++i) {
      std::string c = n.name + "( ";
      for (std::size_t j = 0; j < n.children.size(); ++j) c += (j ? " , " : "") + (j == i ? n.children[j].name : std::string("__"));
      out.push_back(c + " )");
    }
  }
  for (const auto& ch : n.children) collect_tree(ch, with_arity, atoms, out);
}
}  // namespace detail

/// TMCD atoms of a FunQL-style tree ("answer ( intersection ( state , loc_1 ) )"): its symbols,
/// each once; with_arity turns inner symbols into "name_(arity)". Throws on malformed trees.
inline std::vector<std::string> tree_atoms(const std::string& tree, bool with_arity = false) {
  std::vector<std::string> out;
  detail::collect_tree(detail::parse_tree(tree), with_arity, true, out);
  return out;
}

/// TMCD compounds (Shaw et al. tmcd_utils.py): for every node f with arguments a_1..a_n and
/// every i, "f( __ , .., head(a_i), .., __ )", counted with multiplicity. O(size · arity).
inline std::vector<std::string> tree_compounds(const std::string& tree) {
  std::vector<std::string> out;
  detail::collect_tree(detail::parse_tree(tree), false, false, out);
  return out;
}

namespace detail {
inline std::string render_truncated(const TreeNode& n, std::size_t depth) {
  if (depth == 0 || n.children.empty()) return n.name;
  std::string s = n.name + "( ";
  for (std::size_t j = 0; j < n.children.size(); ++j) s += (j ? " , " : "") + render_truncated(n.children[j], depth - 1);
  return s + " )";
}
inline void collect_subtrees(const TreeNode& n, std::size_t max_depth, std::vector<std::string>& out) {
  for (std::size_t d = 1; d <= max_depth && !n.children.empty(); ++d) {
    out.push_back(render_truncated(n, d));
    bool deeper = false;  // stop once the truncation no longer cuts anything
    std::vector<const TreeNode*> level{&n};
    for (std::size_t k = 0; k < d; ++k) {
      std::vector<const TreeNode*> next;
      for (auto* x : level)
        for (const auto& c : x->children) next.push_back(&c);
      level.swap(next);
    }
    for (auto* x : level) deeper |= !x->children.empty();
    if (!deeper) break;
  }
  for (const auto& c : n.children) collect_subtrees(c, max_depth, out);
}
}  // namespace detail

/// Rooted subtree compounds (closer to Keysers et al.'s rule subgraphs than parent–child pairs):
/// for every inner node, the subtree cut at depths 1..max_depth ("around( jump , right )",
/// "twice( around( jump , right ) )"), each distinct cut once per node, with multiplicity over
/// nodes. O(size · max_depth).
inline std::vector<std::string> tree_subtrees(const std::string& tree, std::size_t max_depth = 2) {
  core::require(max_depth >= 1, "genlab::splits::tree_subtrees", "max_depth", max_depth, ">= 1");
  std::vector<std::string> out;
  detail::collect_subtrees(detail::parse_tree(tree), max_depth, out);
  return out;
}

// ---- pools -------------------------------------------------------------------------------------

/// Examples as sparse (id, count) atom and compound vectors, with the names of the ids.
struct DbcaPool {
  std::vector<std::string> atom_names, compound_names;
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> atoms, compounds;  // per example
  std::size_t size() const { return atoms.size(); }
};

/// Builds a pool from examples and two extractors (Example -> std::vector<std::string>).
/// O(total atoms + compounds).
template <class Example, class AtomFn, class CompoundFn>
DbcaPool make_dbca_pool(const std::vector<Example>& examples, AtomFn&& atoms_of, CompoundFn&& compounds_of) {
  DbcaPool pool;
  std::unordered_map<std::string, std::uint32_t> ai, ci;
  auto encode = [](const std::vector<std::string>& items, std::unordered_map<std::string, std::uint32_t>& index,
                   std::vector<std::string>& names) {
    std::map<std::uint32_t, std::uint32_t> counts;
    for (const auto& s : items) {
      auto it = index.find(s);
      if (it == index.end()) {
        it = index.emplace(s, static_cast<std::uint32_t>(names.size())).first;
        names.push_back(s);
      }
      ++counts[it->second];
    }
    return std::vector<std::pair<std::uint32_t, std::uint32_t>>(counts.begin(), counts.end());
  };
  for (const auto& e : examples) {
    pool.atoms.push_back(encode(atoms_of(e), ai, pool.atom_names));
    pool.compounds.push_back(encode(compounds_of(e), ci, pool.compound_names));
  }
  return pool;
}

namespace detail {
inline CountMap pool_counts(const DbcaPool& pool, const std::vector<std::size_t>& ids, bool atoms) {
  CountMap m;
  for (auto i : ids)
    for (const auto& [k, c] : (atoms ? pool.atoms : pool.compounds).at(i)) m[(atoms ? pool.atom_names : pool.compound_names)[k]] += c;
  return m;
}
}  // namespace detail

/// Summed atom or compound counts of the examples `ids` of a pool.
inline CountMap atom_counts(const DbcaPool& pool, const std::vector<std::size_t>& ids) { return detail::pool_counts(pool, ids, true); }
inline CountMap compound_counts(const DbcaPool& pool, const std::vector<std::size_t>& ids) {
  return detail::pool_counts(pool, ids, false);
}

/// Atom and compound divergence of a split of a pool, computed from scratch.
struct Divergences {
  double atom = 1.0, compound = 1.0;
};
inline Divergences split_divergences(const DbcaPool& pool, const std::vector<std::size_t>& train, const std::vector<std::size_t>& test) {
  Divergences d;
  d.atom = atom_divergence(atom_counts(pool, train), atom_counts(pool, test));
  d.compound = compound_divergence(compound_counts(pool, train), compound_counts(pool, test));
  return d;
}

namespace detail {

// Incrementally maintained Σ_k c1_k^α c2_k^(1−α) and totals N1, N2, with power tables for every
// integer count up to the pool's total (so neither the terms nor the denominator call pow).
class ChernoffState {
 public:
  ChernoffState(std::size_t num_keys, std::size_t max_count, double alpha)
      : c1_(num_keys, 0), c2_(num_keys, 0), pa_(max_count + 1), pb_(max_count + 1) {
    for (std::size_t c = 0; c <= max_count; ++c) {
      pa_[c] = std::pow(static_cast<double>(c), alpha);
      pb_[c] = std::pow(static_cast<double>(c), 1.0 - alpha);
    }
  }
  using Items = std::vector<std::pair<std::uint32_t, std::uint32_t>>;
  /// 1 − C after adding (side 0 = train, 1 = test; sign +1) or removing (sign −1) `items`.
  double divergence_if(const Items& items, int side, int sign) const {
    double num = num_;
    std::int64_t n1 = n1_, n2 = n2_;
    for (const auto& [k, m] : items) {
      const std::int64_t a = c1_[k], b = c2_[k];
      const std::int64_t a2 = side == 0 ? a + sign * static_cast<std::int64_t>(m) : a;
      const std::int64_t b2 = side == 1 ? b + sign * static_cast<std::int64_t>(m) : b;
      num += pa_[static_cast<std::size_t>(a2)] * pb_[static_cast<std::size_t>(b2)] -
             pa_[static_cast<std::size_t>(a)] * pb_[static_cast<std::size_t>(b)];
      (side == 0 ? n1 : n2) += sign * static_cast<std::int64_t>(m);
    }
    return value(num, n1, n2);
  }
  /// 1 − C after moving `items` from side `from` to the other side.
  double divergence_if_moved(const Items& items, int from) const {
    double num = num_;
    std::int64_t n1 = n1_, n2 = n2_;
    const std::int64_t s = from == 0 ? -1 : 1;  // change of the train count
    for (const auto& [k, m] : items) {
      const auto a = static_cast<std::int64_t>(c1_[k]), b = static_cast<std::int64_t>(c2_[k]);
      const std::int64_t d = s * static_cast<std::int64_t>(m);
      num += pa_[static_cast<std::size_t>(a + d)] * pb_[static_cast<std::size_t>(b - d)] -
             pa_[static_cast<std::size_t>(a)] * pb_[static_cast<std::size_t>(b)];
      n1 += d;
      n2 -= d;
    }
    return value(num, n1, n2);
  }
  /// Adds (sign +1) or removes (sign −1) `items` on `side` (0 = train, 1 = test).
  void apply(const Items& items, int side, int sign) {
    for (const auto& [k, m] : items) {
      const double before = pa_[c1_[k]] * pb_[c2_[k]];
      auto& c = side == 0 ? c1_[k] : c2_[k];
      c = static_cast<std::size_t>(static_cast<std::int64_t>(c) + sign * static_cast<std::int64_t>(m));
      num_ += pa_[c1_[k]] * pb_[c2_[k]] - before;
      (side == 0 ? n1_ : n2_) += sign * static_cast<std::int64_t>(m);
    }
  }
  double divergence() const { return value(num_, n1_, n2_); }
  std::size_t count(int side, std::uint32_t k) const { return side == 0 ? c1_[k] : c2_[k]; }

 private:
  double value(double num, std::int64_t n1, std::int64_t n2) const {
    if (n1 <= 0 || n2 <= 0) return 1.0;
    return 1.0 - num / (pa_[static_cast<std::size_t>(n1)] * pb_[static_cast<std::size_t>(n2)]);
  }
  std::vector<std::size_t> c1_, c2_;
  std::vector<double> pa_, pb_;
  double num_ = 0;
  std::int64_t n1_ = 0, n2_ = 0;
};

// Sum of all counts of a pool side: bounds every per-key count and every total.
inline std::size_t total_count(const std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>>& v) {
  std::size_t m = 0;
  for (const auto& e : v)
    for (const auto& [k, c] : e) m += c;
  return m;
}

}  // namespace detail

// ---- greedy MCD (Keysers et al. 2020, grow from empty) ------------------------------------------

struct McdConfig {
  std::size_t train_size = 0;                ///< examples to place in train (exact)
  std::size_t test_size = 0;                 ///< examples to place in test (exact)
  double target_compound_divergence = 1.0;   ///< 1.0 = maximum compound divergence
  double target_atom_divergence = 0.0;
  double min_test_fraction = 0.05;           ///< below it only test may grow
  double max_test_fraction = 0.3;            ///< above it only train may grow
  std::size_t candidates_per_step = 512;     ///< random pool subsample scored per step (0 = whole pool)
  std::uint64_t seed = 0;

  void validate(std::size_t pool_size) const {
    const char* where = "genlab::splits::mcd_split";
    core::require(train_size >= 1, where, "train_size", train_size, ">= 1");
    core::require(test_size >= 1, where, "test_size", test_size, ">= 1");
    core::require(train_size + test_size <= pool_size, where, "train_size + test_size", train_size + test_size,
                  "<= the pool size " + std::to_string(pool_size));
    core::require(target_compound_divergence >= 0 && target_compound_divergence <= 1, where, "target_compound_divergence",
                  target_compound_divergence, "in [0, 1]");
    core::require(target_atom_divergence >= 0 && target_atom_divergence <= 1, where, "target_atom_divergence",
                  target_atom_divergence, "in [0, 1]");
    core::require(min_test_fraction >= 0 && min_test_fraction <= max_test_fraction && max_test_fraction <= 1, where,
                  "min_test_fraction", min_test_fraction, "0 <= min_test_fraction <= max_test_fraction <= 1");
  }
  core::Json to_json() const {
    return core::Json{{"algorithm", "greedy MCD (Keysers et al. 2020, grow from empty)"},
                      {"train_size", train_size},
                      {"test_size", test_size},
                      {"target_compound_divergence", target_compound_divergence},
                      {"target_atom_divergence", target_atom_divergence},
                      {"min_test_fraction", min_test_fraction},
                      {"max_test_fraction", max_test_fraction},
                      {"candidates_per_step", candidates_per_step},
                      {"seed", seed}};
  }
};

/// A split of a pool into train and test example indices with its divergences.
struct DbcaSplit {
  std::vector<std::size_t> train, test;
  Divergences divergences;
  std::size_t iterations = 0;
  core::Json config = core::Json::object();
};

/// The split as JSON: config, sizes, divergences, iterations and the index lists.
inline core::Json to_json(const DbcaSplit& s) {
  return core::Json{{"config", s.config},
                    {"train_size", s.train.size()},
                    {"test_size", s.test.size()},
                    {"atom_divergence", s.divergences.atom},
                    {"compound_divergence", s.divergences.compound},
                    {"iterations", s.iterations},
                    {"train", s.train},
                    {"test", s.test}};
}

/// Keysers et al.'s greedy split (aalto-speech/dbca FromEmptySets): one random example starts
/// train; each step scores candidates x (a fresh random subsample of the pool of
/// candidates_per_step, stream (seed, 1, step)) for each side S that may grow by
/// −|D_C − target_C| − |D_A − target_A| after adding x to S, and places the best (set, example).
/// Test may grow only while |test|/placed <= max_test_fraction (and must while below min), and
/// no side grows past its size. Divergences are updated incrementally from count tables, so a
/// step costs O(candidates · (atoms + compounds per example)); SCAN's 20,910 commands split in
/// a few seconds (1.6–1.8 s for 8,000 / 2,000 on a loaded 2-core EPYC). Unplaced examples stay
/// out of both sides. Same seed, same split for a given build; floating-point contraction (e.g.
/// FMA under -march=native) can flip near-tie choices and so give a different, equally valid split.
inline DbcaSplit mcd_split(const DbcaPool& pool, const McdConfig& config) {
  config.validate(pool.size());
  detail::ChernoffState A(pool.atom_names.size(), detail::total_count(pool.atoms), 0.5);
  detail::ChernoffState C(pool.compound_names.size(), detail::total_count(pool.compounds), 0.1);
  std::vector<std::size_t> remaining(pool.size());
  for (std::size_t i = 0; i < remaining.size(); ++i) remaining[i] = i;
  DbcaSplit out;
  out.config = config.to_json();
  auto place = [&](std::size_t pos, int side) {
    const std::size_t x = remaining[pos];
    A.apply(pool.atoms[x], side, +1);
    C.apply(pool.compounds[x], side, +1);
    (side == 0 ? out.train : out.test).push_back(x);
    remaining[pos] = remaining.back();
    remaining.pop_back();
  };
  {
    auto g = detail::example_stream(config.seed, 0, 0);
    place(core::uniform_index(g, static_cast<std::uint32_t>(remaining.size())), 0);
  }
  const std::size_t total = config.train_size + config.test_size;
  for (std::size_t step = 1; out.train.size() + out.test.size() < total; ++step) {
    const std::size_t placed = out.train.size() + out.test.size();
    const double frac = static_cast<double>(out.test.size()) / static_cast<double>(placed);
    bool grow[2] = {out.train.size() < config.train_size, out.test.size() < config.test_size};
    if (grow[0] && grow[1]) {
      if (frac > config.max_test_fraction) grow[1] = false;
      else if (frac < config.min_test_fraction) grow[0] = false;
    }
    // Candidate subsample: a partial Fisher–Yates over `remaining`.
    std::size_t n_cand = remaining.size();
    if (config.candidates_per_step && config.candidates_per_step < n_cand) {
      n_cand = config.candidates_per_step;
      auto g = detail::example_stream(config.seed, 1, step);
      for (std::size_t i = 0; i < n_cand; ++i) {
        const std::size_t j = i + core::uniform_index(g, static_cast<std::uint32_t>(remaining.size() - i));
        std::swap(remaining[i], remaining[j]);
      }
    }
    double best = -1e300;
    std::size_t best_pos = 0;
    int best_side = grow[0] ? 0 : 1;
    for (std::size_t i = 0; i < n_cand; ++i) {
      const std::size_t x = remaining[i];
      for (int side = 0; side < 2; ++side) {
        if (!grow[side]) continue;
        const double dc = C.divergence_if(pool.compounds[x], side, +1);
        const double da = A.divergence_if(pool.atoms[x], side, +1);
        const double score = -std::abs(dc - config.target_compound_divergence) - std::abs(da - config.target_atom_divergence);
        if (score > best) best = score, best_pos = i, best_side = side;
      }
    }
    place(best_pos, best_side);
    out.iterations = step;
  }
  out.divergences.atom = A.divergence();
  out.divergences.compound = C.divergence();
  return out;
}

// ---- TMCD swap (Shaw et al. 2021, mcd_utils.swap_examples) ---------------------------------------

struct TmcdConfig {
  std::size_t max_iterations = 1000;  ///< per phase (balance_atoms, maximize_divergence)
  std::size_t min_atom_count = 1;     ///< every test atom must occur in >= this many train examples
  double max_divergence = 0.0;        ///< stop once D_C reaches it (0 = no target)
  core::Json to_json() const {
    return core::Json{{"algorithm", "TMCD swap (Shaw et al. 2021)"},
                      {"max_iterations", max_iterations},
                      {"min_atom_count", min_atom_count},
                      {"max_divergence", max_divergence}};
  }
};

/// Shaw et al.'s swap_examples on an initial split (lists are reordered in place, as the
/// reference does). balance_atoms: while some test atom occurs in fewer than min_atom_count train
/// examples, swap the first train example holding no atom with train example-count <=
/// min_atom_count with the first test example holding a missing atom (del + append on both
/// lists); throws after max_iterations. maximize_divergence (the in-place, cyclic version of
/// commit bcc90d3): from start1, the first train example without such rare atoms whose move to
/// test raises D_C; then, with counts updated, from start2 the first test example whose move to
/// train gives D_C above the value before the first move; swap in place and continue after both
/// positions. Stops when no pair is found or after max_iterations. Sizes are preserved. Where the
/// reference estimates the second move's divergence from the old value, this computes it exactly
/// (identical on the reference test cases). O(iterations · pool · compounds per example).
inline DbcaSplit tmcd_swap(const DbcaPool& pool, std::vector<std::size_t> train, std::vector<std::size_t> test,
                           const TmcdConfig& config = {}) {
  const char* where = "genlab::splits::tmcd_swap";
  core::require(!train.empty(), where, "train.size()", train.size(), ">= 1");
  core::require(!test.empty(), where, "test.size()", test.size(), ">= 1");
  const std::size_t na = pool.atom_names.size();
  auto atom_example_counts = [&] {
    std::vector<std::size_t> c(na, 0);
    for (auto i : train)
      for (const auto& [k, m] : pool.atoms.at(i)) ++c[k];
    return c;
  };
  auto has_atom_in = [&](std::size_t x, const std::vector<bool>& set) {
    for (const auto& [k, m] : pool.atoms[x])
      if (set[k]) return true;
    return false;
  };
  // balance_atoms
  for (std::size_t it = 0;; ++it) {
    const auto cnt = atom_example_counts();
    std::vector<bool> missing(na, false), below(na, false);
    bool any_missing = false;
    for (auto i : test)
      for (const auto& [k, m] : pool.atoms.at(i))
        if (cnt[k] < config.min_atom_count) missing[k] = any_missing = true;
    if (!any_missing) break;
    if (it >= config.max_iterations)
      throw std::runtime_error("genlab::splits::tmcd_swap: could not balance atoms within max_iterations = " +
                               std::to_string(config.max_iterations));
    for (std::size_t k = 0; k < na; ++k) below[k] = cnt[k] <= config.min_atom_count;
    std::size_t i1 = train.size(), i2 = test.size();
    for (std::size_t i = 0; i < train.size() && i1 == train.size(); ++i)
      if (!has_atom_in(train[i], below)) i1 = i;
    for (std::size_t i = 0; i < test.size() && i2 == test.size(); ++i)
      if (has_atom_in(test[i], missing)) i2 = i;
    if (i1 == train.size())
      throw std::runtime_error("genlab::splits::tmcd_swap: no train example without rare atoms to swap out");
    const std::size_t x1 = train[i1], x2 = test[i2];
    train.erase(train.begin() + static_cast<std::ptrdiff_t>(i1));
    train.push_back(x2);
    test.erase(test.begin() + static_cast<std::ptrdiff_t>(i2));
    test.push_back(x1);
  }
  // maximize_divergence
  detail::ChernoffState C(pool.compound_names.size(), detail::total_count(pool.compounds), 0.1);
  for (auto i : train) C.apply(pool.compounds.at(i), 0, +1);
  for (auto i : test) C.apply(pool.compounds.at(i), 1, +1);
  std::size_t start1 = 0, start2 = 0, iterations = 0;
  for (; iterations < config.max_iterations; ++iterations) {
    const auto cnt = atom_example_counts();
    std::vector<bool> rare(na, false);
    for (std::size_t k = 0; k < na; ++k) rare[k] = cnt[k] <= config.min_atom_count;
    const double d = C.divergence();
    if (config.max_divergence > 0 && d >= config.max_divergence) break;
    std::size_t i1 = train.size();
    for (std::size_t s = 0; s < train.size(); ++s) {
      const std::size_t i = (start1 + s) % train.size();
      const std::size_t x = train[i];
      if (has_atom_in(x, rare)) continue;
      if (C.divergence_if_moved(pool.compounds[x], 0) > d) {  // x from train to test
        i1 = i;
        break;
      }
    }
    if (i1 == train.size()) break;
    C.apply(pool.compounds[train[i1]], 0, -1);
    C.apply(pool.compounds[train[i1]], 1, +1);
    std::size_t i2 = test.size();
    for (std::size_t s = 0; s < test.size(); ++s) {
      const std::size_t i = (start2 + s) % test.size();
      if (C.divergence_if_moved(pool.compounds[test[i]], 1) > d) {  // back from test to train
        i2 = i;
        break;
      }
    }
    if (i2 == test.size()) {
      // Undo the first move: the reference leaves its (copied) lists unchanged in this case.
      C.apply(pool.compounds[train[i1]], 1, -1);
      C.apply(pool.compounds[train[i1]], 0, +1);
      break;
    }
    C.apply(pool.compounds[test[i2]], 1, -1);
    C.apply(pool.compounds[test[i2]], 0, +1);
    std::swap(train[i1], test[i2]);
    start1 = (i1 + 1) % train.size();
    start2 = (i2 + 1) % test.size();
  }
  DbcaSplit out;
  out.train = std::move(train);
  out.test = std::move(test);
  out.divergences = split_divergences(pool, out.train, out.test);
  out.iterations = iterations;
  out.config = config.to_json();
  return out;
}

/// TMCD split of a whole pool: a seeded Philox shuffle (stream (seed, 0)), the first train_size
/// examples as the initial train side, then tmcd_swap.
inline DbcaSplit tmcd_split(const DbcaPool& pool, std::size_t train_size, std::uint64_t seed, const TmcdConfig& config = {}) {
  core::require(train_size >= 1 && train_size < pool.size(), "genlab::splits::tmcd_split", "train_size", train_size,
                "in 1..pool size - 1 = " + std::to_string(pool.size() - 1));
  std::vector<std::size_t> order(pool.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto g = core::philox_stream(seed, 0);
  core::shuffle(order.begin(), order.end(), g);
  std::vector<std::size_t> train(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(train_size));
  std::vector<std::size_t> test(order.begin() + static_cast<std::ptrdiff_t>(train_size), order.end());
  auto out = tmcd_swap(pool, std::move(train), std::move(test), config);
  out.config["train_size"] = train_size;
  out.config["seed"] = seed;
  return out;
}

}  // namespace genlab::splits

#endif  // GENLAB_SPLITS_DBCA_HPP
