// DBCA: the reference validation cases of mcd_utils_test.py / tmcd_utils_test.py and the spec's
// asymmetry example (to 1e-12 against closed forms), incremental vs from-scratch divergences,
// the greedy MCD split's invariants, and an MCD split of SCAN.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "genlab/splits/scan_mcd.hpp"

using namespace genlab;
using splits::CountMap;

namespace {
// Atoms = unigram sets, compounds = bigram sets, as in mcd_utils_test.py.
splits::DbcaPool text_pool(const std::vector<std::string>& texts) {
  return splits::make_dbca_pool(
      texts, [](const std::string& t) { return splits::ngrams(t, 1); }, [](const std::string& t) { return splits::ngrams(t, 2); });
}
std::vector<std::size_t> range(std::size_t a, std::size_t b) {
  std::vector<std::size_t> v;
  for (std::size_t i = a; i < b; ++i) v.push_back(i);
  return v;
}
std::vector<std::string> texts_of(const std::vector<std::string>& all, const std::vector<std::size_t>& ids) {
  std::vector<std::string> v;
  for (auto i : ids) v.push_back(all[i]);
  return v;
}
}  // namespace

TEST_CASE("Chernoff divergences: the spec's asymmetry example to 1e-12", "[dbca]") {
  const CountMap P{{"x", 0.5}, {"y", 0.5}};
  const CountMap Q{{"x", 0.25}, {"y", 0.25}, {"z", 0.5}};
  const double c_pq = 2 * std::pow(0.5, 0.1) * std::pow(0.25, 0.9);
  const double c_qp = 2 * std::pow(0.25, 0.1) * std::pow(0.5, 0.9);
  CHECK(std::abs(splits::chernoff_coefficient(P, Q, 0.1) - c_pq) < 1e-12);
  CHECK(std::abs(splits::compound_divergence(P, Q) - (1 - c_pq)) < 1e-12);
  CHECK(std::abs(splits::compound_divergence(Q, P) - (1 - c_qp)) < 1e-12);
  CHECK(std::abs(splits::atom_divergence(P, Q) - (1 - 2 * std::sqrt(0.125))) < 1e-12);
  // The spec's printed values (7 digits).
  CHECK(splits::compound_divergence(P, Q) == Approx(0.4641133).margin(1e-7));
  CHECK(splits::compound_divergence(Q, P) == Approx(0.0669670).margin(1e-7));
  CHECK(splits::atom_divergence(P, Q) == Approx(0.2928932).margin(1e-7));
  CHECK(splits::atom_divergence(Q, P) == Approx(splits::atom_divergence(P, Q)).margin(1e-15));
  // Counts need not be normalized; empty sides give divergence 1.
  const CountMap P2{{"x", 7}, {"y", 7}};
  CHECK(std::abs(splits::compound_divergence(P2, Q) - (1 - c_pq)) < 1e-12);
  CHECK(splits::compound_divergence({}, Q) == 1.0);
  CHECK_THROWS_WITH(splits::chernoff_coefficient(P, Q, 1.5), Catch::Contains("'alpha' = 1.5"));
  CHECK_THROWS_WITH(splits::chernoff_coefficient({{"x", -1}}, Q, 0.5), Catch::Contains("'p[x]' = -1"));
}

TEST_CASE("mcd_utils_test cases: divergences 0, 1, 0.8 and the TMCD swap result", "[dbca]") {
  {
    const auto pool = text_pool({"jump twice", "walk thrice", "jump twice", "walk thrice"});
    CHECK(std::abs(splits::split_divergences(pool, {0, 1}, {2, 3}).compound - 0.0) < 1e-12);
  }
  {
    const auto pool = text_pool({"jump thrice", "walk twice", "jump twice", "walk thrice"});
    CHECK(std::abs(splits::split_divergences(pool, {0, 1}, {2, 3}).compound - 1.0) < 1e-12);
  }
  const std::vector<std::string> all{"jump twice",  "walk twice",    "jump thrice",  "look and walk",
                                     "walk thrice", "walk and jump", "jump and walk"};
  const auto pool = text_pool(all);
  const auto d = splits::split_divergences(pool, range(0, 4), range(4, 7));
  // Only "and walk" is shared: 1 − (1/5)^0.1 (1/5)^0.9 = 0.8.
  CHECK(std::abs(d.compound - 0.8) < 1e-12);
  const auto s = splits::tmcd_swap(pool, range(0, 4), range(4, 7));
  CHECK(texts_of(all, s.train) == std::vector<std::string>{"jump and walk", "walk twice", "jump thrice", "look and walk"});
  CHECK(texts_of(all, s.test) == std::vector<std::string>{"walk thrice", "walk and jump", "jump twice"});
  CHECK(std::abs(s.divergences.compound - 1.0) < 1e-12);
  // Independent check: no test bigram occurs in train.
  const auto ctr = splits::compound_counts(pool, s.train);
  for (const auto& [k, c] : splits::compound_counts(pool, s.test)) CHECK(ctr.count(k) == 0);
}

TEST_CASE("TMCD balance_atoms brings every test atom into train", "[dbca]") {
  const std::vector<std::string> all{"a b", "a b", "a b", "c", "d", "a"};
  const auto pool = text_pool(all);
  // Test atoms c and d are missing from train; two del+append swaps fix that (traced by hand on
  // the reference balance_atoms).
  const auto s = splits::tmcd_swap(pool, {0, 1, 2}, {3, 4, 5});
  CHECK(texts_of(all, s.train) == std::vector<std::string>{"a b", "c", "d"});
  CHECK(texts_of(all, s.test) == std::vector<std::string>{"a", "a b", "a b"});
  const auto tr = splits::atom_counts(pool, s.train);
  for (const auto& [a, c] : splits::atom_counts(pool, s.test)) CHECK(tr.count(a) == 1);
  // Unbalanceable: an atom that exists only in test examples that cannot all move.
  const auto bad = text_pool({"a", "a", "z y", "z x"});
  splits::TmcdConfig cfg;
  cfg.min_atom_count = 2;
  cfg.max_iterations = 5;
  CHECK_THROWS(splits::tmcd_swap(bad, {0, 1}, {2, 3}, cfg));
}

TEST_CASE("tree atoms and compounds match tmcd_utils_test", "[dbca]") {
  const std::string t = "answer ( intersection ( state , next_to_2 ( most ( state , loc_1 , city ) ) ) )";
  const auto atoms = splits::tree_atoms(t);
  CHECK(std::set<std::string>(atoms.begin(), atoms.end()) ==
        std::set<std::string>{"answer", "intersection", "state", "next_to_2", "most", "loc_1", "city"});
  CHECK(atoms.size() == 7);
  const auto comps = splits::tree_compounds(t);
  CHECK(std::multiset<std::string>(comps.begin(), comps.end()) ==
        std::multiset<std::string>{"answer( intersection )", "intersection( state , __ )", "intersection( __ , next_to_2 )",
                                   "next_to_2( most )", "most( state , __ , __ )", "most( __ , loc_1 , __ )",
                                   "most( __ , __ , city )"});
  const auto ar = splits::tree_atoms(t, true);
  const std::set<std::string> ars(ar.begin(), ar.end());
  for (const char* a : {"next_to_2_(1)", "most_(3)", "intersection_(2)", "answer_(1)", "state", "loc_1", "city"}) CHECK(ars.count(a) == 1);
  CHECK(splits::tree_subtrees("and ( twice ( around ( jump , right ) ) , walk )", 2) ==
        std::vector<std::string>{"and( twice , walk )", "and( twice( around ) , walk )", "twice( around )",
                                 "twice( around( jump , right ) )", "around( jump , right )"});
  CHECK_THROWS_WITH(splits::tree_compounds("f ( a , "), Catch::Contains("expected a symbol"));
  CHECK_THROWS_WITH(splits::tree_compounds("f ( a ) b"), Catch::Contains("trailing tokens"));
  CHECK(splits::ngrams("a b a b", 2) == std::vector<std::string>{"a b", "b a"});
  CHECK(splits::ngrams("a b a b", 2, false).size() == 3);
}

TEST_CASE("greedy MCD: exact sizes, incremental divergences equal from-scratch ones, perfect separation found", "[dbca][mcd]") {
  // Two disjoint "worlds" with the same words but different bigrams: MCD can separate them.
  std::vector<std::string> texts;
  for (const char* a : {"x", "y", "z"})
    for (const char* b : {"p", "q", "r"}) {
      texts.push_back(std::string(a) + " " + b);
      texts.push_back(std::string(b) + " " + a);
    }
  const auto pool = text_pool(texts);
  splits::McdConfig c;
  c.train_size = 9;
  c.test_size = 4;
  c.max_test_fraction = 0.5;
  c.candidates_per_step = 0;
  c.seed = 3;
  const auto s = splits::mcd_split(pool, c);
  CHECK(s.train.size() == 9);
  CHECK(s.test.size() == 4);
  std::set<std::size_t> seen(s.train.begin(), s.train.end());
  for (auto i : s.test) CHECK(seen.insert(i).second);
  const auto ind = splits::split_divergences(pool, s.train, s.test);
  CHECK(std::abs(ind.compound - s.divergences.compound) < 1e-12);
  CHECK(std::abs(ind.atom - s.divergences.atom) < 1e-12);
  // Every bigram is unique, so a test compound never occurs in train: D_C = 1.
  const auto ctr = splits::compound_counts(pool, s.train);
  for (const auto& [k, n] : splits::compound_counts(pool, s.test)) CHECK(ctr.count(k) == 0);
  CHECK(s.divergences.compound == Approx(1.0).margin(1e-12));
  // Same seed, same split.
  const auto s2 = splits::mcd_split(pool, c);
  CHECK(s2.train == s.train);
  CHECK(s2.test == s.test);
  c.test_size = 20;
  CHECK_THROWS_WITH(splits::mcd_split(pool, c), Catch::Contains("'train_size + test_size' = 29; expected <= the pool size 18"));
}

TEST_CASE("an MCD split of SCAN reaches D_C >= 0.6 at D_A <= 0.02", "[dbca][mcd][scan]") {
  const auto pool = splits::scan_dbca_pool();
  CHECK(pool.size() == 20910);
  CHECK(pool.atom_names.size() == 13);
  splits::McdConfig c;
  c.train_size = 4000;
  c.test_size = 800;
  c.candidates_per_step = 64;
  c.seed = 1;
  const auto s = splits::mcd_split(pool, c);
  CHECK(s.train.size() == 4000);
  CHECK(s.test.size() == 800);
  const auto ind = splits::split_divergences(pool, s.train, s.test);
  CHECK(std::abs(ind.compound - s.divergences.compound) < 1e-9);
  CHECK(std::abs(ind.atom - s.divergences.atom) < 1e-9);
  CHECK(ind.compound >= 0.6);
  const auto j = splits::to_json(s);
  CHECK(j.at("test").size() == 800);
  CHECK(j.at("compound_divergence").get<double>() == s.divergences.compound);
  CHECK(ind.atom <= 0.02);
  std::set<std::size_t> tr(s.train.begin(), s.train.end());
  for (auto i : s.test) CHECK(tr.count(i) == 0);
  // Every test atom (command word) occurs in train.
  const auto atr = splits::atom_counts(pool, s.train);
  for (const auto& [a, n] : splits::atom_counts(pool, s.test)) CHECK(atr.count(a) == 1);
}

TEST_CASE("a TMCD split of SCAN raises compound divergence and keeps sizes", "[dbca][scan]") {
  const auto all = splits::scan_dbca_pool();
  // A 600-command sub-pool keeps the swap search short.
  splits::DbcaPool pool;
  pool.atom_names = all.atom_names;
  pool.compound_names = all.compound_names;
  for (std::size_t i = 0; i < 600; ++i) {
    pool.atoms.push_back(all.atoms[i * 34]);
    pool.compounds.push_back(all.compounds[i * 34]);
  }
  splits::TmcdConfig cfg;
  cfg.max_iterations = 200;
  std::vector<std::size_t> order(600);
  for (std::size_t i = 0; i < 600; ++i) order[i] = i;
  auto g = core::philox_stream(4, 0);
  core::shuffle(order.begin(), order.end(), g);
  const auto before = splits::split_divergences(pool, {order.begin(), order.begin() + 450}, {order.begin() + 450, order.end()});
  const auto s = splits::tmcd_split(pool, 450, 4, cfg);
  CHECK(s.train.size() == 450);
  CHECK(s.test.size() == 150);
  CHECK(s.divergences.compound > before.compound + 0.05);
  const auto atr = splits::atom_counts(pool, s.train);
  for (const auto& [a, n] : splits::atom_counts(pool, s.test)) CHECK(atr.count(a) == 1);
}
