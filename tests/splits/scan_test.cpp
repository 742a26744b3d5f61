// SCAN: the grammar's 20,910 commands, the documented semantics and histograms, every standard
// split's reference size, disjointness, the IN/OUT file format and dataset round trips.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "genlab/splits/scan.hpp"

using namespace genlab;
namespace fs = std::filesystem;

TEST_CASE("SCAN's grammar yields exactly 20,910 distinct commands with the documented histograms", "[scan]") {
  const auto& c = splits::scan_commands();
  REQUIRE(c.size() == 20910);
  std::set<std::string> unique;
  std::map<std::size_t, std::size_t> out_hist, in_hist;
  std::size_t total_actions = 0, with_and = 0, with_after = 0;
  for (const auto& e : c) {
    unique.insert(e.command);
    ++out_hist[e.action_count];
    ++in_hist[splits::detail::count_words(e.command)];
    total_actions += e.action_count;
    with_and += splits::detail::contains_phrase(e.command, "and");
    with_after += splits::detail::contains_phrase(e.command, "after");
  }
  CHECK(unique.size() == 20910);
  CHECK(with_and == 10404);
  CHECK(with_after == 10404);
  CHECK(total_actions == 299388);
  const std::map<std::size_t, std::size_t> out_ref{
      {1, 6},     {2, 88},    {3, 398},   {4, 860},  {5, 1184}, {6, 1178}, {7, 1104}, {8, 1450}, {9, 1256},
      {10, 1696}, {11, 1072}, {12, 1578}, {13, 432}, {14, 848}, {15, 688}, {16, 304}, {17, 512}, {18, 784},
      {19, 448},  {20, 464},  {21, 64},   {22, 576}, {24, 336}, {25, 448}, {26, 512}, {27, 448}, {28, 448},
      {30, 576},  {32, 448},  {33, 256},  {36, 64},  {40, 256}, {48, 128}};
  CHECK(out_hist == out_ref);
  CHECK(out_hist.count(23) == 0);
  const std::map<std::size_t, std::size_t> in_ref{{1, 4},    {2, 18},   {3, 72},   {4, 328}, {5, 1288},
                                                  {6, 3520}, {7, 6080}, {8, 6400}, {9, 3200}};
  CHECK(in_hist == in_ref);
}

TEST_CASE("SCAN validation commands map to their documented actions", "[scan]") {
  auto rep = [](const std::string& x, int k) {
    std::string r;
    for (int i = 0; i < k; ++i) r += (i ? " " : "") + x;
    return r;
  };
  CHECK(splits::scan_interpret("jump") == "I_JUMP");
  CHECK(splits::scan_interpret("turn left twice") == "I_TURN_LEFT I_TURN_LEFT");
  CHECK(splits::scan_interpret("jump around right") == rep("I_TURN_RIGHT I_JUMP", 4));
  CHECK(splits::scan_interpret("jump opposite left and walk thrice") ==
        "I_TURN_LEFT I_TURN_LEFT I_JUMP I_WALK I_WALK I_WALK");
  CHECK(splits::scan_interpret("jump opposite left after walk around left") ==
        rep("I_TURN_LEFT I_WALK", 4) + " I_TURN_LEFT I_TURN_LEFT I_JUMP");
  CHECK(splits::scan_interpret("walk opposite right thrice after run opposite right") ==
        "I_TURN_RIGHT I_TURN_RIGHT I_RUN " + rep("I_TURN_RIGHT I_TURN_RIGHT I_WALK", 3));
  CHECK(splits::scan_interpret("turn around left thrice") == rep("I_TURN_LEFT", 12));
  CHECK(splits::scan_interpret("look right and turn opposite right") == "I_TURN_RIGHT I_LOOK I_TURN_RIGHT I_TURN_RIGHT");
  CHECK_THROWS_WITH(splits::scan_interpret("jump jump"), Catch::Contains("a command of SCAN's grammar"));
  CHECK(splits::scan_commands()[splits::scan_index("run after walk")].tree == "after ( run , walk )");
}

namespace {
struct Ref {
  const char* name;
  std::size_t train, test;
};
std::set<std::size_t> as_set(const std::vector<std::size_t>& v) { return {v.begin(), v.end()}; }
bool disjoint(const std::vector<std::size_t>& a, const std::vector<std::size_t>& b) {
  const auto sa = as_set(a);
  for (auto x : b)
    if (sa.count(x)) return false;
  return true;
}
}  // namespace

TEST_CASE("every standard SCAN split reproduces the reference sizes and is disjoint", "[scan]") {
  const Ref refs[] = {{"simple", 16728, 4182},
                      {"simple_p1", 209, 20701},
                      {"simple_p2", 418, 20492},
                      {"simple_p4", 836, 20074},
                      {"simple_p8", 1672, 19238},
                      {"simple_p16", 3345, 17565},
                      {"simple_p32", 6691, 14219},
                      {"simple_p64", 13382, 7528},
                      {"length", 16990, 3920},
                      {"addprim_jump", 14670, 7706},
                      {"addprim_turn_left", 21890, 1208},
                      {"template_around_right", 15225, 4476},
                      {"template_opposite_right", 15225, 4476},
                      {"template_right", 15225, 4476},
                      {"template_jump_around_right", 18528, 1173},
                      {"filler_num0", 15225, 1173},
                      {"filler_num1", 16290, 1173},
                      {"filler_num2", 17391, 1173},
                      {"filler_num3", 18528, 1173}};
  for (const auto& r : refs) {
    const auto s = splits::scan_split(r.name, 1);
    INFO(r.name);
    CHECK(s.name == r.name);
    CHECK(s.train.size() == r.train);
    CHECK(s.test.size() == r.test);
    CHECK(disjoint(s.train, s.test));
  }
  // addprim oversampling: unique train = 13,204 / 19,702, primitive repeated 1,467 / 2,189 times.
  const auto jump = splits::scan_addprim_split("jump");
  CHECK(as_set(jump.train).size() == 13204);
  CHECK(std::count(jump.train.begin(), jump.train.end(), splits::scan_index("jump")) == 1467);
  const auto tl = splits::scan_addprim_split("turn_left");
  CHECK(as_set(tl.train).size() == 19702);
  CHECK(std::count(tl.train.begin(), tl.train.end(), splits::scan_index("turn left")) == 2189);
  for (auto i : jump.test) CHECK(splits::detail::contains_phrase(splits::scan_commands()[i].command, "jump"));
  // Length split rule.
  for (auto i : splits::scan_length_split().test) CHECK(splits::scan_commands()[i].action_count >= 24);
  // The template splits drop the 1,209 turn-form commands.
  const auto ar = splits::scan_template_split("around_right");
  CHECK(ar.train.size() + ar.test.size() == 19701);
  // Filler additions +1,065 (look), +1,101 (walk), +1,137 (run).
  CHECK(splits::scan_filler_split(1).train.size() - splits::scan_filler_split(0).train.size() == 1065);
}

TEST_CASE("addprim with additional examples and few-shot splits follow the reference counts", "[scan]") {
  const std::size_t reps[] = {734, 489, 293, 163, 86, 44};
  for (unsigned e = 0; e < 6; ++e) {
    const std::size_t n = std::size_t{1} << e;
    const auto s = splits::scan_addprim_additional_split(n, 1, 3);
    INFO("N = " << n);
    CHECK(s.name == "addprim_jump_num" + std::to_string(n) + "_rep1");
    CHECK(splits::scan_split(s.name, 3).train == s.train);
    CHECK(s.config.at("repetitions") == reps[e]);
    CHECK(s.test.size() == 7706 - n);
    CHECK(s.train.size() == 13203 + (n + 1) * reps[e]);
    CHECK(as_set(s.train).size() == 13203 + n + 1);
    CHECK(disjoint(s.train, s.test));
  }
  CHECK(splits::scan_addprim_additional_split(1, 1, 3).train.size() == 14671);
  // Replicates differ, the same (name, seed) repeats, and the seed moves every replicate.
  CHECK(splits::scan_addprim_additional_split(8, 1, 3).train != splits::scan_addprim_additional_split(8, 2, 3).train);
  CHECK(splits::scan_addprim_additional_split(8, 2, 3).train == splits::scan_split("addprim_jump_num8_rep2", 3).train);
  CHECK(splits::scan_addprim_additional_split(8, 2, 3).train != splits::scan_addprim_additional_split(8, 2, 4).train);
  CHECK(splits::scan_split("addprim_jump_num8_rep2", 3).config.at("rep") == 2);
  const auto num0 = splits::scan_filler_split(0);
  for (unsigned e = 0; e <= 10; ++e) {
    const std::size_t n = std::size_t{1} << e;
    const auto s = splits::scan_split("fewshot_num" + std::to_string(n) + "_rep2", 9);
    CHECK(s.train.size() == 15225 + n);
    CHECK(s.test.size() == 1173);
    CHECK(as_set(s.train).size() == 15225 + n);
    CHECK(disjoint(s.train, s.test));
    for (std::size_t k = 15225; k < s.train.size(); ++k)
      CHECK(splits::detail::contains_phrase(splits::scan_commands()[s.train[k]].command, "look around right"));
  }
  CHECK(splits::scan_fewshot_split(16, 1, 9).train != splits::scan_fewshot_split(16, 2, 9).train);
  CHECK(splits::scan_split_names().size() == 4 + 7 + 30 + 4 + 4 + 55);
  // One naming scheme: every replicated family ends in _rep{r} (r >= 1), and every listed name
  // round-trips through scan_split.
  for (const auto& name : splits::scan_split_names()) {
    const bool replicated = name.rfind("addprim_jump_num", 0) == 0 || name.rfind("fewshot_num", 0) == 0;
    INFO(name);
    CHECK((name.find("_rep") != std::string::npos) == replicated);
    CHECK(name.find("_rep0") == std::string::npos);
  }
  for (const char* name : {"addprim_jump_num1_rep1", "addprim_jump_num32_rep5", "fewshot_num1024_rep5"})
    CHECK(splits::scan_split(name, 1).name == name);
  CHECK_THROWS_WITH(splits::scan_split("addprim_jump_num4"), Catch::Contains("_rep{r}"));
  CHECK_THROWS_WITH(splits::scan_split("fewshot_num4"), Catch::Contains("'name' = \"fewshot_num4\""));
  CHECK_THROWS_WITH(splits::scan_split("addprim_jump_num4_rep0"), Catch::Contains("'rep' = 0"));
  CHECK_THROWS_WITH(splits::scan_fewshot_split(4, 0, 1), Catch::Contains("'rep' = 0"));
  CHECK_THROWS_WITH(splits::scan_split("addprim_jump_num4_repx"), Catch::Contains("'name'"));
  CHECK_THROWS_WITH(splits::scan_split("simple_p3"), Catch::Contains("'percent' = 3"));
  CHECK_THROWS_WITH(splits::scan_split("mcd1"), Catch::Contains("'name' = \"mcd1\""));
  CHECK_THROWS_WITH(splits::scan_template_split("left"), Catch::Contains("'which' = \"left\""));
}

TEST_CASE("SCAN files use the original IN/OUT format and datasets round-trip", "[scan][io]") {
  const auto s = splits::scan_template_split("jump_around_right");
  const fs::path dir = fs::temp_directory_path() / "genlab_splits_scan_io";
  fs::remove_all(dir);
  fs::create_directories(dir);
  splits::write_scan_file(dir / "tasks_test.txt", s.test);
  const auto rows = splits::read_scan_file(dir / "tasks_test.txt");
  REQUIRE(rows.size() == s.test.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    CHECK(rows[k].first == splits::scan_commands()[s.test[k]].command);
    CHECK(rows[k].second == splits::scan_interpret(rows[k].first));
  }
  const std::string first = core::read_file(dir / "tasks_test.txt").substr(0, 4);
  CHECK(first == "IN: ");
  {
    std::ofstream bad(dir / "bad.txt");
    bad << "IN: jump OUT: I_JUMP\nIN jump\n";
  }
  CHECK_THROWS_WITH(splits::read_scan_file(dir / "bad.txt"), Catch::Contains("line 2"));

  CHECK(splits::scan_dataset(s).split("train").size() == 18528);
  // Pinned fingerprints: the deterministic length split, and the seeded simple split.
  CHECK(splits::scan_dataset(splits::scan_length_split()).config().at("fingerprint_fnv1a64") == "0157ba4a0c61753e");
  CHECK(splits::scan_dataset(splits::scan_simple_split(1)).config().at("fingerprint_fnv1a64") == "066ae0f1fa1337d8");
  splits::ScanSplit small = s;  // a slice keeps the JSON round trip quick under sanitizers
  small.train.resize(1500);
  const auto ds = splits::scan_dataset(small);
  CHECK(ds.vocab().size() == 4 + 13 + 6);
  const auto& seq = ds.split("test")[0];
  CHECK(static_cast<std::size_t>(seq.group) == splits::scan_commands()[s.test[0]].action_count);
  CHECK(seq.graded() == splits::scan_commands()[s.test[0]].action_count + 1);
  core::write_dataset(dir / "ds", ds);
  const auto back = core::read_dataset(dir / "ds");
  CHECK(back.config() == ds.config());
  CHECK(back.split("test") == ds.split("test"));
  CHECK(back.split("train") == ds.split("train"));
  fs::remove_all(dir);
}
