// Loading predictions from CSV, JSON Lines and .npy.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "genlab/core/io/atomic_file.hpp"
#include "genlab/core/io/npy.hpp"
#include "genlab/measure/calibration.hpp"
#include "genlab/measure/predictions.hpp"

using namespace genlab::measure;
namespace fs = std::filesystem;

namespace {
// One folder per test case and process: ctest runs the test cases as parallel processes, and a
// shared folder let one case's remove_all race another's writes.
fs::path scratch() {
  const std::string name = Catch::getResultCapture().getCurrentTestName();
  const auto d = fs::temp_directory_path() /
                 ("genlab_measure_predictions_test_" + std::to_string(std::hash<std::string>{}(name)) + "_" +
                  std::to_string(::getpid()));
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

TEST_CASE("A UTF-8 byte-order mark is not part of the first column's name", "[predictions]") {
  const auto d = scratch();
  const std::string bom = "\xEF\xBB\xBF";
  genlab::core::write_file_atomic(d / "bom.csv", bom + "p,correct\n0.25,1\n0.75,0\n");
  CHECK(load_probabilities(d / "bom.csv", "p") == std::vector<double>{0.25, 0.75});
  CHECK(load_text_column(d / "bom.csv", "p") == std::vector<std::string>{"0.25", "0.75"});
  genlab::core::write_file_atomic(d / "bom.jsonl", bom + "{\"p\": 0.25}\n{\"p\": 0.75}\n");
  CHECK(load_probabilities(d / "bom.jsonl", "p") == std::vector<double>{0.25, 0.75});
  genlab::core::write_file_atomic(d / "bom_r.csv", bom + "item,respondent,correct\n0,0,1\n0,1,0\n");
  const auto m = load_responses(d / "bom_r.csv");
  CHECK(m.items == 1);
  CHECK(m.respondents == 2);
  fs::remove_all(d);
}

TEST_CASE("Every loader error names the file, and the row, line and column", "[predictions][errors]") {
  const auto d = scratch();
  const std::string csv = (d / "notes.csv").string();
  // A quoted note spans lines 2-3, so data row 2 starts on line 4 (not 3).
  genlab::core::write_file_atomic(d / "notes.csv", "note,prob\n\"two\nlines\",0.5\nok,1.5\n");
  CHECK_THROWS_AS(load_probabilities(d / "notes.csv", "prob"), std::invalid_argument);
  CHECK_THROWS_WITH(load_probabilities(d / "notes.csv", "prob"),
                    Catch::Contains(csv) && Catch::Contains("row 2 (line 4)") && Catch::Contains("prob") &&
                        Catch::Contains("1.5"));
  genlab::core::write_file_atomic(d / "text.csv", "note,prob\n\"two\nlines\",0.5\nok,abc\n");
  // A non-number is a format error of the file (before: a bare invalid_argument without the file).
  CHECK_THROWS_AS(load_numeric_column(d / "text.csv", "prob"), genlab::core::FileFormatError);
  CHECK_THROWS_WITH(load_numeric_column(d / "text.csv", "prob"),
                    Catch::Contains((d / "text.csv").string()) && Catch::Contains("row 2 (line 4)") &&
                        Catch::Contains("column prob") && Catch::Contains("\"abc\""));
  CHECK_THROWS_WITH(load_text_column(d / "text.csv", "nope"),
                    Catch::Contains((d / "text.csv").string()) && Catch::Contains("nope") && Catch::Contains("\"prob\""));
  // JSONL: blank lines do not shift the reported line.
  genlab::core::write_file_atomic(d / "p.jsonl", "{\"p\": 0.5}\n\n\n{\"p\": 2}\n");
  CHECK_THROWS_WITH(load_probabilities(d / "p.jsonl", "p"),
                    Catch::Contains((d / "p.jsonl").string()) && Catch::Contains("row 2 (line 4)"));
  genlab::core::write_file_atomic(d / "p.jsonl", "{\"p\": 0.5}\n\n{\"p\": [1]}\n");
  CHECK_THROWS_AS(load_numeric_column(d / "p.jsonl", "p"), genlab::core::FileFormatError);
  CHECK_THROWS_WITH(load_numeric_column(d / "p.jsonl", "p"), Catch::Contains("row 2 (line 3)"));
  genlab::core::write_file_atomic(d / "p.jsonl", "{\"p\": 0.5}\n{\"p\": \n");
  CHECK_THROWS_WITH(load_numeric_column(d / "p.jsonl", "p"),
                    Catch::Contains((d / "p.jsonl").string()) && Catch::Contains("line 2"));
  // .npy: shape problems and bad values name the file.
  genlab::core::write_npy(d / "cube.npy", std::vector<double>(8, 0.5), {2, 2, 2});
  CHECK_THROWS_AS(load_numeric_column(d / "cube.npy", "0"), genlab::core::FileFormatError);
  CHECK_THROWS_WITH(load_numeric_column(d / "cube.npy", "0"), Catch::Contains((d / "cube.npy").string()));
  CHECK_THROWS_AS(load_responses(d / "cube.npy"), genlab::core::FileFormatError);
  CHECK_THROWS_WITH(load_responses(d / "cube.npy"), Catch::Contains((d / "cube.npy").string()));
  genlab::core::write_npy(d / "r.npy", std::vector<double>{1, 0, -1, -1, -1, -1}, {2, 3});  // item 1 empty
  CHECK_THROWS_AS(load_responses(d / "r.npy"), std::invalid_argument);
  CHECK_THROWS_WITH(load_responses(d / "r.npy"), Catch::Contains((d / "r.npy").string()) && Catch::Contains("item 1"));
  genlab::core::write_npy(d / "r.npy", std::vector<double>{1, 0, 2, 0, 1, 1}, {2, 3});
  CHECK_THROWS_WITH(load_responses(d / "r.npy"),
                    Catch::Contains((d / "r.npy").string()) && Catch::Contains("item 0, respondent 2"));
  // Long tables: the repeated pair and a bad outcome name the row and line.
  genlab::core::write_file_atomic(d / "dup.csv", "item,respondent,correct\n0,0,1\n\n0,0,0\n");
  CHECK_THROWS_WITH(load_responses(d / "dup.csv"),
                    Catch::Contains((d / "dup.csv").string()) && Catch::Contains("row 2 (line 4)") &&
                        Catch::Contains("repeated"));
  genlab::core::write_file_atomic(d / "out.csv", "item,respondent,correct\n0,0,1\n0,1,3\n");
  CHECK_THROWS_WITH(load_responses(d / "out.csv"),
                    Catch::Contains((d / "out.csv").string()) && Catch::Contains("row 2 (line 3) column correct"));
  fs::remove_all(d);
}

TEST_CASE("load_responses refuses ids that would need an absurd matrix, before allocating", "[predictions][errors]") {
  const auto d = scratch();
  const std::string file = (d / "huge.csv").string();
  // Before: ResponseMatrix(1e8 + 1, 1e8 + 1) died with a bare std::bad_alloc.
  genlab::core::write_file_atomic(d / "huge.csv", "item,respondent,correct\n100000000,100000000,1\n");
  CHECK_THROWS_AS(load_responses(d / "huge.csv"), std::invalid_argument);
  CHECK_THROWS_WITH(load_responses(d / "huge.csv"),
                    Catch::Contains(file) && Catch::Contains("row 1 (line 2) column item") &&
                        Catch::Contains("100000000") && Catch::Contains("0..0"));
  // Sparse but individually plausible ids: a diagonal of 50,000 pairs would be 2.5e9 cells.
  std::string diag = "item,respondent,correct\n";
  for (int k = 0; k < 50000; ++k) diag += std::to_string(k) + "," + std::to_string(k) + ",1\n";
  genlab::core::write_file_atomic(d / "diag.csv", diag);
  CHECK_THROWS_AS(load_responses(d / "diag.csv"), std::invalid_argument);
  CHECK_THROWS_WITH(load_responses(d / "diag.csv"),
                    Catch::Contains((d / "diag.csv").string()) && Catch::Contains("50000 x 50000"));
  // Dense ids in any row order still give the dense matrix.
  genlab::core::write_file_atomic(d / "ok.csv", "item,respondent,correct\n1,1,1\n0,1,0\n1,0,0\n0,0,1\n");
  const auto m = load_responses(d / "ok.csv");
  CHECK(m.items == 2);
  CHECK(m.respondents == 2);
  CHECK(m.responses == std::vector<std::int8_t>{1, 0, 0, 1});
  fs::remove_all(d);
}
