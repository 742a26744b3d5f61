// Atomic writes, CSV, JSON/JSONL: round trips, quoting, and no partial files on failure.
#include <catch2/catch.hpp>

#include <filesystem>

#include "genlab/core/io/csv.hpp"
#include "genlab/core/io/json.hpp"

using namespace genlab::core;
namespace fs = std::filesystem;

namespace {
fs::path files_scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / "genlab_files_test";
  fs::create_directories(dir);
  return dir / name;
}
std::size_t files_in(const fs::path& dir) {
  std::size_t n = 0;
  for (auto it = fs::directory_iterator(dir); it != fs::directory_iterator(); ++it) ++n;
  return n;
}
}  // namespace

TEST_CASE("an atomic file appears only on commit, whole", "[io][atomic]") {
  const fs::path dir = fs::temp_directory_path() / "genlab_atomic_test";
  fs::remove_all(dir);
  const fs::path path = dir / "sub" / "out.txt";
  write_file_atomic(path, "old contents\n");
  {
    AtomicFile f(path);
    f.stream() << "partial new contents";
    CHECK(read_file(path) == "old contents\n");  // not visible before commit
    // destroyed without commit, as when an exception unwinds
  }
  CHECK(read_file(path) == "old contents\n");
  CHECK(files_in(dir / "sub") == 1);  // the temporary was removed
  {
    AtomicFile f(path);
    f.stream() << "new";
    f.commit();
  }
  CHECK(read_file(path) == "new");
  CHECK(files_in(dir / "sub") == 1);
  CHECK_THROWS_AS(AtomicFile("/proc/genlab_cannot_write_here/x"), IoError);
}

TEST_CASE("CSV round trip with quoting", "[io][csv]") {
  CsvTable t({"name", "step", "loss"});
  t.row("plain", 1, 0.25);
  t.row("with, comma", 2, 1e-300);
  t.row("with \"quotes\"\nand newline", 3, -7.5);
  const auto path = files_scratch("t.csv");
  write_csv(path, t);
  const CsvTable r = read_csv(path);
  CHECK(r.header() == t.header());
  CHECK(r.rows() == t.rows());
  CHECK(r.numbers("loss") == std::vector<double>{0.25, 1e-300, -7.5});
  CHECK(r.number(1, 1) == 2);
  CHECK_THROWS_WITH(r.number(0, 0), Catch::Contains("column 'name' = \"plain\"; expected a number"));
  CHECK_THROWS_WITH(r.column("nope"), Catch::Contains("no column named \"nope\""));
  CHECK_THROWS_WITH(t.row(1, 2), Catch::Contains("'fields.size()' = 2"));
  CHECK(parse_csv("a,b\r\n1,2\r\n").numbers("b") == std::vector<double>{2});
  CHECK_THROWS_WITH(parse_csv("a,b\n1\n", "x.csv"), Catch::Contains("x.csv: row 1 has 1 fields"));
  CHECK_THROWS_WITH(parse_csv("a\n\"open", "q.csv"), Catch::Contains("unterminated quoted field"));
}

TEST_CASE("JSON and JSONL round trip; syntax errors name file and position", "[io][json]") {
  const Json doc = {{"seed", 7}, {"lr", 1e-3}, {"name", "grok"}};
  write_json(files_scratch("a.json"), doc);
  CHECK(read_json(files_scratch("a.json")) == doc);
  write_jsonl(files_scratch("a.jsonl"), {Json{{"i", 1}}, Json{{"i", 2}}});
  const auto rows = read_jsonl(files_scratch("a.jsonl"));
  REQUIRE(rows.size() == 2);
  CHECK(rows[1]["i"] == 2);
  write_file_atomic(files_scratch("bad.json"), "{\"a\": 1,,}");
  CHECK_THROWS_WITH(read_json(files_scratch("bad.json")), Catch::Contains("bad.json: invalid JSON at byte"));
  write_file_atomic(files_scratch("bad.jsonl"), "{\"a\":1}\n\n{oops}\n");
  CHECK_THROWS_WITH(read_jsonl(files_scratch("bad.jsonl")), Catch::Contains("invalid JSON on line 3"));
}
