// Token data: vocabulary, sequences with loss masks, datasets with named splits, exports.
#include <catch2/catch.hpp>

#include <filesystem>

#include "genlab/core/dataset.hpp"
#include "genlab/core/io/atomic_file.hpp"

using namespace genlab::core;
namespace fs = std::filesystem;

TEST_CASE("vocabulary maps ids and strings both ways", "[data]") {
  Vocabulary v({"<pad>", "a", "b", "="});
  CHECK(v.size() == 4);
  CHECK(v.id("b") == 2);
  CHECK(v.token(3) == "=");
  CHECK(v.encode(" a b  = a") == std::vector<Token>{1, 2, 3, 1});
  CHECK(v.decode({1, 3, 2}) == "a = b");
  CHECK(v.intern("c") == 4);
  CHECK(v.intern("a") == 1);
  CHECK_THROWS_WITH(v.add("a"), Catch::Contains("'token' = \"a\""));
  CHECK_THROWS_WITH(v.id("zz"), Catch::Contains("unknown token \"zz\""));
  CHECK_THROWS_WITH(v.token(9), Catch::Contains("id 9 outside 0..4"));
}

TEST_CASE("sequences carry prompt/answer masks and group labels", "[data]") {
  const Sequence s = make_sequence({5, 6, 7}, {8, 9}, 3);
  CHECK(s.tokens == std::vector<Token>{5, 6, 7, 8, 9});
  CHECK(s.loss_mask == std::vector<std::uint8_t>{0, 0, 0, 1, 1});
  CHECK(s.graded() == 2);
  CHECK(answer_start(s) == 3);
  Sequence bad = s;
  bad.loss_mask.pop_back();
  CHECK_THROWS_WITH(bad.validate(), Catch::Contains("'loss_mask.size()' = 4; expected tokens.size() = 5"));
  CHECK_THROWS_WITH(s.validate(8), Catch::Contains("'token' = 8; expected an id in 0..7"));
  const auto groups = group_by_label({make_sequence({1}, {2}, 2), make_sequence({1}, {2}, 1), s});
  CHECK(groups.size() == 3);
  CHECK(groups.begin()->first == 1);
}

TEST_CASE("datasets export to JSONL, text and a folder, and read back", "[data]") {
  Vocabulary v({"0", "1", "2", "3", "sort", ":"});
  Dataset ds(v, Json{{"task", "sort"}, {"seed", 1}});
  ds.set_split("train", {make_sequence({4, 3, 1, 5}, {1, 3}, 2), make_sequence({4, 2, 5}, {2}, 1)});
  Sequence packed;  // graded tokens not a suffix: exported without prompt/answer
  packed.tokens = {1, 2, 3};
  packed.loss_mask = {0, 1, 0};
  ds.set_split("ood", {packed});
  CHECK(ds.split_names() == std::vector<std::string>{"train", "ood"});
  CHECK_THROWS_WITH(ds.split("valid"), Catch::Contains("have: train, ood"));
  CHECK_THROWS_WITH(ds.set_split("a/b", {}), Catch::Contains("'name' = \"a/b\""));
  CHECK_THROWS_AS(ds.set_split("bad", {make_sequence({9}, {1})}), std::invalid_argument);

  const Json j = to_json(ds.split("train")[0], v);
  CHECK(j["prompt"] == "sort 3 1 :");
  CHECK(j["answer"] == "1 3");
  CHECK(j["group"] == 2);
  CHECK_FALSE(to_json(packed, v).contains("prompt"));

  const fs::path dir = fs::temp_directory_path() / "genlab_dataset_test";
  fs::remove_all(dir);
  write_dataset(dir, ds);
  const Dataset back = read_dataset(dir);
  CHECK(back.vocab() == ds.vocab());
  CHECK(back.split("train") == ds.split("train"));
  CHECK(back.split("ood") == ds.split("ood"));
  CHECK(back.config()["task"] == "sort");

  write_sequences_text(dir / "train.txt", ds.split("train"), v);
  CHECK(read_file(dir / "train.txt") == "sort 3 1 :\t1 3\nsort 2 :\t2\n");
}
