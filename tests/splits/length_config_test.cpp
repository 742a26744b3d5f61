// LengthTaskConfig: its JSON (same keys and names as genlab always wrote), validate() refusing
// every config the generator cannot generate (up front, naming the parameter), the mode sampler's
// typed error, named token ids, and every task's data pinned by fingerprint.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "genlab/splits/length.hpp"

using namespace genlab;
using splits::HintTask;
using splits::LengthTask;
using splits::LengthTaskConfig;

namespace {

LengthTaskConfig small_config(LengthTask task) {
  LengthTaskConfig c;
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

std::string fingerprint(const LengthTaskConfig& c) {
  return splits::make_length_dataset(c).config().at("fingerprint_fnv1a64").get<std::string>();
}

}  // namespace

TEST_CASE("the config's JSON keeps genlab's keys and names and round-trips", "[length][json]") {
  // What every results folder so far records for the default config.
  const std::string today =
      R"({"generator":"genlab::splits::make_length_dataset","hints":{"all_positions":false,"fill_blank_probability":0.5,)"
      R"("probability":0.5,"tasks":[]},"id_test_size":1000,"index_hint_symbols":101,"num_values":100,"repeats":true,)"
      R"("seed":0,"task":"sort","task_token":true,"test_lengths":[25,30,50,75,100],"test_size_per_length":100,)"
      R"("train_max_length":20,"train_min_length":1,"train_size":10000})";
  CHECK(LengthTaskConfig{}.to_json().dump() == today);

  LengthTaskConfig c = small_config(LengthTask::mode);
  c.hints.tasks = {HintTask::fill, HintTask::predecessor};
  c.hints.probability = 0.25;
  c.hints.all_positions = true;
  c.hints.fill_blank_probability = 0.75;
  c.repeats = true;
  c.task_token = true;
  c.seed = 123456789012345ull;
  // The struct's own JSON (nlohmann macros) round-trips exactly.
  const core::Json j = c;
  CHECK(j.at("task") == "mode");
  CHECK(j.at("hints").at("tasks") == core::Json{"fill", "predecessor"});
  CHECK(j.at("index_hint_symbols") == 0);
  const auto back = j.get<LengthTaskConfig>();
  CHECK(core::Json(back) == j);
  CHECK(back.seed == 123456789012345ull);
  CHECK(back.hints.tasks == c.hints.tasks);
  // The recorded form (to_json) reads back to a config that writes the same record and data.
  const auto again = LengthTaskConfig::from_json(c.to_json());
  CHECK(again.to_json() == c.to_json());
  CHECK(fingerprint(again) == fingerprint(c));
  // Every task and hint name is today's.
  for (int t = 0; t <= static_cast<int>(LengthTask::addition_index_hints_reversed); ++t)
    CHECK(core::Json(static_cast<LengthTask>(t)) == splits::to_string(static_cast<LengthTask>(t)));
  for (int h = 0; h <= static_cast<int>(HintTask::parity); ++h)
    CHECK(core::Json(static_cast<HintTask>(h)) == splits::to_string(static_cast<HintTask>(h)));
  // Missing keys take the defaults.
  CHECK(core::Json::parse(R"({"task":"copy"})").get<LengthTaskConfig>().to_json().at("train_size") == 10000);
  // An unknown name is refused, not read as "sort".
  CHECK_THROWS_WITH(LengthTaskConfig::from_json(core::Json{{"task", "sortt"}}), Catch::Contains("'name' = \"sortt\""));
  CHECK_THROWS_WITH(LengthTaskConfig::from_json(core::Json::parse(R"({"hints":{"tasks":["succ"]}})")),
                    Catch::Contains("'name' = \"succ\""));
  const auto unknown = core::Json{{"task", "sortt"}}.get<LengthTaskConfig>();
  CHECK_THROWS_WITH(unknown.validate(), Catch::Contains("parameter 'task' = -1; expected sort, copy"));
  CHECK_THROWS_WITH(splits::make_length_dataset(unknown), Catch::Contains("parameter 'task' = -1"));
}

TEST_CASE("mode configs the rejection sampler cannot fill are refused up front", "[length][errors]") {
  // The issue's config: lists of 2 values from 2^24 have a unique mode with probability 2^-24.
  // validate() used to accept it and the generator threw after ~35 s inside the parallel region.
  LengthTaskConfig c;
  c.task = LengthTask::mode;
  c.num_values = std::size_t{1} << 24;
  c.train_min_length = 2;
  c.train_max_length = 2;
  c.test_lengths = {3};
  CHECK_THROWS_MATCHES(c.validate(), std::invalid_argument,
                       Catch::Message("genlab::splits::LengthTaskConfig::validate: parameter 'num_values' = 16777216; "
                                      "expected small enough for task mode at length 2: 2 values drawn from 16777216 "
                                      "have a unique mode with probability <= 5.96e-08, below the 1/4096 that mode's "
                                      "rejection sampler needs (lower num_values or use longer lists)"));
  CHECK_THROWS_WITH(splits::make_length_dataset(c), Catch::Contains("'num_values' = 16777216"));
  CHECK_THROWS_WITH(splits::LengthTaskGenerator(c), Catch::Contains("'num_values' = 16777216"));
  // A training range that includes length 1 still draws length 2.
  c.train_min_length = 1;
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("task mode at length 2"));
  // Test lengths are checked too.
  c.num_values = 4096;
  c.train_min_length = c.train_max_length = 1;
  c.test_lengths = {2};
  CHECK_NOTHROW(c.validate());  // 1/4096 exactly: the boundary
  c.num_values = 4097;
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("'num_values' = 4097") && Catch::Contains("at length 2"));
  c.test_lengths = {3};  // about 3/4097
  CHECK_NOTHROW(c.validate());
  c.num_values = std::size_t{1} << 24;
  c.test_lengths = {91};  // n(n-1)/2V < 1/4096 below n = 92
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("at length 91"));
  c.test_lengths = {92};
  CHECK_NOTHROW(c.validate());
  CHECK(splits::detail::unique_mode_probability_bound(2, 100) == Approx(0.01).epsilon(1e-12));
  CHECK(splits::detail::unique_mode_probability_bound(3, 100) == Approx(1 - 0.99 * 0.98).epsilon(1e-12));
  CHECK(splits::detail::unique_mode_probability_bound(1, 1 << 24) == 1.0);
}

TEST_CASE("validated mode configs generate without throwing, at the boundary too", "[length][mode]") {
  LengthTaskConfig c;
  c.task = LengthTask::mode;
  c.num_values = 4096;  // length 2: acceptance exactly 1/4096
  c.train_min_length = 2;
  c.train_max_length = 3;
  c.test_lengths = {200};
  c.train_size = 60;
  c.id_test_size = 10;
  c.test_size_per_length = 5;
  c.seed = 11;
  const auto ds = splits::make_length_dataset(c);
  CHECK(ds.split("train").size() == 60);
  CHECK(ds.split("test_len_200").size() == 5);
  // The shortest accepted length at V = 2^16 (n(n-1)/2 >= 16), and a length past the birthday
  // regime where the acceptance dips (about 1/25 at n = 1000). (A 2^24 vocabulary alone takes a
  // minute to build, so the largest V is checked by validate() above only.)
  c.num_values = std::size_t{1} << 16;
  c.train_min_length = c.train_max_length = 6;
  c.test_lengths = {};
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("at length 6"));
  c.train_min_length = c.train_max_length = 7;
  c.train_size = 5;
  c.id_test_size = 0;
  REQUIRE_NOTHROW(c.validate());
  CHECK(splits::make_length_dataset(c).split("train").size() == 5);
  c.test_lengths = {1000};
  c.test_size_per_length = 3;
  REQUIRE_NOTHROW(c.validate());
  CHECK(splits::make_length_dataset(c).split("test_len_1000").size() == 3);
}

TEST_CASE("the mode sampler's rare failure is a typed, catchable error", "[length][mode][errors]") {
  auto g = core::philox_stream(1, 2);
  CHECK_THROWS_MATCHES(splits::detail::draw_unique_mode_list(2, 1u << 24, g, 8), std::runtime_error,
                       Catch::Message("genlab::splits::LengthTaskGenerator (mode): no list of length 2 with a unique "
                                      "mode in 8 draws from num_values = 16777216"));
  // Inside a parallel loop it comes out after the loop with its type.
  CHECK_THROWS_AS(core::parallel_for(64,
                                     [](std::int64_t i) {
                                       auto gi = core::philox_stream(3, static_cast<std::uint64_t>(i));
                                       splits::detail::draw_unique_mode_list(2, 1u << 24, gi, 4);
                                     }),
                  std::runtime_error);
  const auto x = splits::detail::draw_unique_mode_list(5, 3, g);
  CHECK(x.size() == 5);
}

TEST_CASE("other configs the generator cannot generate are refused with the parameter named", "[length][errors]") {
  auto c = small_config(LengthTask::sort);
  c.test_lengths = {10, 13, 10};  // the second "test_len_10" would replace the first
  CHECK_THROWS_MATCHES(c.validate(), std::invalid_argument,
                       Catch::Message("genlab::splits::LengthTaskConfig::validate: parameter 'test_lengths[i]' = 10; "
                                      "expected each length listed once"));
  c = small_config(LengthTask::addition_index_hints);
  c.index_hint_symbols = std::size_t{1} << 30;
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("'index_hint_symbols' = 1073741824; expected <= 2^24"));
  c = small_config(LengthTask::sort);
  c.train_size = (std::size_t{1} << 40) + 1;
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("'train_size' = 1099511627777; expected <= 2^40"));
  c = small_config(LengthTask::sort);
  c.test_size_per_length = (std::size_t{1} << 40) + 1;
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("'test_size_per_length' = 1099511627777"));
  c = small_config(LengthTask::sort);
  c.id_test_size = std::size_t{1} << 40;
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("'id_test_size' = 1099511627776"));
  c = small_config(LengthTask::sort);
  c.hints.tasks = {static_cast<HintTask>(9)};
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("'hints.tasks[i]' = 9; expected successor, predecessor"));
  c = small_config(LengthTask::sort);
  c.hints.probability = std::nan("");
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("'hints.probability' = nan"));
  splits::PackingConfig pc;
  pc.context_length = std::size_t{1} << 32;
  CHECK_THROWS_WITH(pc.validate(), Catch::Contains("'context_length' = 4294967296; expected in 1..2^32-1"));
}

TEST_CASE("the generator's token ids are named", "[length]") {
  auto c = small_config(LengthTask::addition_index_hints);
  const splits::LengthTaskGenerator add(c);
  const auto& v = add.vocab();
  CHECK(v.token(splits::SpecialTokens::pad) == "<pad>");
  CHECK(v.token(splits::SpecialTokens::bos) == "<bos>");
  CHECK(v.token(splits::SpecialTokens::eos) == "<eos>");
  CHECK(v.token(splits::SpecialTokens::sep) == "<sep>");
  const auto& t = add.tokens();
  CHECK(v.token(t.task) == "<task_addition_index_hints>");
  CHECK(v.token(t.numeral0) == "0");
  CHECK(v.token(t.numeral0 + 9) == "9");
  CHECK(v.token(t.plus) == "+");
  CHECK(v.token(t.equals) == "=");
  CHECK(v.token(t.index_hint0) == "<h0>");
  CHECK(v.token(t.index_hint0 + 13) == "<h13>");
  CHECK(t.none == -1);
  CHECK(t.blank == -1);
  c = small_config(LengthTask::sort);
  c.hints.tasks = {HintTask::fill, HintTask::successor};
  const splits::LengthTaskGenerator sort(c);
  CHECK(sort.vocab().token(sort.tokens().hint.at(HintTask::fill)) == "<hint_fill>");
  CHECK(sort.vocab().token(sort.tokens().none) == "<none>");
  CHECK(sort.vocab().token(sort.tokens().blank) == "<blank>");
  CHECK(sort.tokens().plus == -1);
}

TEST_CASE("every task's data is pinned by fingerprint", "[length][seed]") {
  // Values from before the split of length.hpp into config/generator/packing: the refactor and
  // the stricter validation leave valid configs' data bit for bit unchanged.
  const std::vector<std::pair<LengthTask, std::string>> pinned = {
      {LengthTask::sort, "152a252f5062c340"},
      {LengthTask::copy, "133b6d972dd80601"},
      {LengthTask::reverse, "57f11c0ada3c10ac"},
      {LengthTask::count, "1507d9b26f706c51"},
      {LengthTask::mode, "2fa8c159b0ef7545"},
      {LengthTask::parity, "84aba7583166a225"},
      {LengthTask::parity_scratchpad, "430fbde3585384ce"},
      {LengthTask::addition, "f1975c896bd386b0"},
      {LengthTask::addition_reversed, "f00f396aff2b4987"},
      {LengthTask::addition_index_hints, "8174d8543ab1e16f"},
      {LengthTask::addition_index_hints_reversed, "21f2e2baf112ec36"}};
  for (const auto& [task, fp] : pinned) {
    INFO(splits::to_string(task));
    CHECK(fingerprint(small_config(task)) == fp);
  }
  auto c = small_config(LengthTask::copy);
  c.repeats = false;
  CHECK(fingerprint(c) == "4a7810c586ec4af1");
  c = small_config(LengthTask::sort);
  c.hints.tasks = {HintTask::successor, HintTask::predecessor, HintTask::count, HintTask::fill, HintTask::parity};
  CHECK(fingerprint(c) == "2c0e246391d29382");
  c = small_config(LengthTask::mode);
  c.hints.tasks = {HintTask::successor, HintTask::predecessor};
  c.hints.all_positions = true;
  CHECK(fingerprint(c) == "7e8c5688d5b9a0d1");
  c = small_config(LengthTask::addition_index_hints_reversed);
  c.index_hint_symbols = 40;
  CHECK(fingerprint(c) == "9830ca30e81eeb25");
  c = small_config(LengthTask::sort);
  c.task_token = false;
  CHECK(fingerprint(c) == "a2498d1ef03e1eb8");
  // Packing.
  const auto ds = splits::make_length_dataset(small_config(LengthTask::copy));
  splits::PackingConfig pc;
  pc.context_length = 64;
  pc.max_offset = 16;
  pc.seed = 3;
  core::Dataset packed(ds.vocab());
  packed.set_split("packed", splits::pack_sequences(ds.split("train"), ds.vocab(), pc));
  CHECK(splits::fingerprint_hex(splits::dataset_fingerprint(packed)) == "462e3fa7e4b96464");
}
