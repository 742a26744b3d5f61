// Wang et al. 2024 knowledge-graph datasets: documented counts (facts and inferred facts per
// entity, split rules, φ), OOD inferred facts built only from OOD atomic facts, formats, errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "genlab/splits/knowledge_graph.hpp"

using namespace genlab;
namespace fs = std::filesystem;

TEST_CASE("composition at the paper's size: 40,000 atomic facts, 2,206 tokens, phi = 7.2", "[kg]") {
  const auto kg = splits::make_kg_composition({});
  CHECK(kg.atomic.size() == 40000);
  CHECK(kg.dataset.vocab().size() == 2206);
  std::size_t ood = 0;
  for (bool b : kg.atomic_ood) ood += b;
  CHECK(ood == 2000);
  CHECK(kg.train_inferred.size() == 273600);  // round(7.2 * 38,000)
  CHECK(kg.dataset.split("train").size() == 40000 + 273600);
  for (const char* p : {"id_atomic", "ood_atomic", "train_inferred", "test_inferred_iid", "test_inferred_ood"})
    CHECK(kg.dataset.split(p).size() == std::min<std::size_t>(3000, kg.dataset.split(p).size()));
  CHECK(kg.dataset.split("id_atomic").size() == 3000);
  CHECK(kg.dataset.split("ood_atomic").size() == 2000);
  CHECK(kg.dataset.config().at("num_train_inferred") == 273600);
}

TEST_CASE("composition invariants on a small graph", "[kg]") {
  splits::KgCompositionConfig c;
  c.num_entities = 120;
  c.num_relations = 15;
  c.out_degree = 6;
  c.test_iid_probability = 0.05;
  c.phi = 3.6;
  c.probe_size = 100;
  c.seed = 11;
  const auto kg = splits::make_kg_composition(c);
  const auto& A = kg.atomic;
  REQUIRE(A.size() == 720);
  std::size_t n_ood = 0;
  for (bool b : kg.atomic_ood) n_ood += b;
  CHECK(n_ood == 36);  // round(0.05 * 720)
  // Out-degree 6 per entity with distinct relations; (h, r) -> t is a function.
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> tail;
  std::map<std::pair<std::uint32_t, std::uint32_t>, bool> ood_of;
  std::map<std::uint32_t, std::set<std::uint32_t>> rels;
  for (std::size_t i = 0; i < A.size(); ++i) {
    CHECK(rels[A[i].head].insert(A[i].relation).second);
    tail[{A[i].head, A[i].relation}] = A[i].tail;
    ood_of[{A[i].head, A[i].relation}] = kg.atomic_ood[i];
  }
  CHECK(rels.size() == 120);
  for (auto& [h, r] : rels) CHECK(r.size() == 6);
  // Independent recount of the inferred facts per entity: 36 each, split by the hop rule.
  std::size_t both_id = 0, both_ood = 0, mixed = 0;
  for (auto& [hr, b] : tail)
    for (auto r2 : rels[b]) {
      const bool o1 = ood_of[hr], o2 = ood_of[{b, r2}];
      (o1 && o2 ? both_ood : (!o1 && !o2) ? both_id : mixed)++;
    }
  CHECK(both_id + both_ood + mixed == 120u * 36u);
  CHECK(kg.test_inferred_ood.size() == both_ood);
  CHECK(kg.test_inferred_iid.size() + kg.train_pool_size == both_id);
  CHECK(kg.train_inferred.size() == static_cast<std::size_t>(std::llround(3.6 * 684)));
  auto check_fact = [&](const splits::KgInferredFact& f, bool want_ood) {
    CHECK(tail.at({f.head, f.relation1}) == f.bridge);
    CHECK(tail.at({f.bridge, f.relation2}) == f.tail);
    CHECK(kg.atomic_ood[f.fact1] == want_ood);
    CHECK(kg.atomic_ood[f.fact2] == want_ood);
  };
  for (const auto& f : kg.test_inferred_ood) check_fact(f, true);  // OOD inferred facts use only OOD atomic facts
  for (const auto& f : kg.test_inferred_iid) check_fact(f, false);
  std::set<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>> train_q;
  for (const auto& f : kg.train_inferred) {
    check_fact(f, false);
    CHECK(train_q.insert({f.head, f.relation1, f.relation2}).second);
  }
  for (const auto& f : kg.test_inferred_iid) CHECK(train_q.count({f.head, f.relation1, f.relation2}) == 0);
  // Formats.
  const auto& v = kg.dataset.vocab();
  CHECK(v.size() == 120 + 15 + 6);
  const auto& s = kg.dataset.split("test_inferred_ood").at(0);
  CHECK(s.size() == 5);
  CHECK(s.loss_mask == std::vector<std::uint8_t>{0, 0, 0, 1, 1});
  CHECK(v.token(s.tokens[1]).rfind("<r_", 0) == 0);
  CHECK(v.token(s.tokens[4]) == "</a>");
  CHECK(s.group == 2);
  const auto& a = kg.dataset.split("id_atomic").at(0);
  CHECK(a.loss_mask == std::vector<std::uint8_t>{0, 0, 1, 1});
  CHECK(a.group == 1);
  // Seeded; round trip.
  const auto again = splits::make_kg_composition(c);
  CHECK(again.dataset.config().at("fingerprint_fnv1a64") == kg.dataset.config().at("fingerprint_fnv1a64"));
  const fs::path dir = fs::temp_directory_path() / "genlab_splits_kg_io";
  fs::remove_all(dir);
  core::write_dataset(dir, kg.dataset);
  const auto back = core::read_dataset(dir);
  CHECK(splits::dataset_fingerprint(back) == splits::dataset_fingerprint(kg.dataset));
  CHECK(back.config() == kg.dataset.config());
  fs::remove_all(dir);
  // phi larger than the pool allows.
  c.phi = 40;
  CHECK_THROWS_WITH(splits::make_kg_composition(c), Catch::Contains("'phi' = 40") && Catch::Contains("must not exceed"));
  c.phi = 3.6;
  c.out_degree = 16;
  CHECK_THROWS_WITH(splits::make_kg_composition(c), Catch::Contains("'out_degree' = 16"));
}

TEST_CASE("comparison: entity split per attribute, labels, pools and phi", "[kg]") {
  splits::KgComparisonConfig c;
  c.num_entities = 100;
  c.num_attributes = 5;
  c.num_values = 10;
  c.phi = 9.0;
  c.probe_size = 200;
  c.seed = 2;
  const auto kg = splits::make_kg_comparison(c);
  CHECK(kg.train_pool_size + kg.test_iid_size == 5u * 90u * 89u);  // ordered ID-ID pairs
  CHECK(kg.test_iid_size % 2 == 0);
  CHECK(kg.test_ood_size == 5u * 10u * 9u);
  CHECK(kg.train_inferred.size() == 4050);  // round(9.0 * 450)
  // About 10% of the ID pairs are test_iid (binomial over 20,025 unordered pairs, sd ~ 42).
  CHECK(std::abs(static_cast<double>(kg.test_iid_size) / 2 - 2002.5) < 5 * 43);
  for (std::size_t a = 0; a < 5; ++a) {
    std::size_t id = 0;
    for (bool o : kg.entity_ood[a]) id += !o;
    CHECK(id == 90);
  }
  std::set<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>> train_pairs;
  for (const auto& f : kg.train_inferred) {
    CHECK(!kg.entity_ood[f.attribute][f.entity1]);
    CHECK(!kg.entity_ood[f.attribute][f.entity2]);
    CHECK(f.entity1 != f.entity2);
    CHECK(train_pairs.insert({f.attribute, f.entity1, f.entity2}).second);
  }
  for (const auto& f : kg.test_iid_probe) {
    CHECK(train_pairs.count({f.attribute, f.entity1, f.entity2}) == 0);
    CHECK(train_pairs.count({f.attribute, f.entity2, f.entity1}) == 0);  // mirror stays on the same side
  }
  for (const auto& f : kg.test_ood_probe) {
    CHECK(kg.entity_ood[f.attribute][f.entity1]);
    CHECK(kg.entity_ood[f.attribute][f.entity2]);
  }
  const auto& v = kg.dataset.vocab();
  CHECK(v.size() == 100 + 5 + 10 + 15 + 6);
  for (const auto& s : kg.dataset.split("test_inferred_ood")) {
    REQUIRE(s.size() == 7);
    CHECK(v.token(s.tokens[1]) == "<q>");
    CHECK(v.token(s.tokens[3]) == "<mask>");
    const auto a = static_cast<std::size_t>(s.tokens[0] - 100);
    const auto x = kg.value[static_cast<std::size_t>(s.tokens[2])][a], y = kg.value[static_cast<std::size_t>(s.tokens[4])][a];
    const int want = x < y ? 0 : x == y ? 1 : 2;
    CHECK(v.token(s.tokens[5]) == "<attr_" + std::to_string(a) + "_" + std::to_string(want) + ">");
    CHECK(s.loss_mask == std::vector<std::uint8_t>{0, 0, 0, 0, 0, 1, 1});
  }
  for (const auto& s : kg.dataset.split("ood_atomic")) {
    const auto e = static_cast<std::size_t>(s.tokens[0]), a = static_cast<std::size_t>(s.tokens[1] - 100);
    CHECK(kg.entity_ood[a][e]);
    CHECK(v.token(s.tokens[2]) == "<v_" + std::to_string(kg.value[e][a]) + ">");
  }
  CHECK(kg.dataset.split("train").size() == 500 + 4050);
  CHECK(splits::make_kg_comparison(c).dataset.config() == kg.dataset.config());
  const fs::path dir = fs::temp_directory_path() / "genlab_splits_kgc_io";
  fs::remove_all(dir);
  core::write_dataset(dir, kg.dataset);
  const auto back = core::read_dataset(dir);
  CHECK(back.config() == kg.dataset.config());
  CHECK(splits::dataset_fingerprint(back) == splits::dataset_fingerprint(kg.dataset));
  fs::remove_all(dir);
  c.phi = 100;
  CHECK_THROWS_WITH(splits::make_kg_comparison(c), Catch::Contains("'phi' = 100") && Catch::Contains("must not exceed"));
  c.phi = 85;  // below the bound 89 but above the realized pool (~80.1 after the 10% test draw)
  CHECK_THROWS_WITH(splits::make_kg_comparison(c), Catch::Contains("'phi' = 85"));
}
