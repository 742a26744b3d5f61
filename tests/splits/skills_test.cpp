// k-skill composition splits: pools by category, k ranges, no test tuple seen in training,
// answers recomputed by composing the permutations, combinatorial limits, seeds.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <vector>

#include "genlab/splits/skills.hpp"

using namespace genlab;

namespace {
splits::SkillCompositionConfig small() {
  splits::SkillCompositionConfig c;
  c.category_sizes = {6, 5, 4, 4, 4};
  c.num_topics = 12;
  c.train_per_k = 60;
  c.test_per_k = 40;
  c.seed = 5;
  return c;
}
}  // namespace

TEST_CASE("skill splits: categories, k ranges, disjoint tuples, composed answers", "[skills]") {
  const auto c = small();
  const auto sc = splits::make_skill_composition(c);
  CHECK(sc.skill_names.size() == 23);
  CHECK(sc.train.size() == 3 * 60);
  CHECK(sc.test_composition.size() == 2 * 40);
  CHECK(sc.test_held_out_skills.size() == 5 * 40);
  std::set<std::vector<std::uint32_t>> train_sets;
  for (const auto& t : sc.train) {
    CHECK(t.skills.size() >= 1);
    CHECK(t.skills.size() <= 3);
    for (auto s : t.skills) CHECK(sc.skill_category[s] <= 1);  // literary, rhetorical
    CHECK(!sc.topic_held_out[t.topic]);
    auto k = t.skills;
    std::sort(k.begin(), k.end());
    CHECK(std::adjacent_find(k.begin(), k.end()) == k.end());  // distinct skills
    train_sets.insert(k);
  }
  for (const auto* split : {&sc.test_composition, &sc.test_held_out_skills})
    for (const auto& t : *split) {
      auto k = t.skills;
      std::sort(k.begin(), k.end());
      CHECK(train_sets.count(k) == 0);  // no test tuple seen in training
      CHECK(sc.topic_held_out[t.topic]);
    }
  for (const auto& t : sc.test_composition) {
    CHECK(t.skills.size() >= 4);
    for (auto s : t.skills) CHECK(sc.skill_category[s] <= 1);
  }
  for (const auto& t : sc.test_held_out_skills)
    for (auto s : t.skills) CHECK(sc.skill_category[s] >= 2);
  // Permutations are bijections; the dataset's answers are the compositions in prompt order.
  for (const auto& p : sc.permutation) CHECK(std::set<std::uint32_t>(p.begin(), p.end()).size() == 12);
  const auto& v = sc.dataset.vocab();
  const auto& seqs = sc.dataset.split("test_composition");
  REQUIRE(seqs.size() == sc.test_composition.size());
  for (std::size_t i = 0; i < seqs.size(); ++i) {
    const auto& s = seqs[i];
    const auto& t = sc.test_composition[i];
    CHECK(static_cast<std::size_t>(s.group) == t.skills.size());
    std::uint32_t y = t.topic;
    for (std::size_t j = 0; j < t.skills.size(); ++j) {
      CHECK(v.token(s.tokens[1 + j]) == "<skill_" + sc.skill_names[t.skills[j]] + ">");
      y = sc.permutation[t.skills[j]][y];
    }
    CHECK(v.token(s.tokens[1 + t.skills.size()]) == "<topic_" + std::to_string(t.topic) + ">");
    CHECK(v.token(s.tokens[s.size() - 2]) == std::to_string(y));
    CHECK(s.graded() == 2);
  }
  const auto again = splits::make_skill_composition(c);
  CHECK(again.dataset.config().at("fingerprint_fnv1a64") == sc.dataset.config().at("fingerprint_fnv1a64"));
  const auto dir = std::filesystem::temp_directory_path() / "genlab_splits_skills_io";
  std::filesystem::remove_all(dir);
  core::write_dataset(dir, sc.dataset);
  const auto back = core::read_dataset(dir);
  CHECK(back.config() == sc.dataset.config());
  CHECK(splits::dataset_fingerprint(back) == splits::dataset_fingerprint(sc.dataset));
  std::filesystem::remove_all(dir);
}

TEST_CASE("skill splits reject impossible requests with clear errors", "[skills][errors]") {
  auto c = small();
  c.train_per_k = 100;  // k = 1: only 11 skills x 6 topics = 66 tuples
  CHECK_THROWS_WITH(splits::make_skill_composition(c), Catch::Contains("'train examples per k' = 100; expected <= C(11, 1) * 6 topics = 66"));
  c = small();
  c.test_k = {3, 4};
  CHECK_THROWS_WITH(splits::make_skill_composition(c), Catch::Contains("'test_k[i]' = 3"));
  c = small();
  c.held_out_k = {6};
  c.category_sizes = {6, 5, 1, 2, 2};
  CHECK_THROWS_WITH(splits::make_skill_composition(c), Catch::Contains("'test_held_out_skills k' = 6"));
  c = small();
  c.held_out_categories = {0, 1, 2, 3, 4};
  CHECK_THROWS_WITH(splits::make_skill_composition(c), Catch::Contains("'held_out_categories.size()' = 5"));
  // The paper's combinatorics: C(101, k) for k = 2..5.
  CHECK(splits::detail::binomial(101, 2) == 5050);
  CHECK(splits::detail::binomial(101, 3) == 166650);
  CHECK(splits::detail::binomial(101, 4) == 4082925);
  CHECK(splits::detail::binomial(101, 5) == 79208745);
}
