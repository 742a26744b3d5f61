// Loading predictions from CSV, JSON Lines and .npy.
#include <catch2/catch.hpp>

#include <filesystem>
#include <stdexcept>
#include <vector>

#include "genlab/core/io/atomic_file.hpp"
#include "genlab/core/io/npy.hpp"
#include "genlab/measure/calibration.hpp"
#include "genlab/measure/predictions.hpp"

using namespace genlab::measure;
namespace fs = std::filesystem;

namespace {
fs::path scratch() {
  const auto d = fs::temp_directory_path() / "genlab_measure_predictions_test";
  fs::create_directories(d);
  return d;
}
}  // namespace

TEST_CASE("Columns from CSV, JSONL and .npy agree", "[predictions]") {
  const auto d = scratch();
  genlab::core::write_file_atomic(d / "p.csv", "group,prob,correct\n3,0.95,1\n3,0.25,0\n4,0.5,1\n");
  genlab::core::write_file_atomic(d / "p.jsonl",
                                  "{\"group\": \"3\", \"prob\": 0.95, \"correct\": true}\n\n"
                                  "{\"group\": \"3\", \"prob\": 0.25, \"correct\": false}\n"
                                  "{\"group\": \"4\", \"prob\": 0.5, \"correct\": 1}\n");
  genlab::core::write_npy(d / "p.npy", std::vector<double>{0.95, 0.25, 0.5});
  genlab::core::write_npy(d / "p2.npy", std::vector<float>{1, 0.95f, 0, 0.25f, 1, 0.5f}, {3, 2});
  const std::vector<double> expected{0.95, 0.25, 0.5};
  CHECK(load_probabilities(d / "p.csv", "prob") == expected);
  CHECK(load_probabilities(d / "p.jsonl", "prob") == expected);
  CHECK(load_probabilities(d / "p.npy", "") == expected);
  CHECK(load_outcomes(d / "p2.npy", "0") == std::vector<double>{1, 0, 1});
  CHECK(load_outcomes(d / "p.jsonl", "correct") == std::vector<double>{1, 0, 1});
  CHECK(load_text_column(d / "p.csv", "group") == std::vector<std::string>{"3", "3", "4"});
  CHECK(load_text_column(d / "p.jsonl", "group") == std::vector<std::string>{"3", "3", "4"});
  const auto r = calibration(load_probabilities(d / "p.csv", "prob"), load_outcomes(d / "p.csv", "correct"));
  CHECK(r.n == 3);
  fs::remove_all(d);
}

TEST_CASE("Response matrices from long tables and 2-d arrays", "[predictions]") {
  const auto d = scratch();
  genlab::core::write_file_atomic(d / "r.csv", "item,respondent,correct\n0,0,1\n1,0,0\n0,1,0\n1,1,1\n0,2,1\n");
  const auto m = load_responses(d / "r.csv");
  REQUIRE(m.items == 2);
  REQUIRE(m.respondents == 3);
  CHECK(m.at(0, 0) == 1);
  CHECK(m.at(1, 2) == -1);  // absent pair = missing
  genlab::core::write_npy(d / "r.npy", std::vector<double>{1, 0, -1, 0, 1, 1}, {2, 3});
  const auto n = load_responses(d / "r.npy");
  CHECK(n.at(0, 2) == -1);
  CHECK(n.at(1, 1) == 1);
  genlab::core::write_file_atomic(d / "dup.csv", "item,respondent,correct\n0,0,1\n0,0,0\n");
  CHECK_THROWS_WITH(load_responses(d / "dup.csv"), Catch::Contains("repeated"));
  fs::remove_all(d);
}

TEST_CASE("Loading rejects bad files with the file, row and column", "[predictions][errors]") {
  const auto d = scratch();
  genlab::core::write_file_atomic(d / "bad.csv", "prob,correct\n0.5,1\n1.5,0\n0.2,2\n");
  CHECK_THROWS_WITH(load_probabilities(d / "bad.csv", "prob"), Catch::Contains("row 2") && Catch::Contains("[0, 1]"));
  CHECK_THROWS_WITH(load_outcomes(d / "bad.csv", "correct"), Catch::Contains("row 3") && Catch::Contains("0 or 1"));
  CHECK_THROWS_WITH(load_numeric_column(d / "bad.csv", "nope"), Catch::Contains("nope"));
  genlab::core::write_file_atomic(d / "bad.jsonl", "{\"prob\": 0.5}\n{\"p\": 0.5}\n");
  CHECK_THROWS_WITH(load_numeric_column(d / "bad.jsonl", "prob"), Catch::Contains("row 2") && Catch::Contains("prob"));
  genlab::core::write_file_atomic(d / "bad.jsonl", "{\"prob\": \"x\"}\n");
  CHECK_THROWS_AS(load_numeric_column(d / "bad.jsonl", "prob"), genlab::core::FileFormatError);
  CHECK_THROWS_WITH(load_numeric_column(d / "x.txt", "prob"), Catch::Contains(".csv"));
  CHECK_THROWS_AS(load_numeric_column(d / "missing.csv", "prob"), genlab::core::IoError);
  fs::remove_all(d);
}
