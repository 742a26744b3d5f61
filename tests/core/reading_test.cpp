// Reading files you can trust: no silent coercion of tokens and masks, errors that name the file
// (and line), directories refused by every reader, CSV from Excel (BOM, CRLF), one π.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "genlab/core/constants.hpp"
#include "genlab/core/dataset.hpp"
#include "genlab/core/io.hpp"
#include "genlab/core/random.hpp"

using namespace genlab::core;
namespace fs = std::filesystem;

namespace {
fs::path reading_scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / "genlab_reading_test";
  fs::create_directories(dir);
  return dir / name;
}
// A small valid dataset folder to break piece by piece.
fs::path write_small_dataset(const std::string& name) {
  const fs::path dir = reading_scratch(name);
  fs::remove_all(dir);
  Dataset ds(Vocabulary({"<pad>", "a", "b"}), Json{{"seed", 3}});
  ds.set_split("train", {make_sequence({1, 2}, {1}, 2), make_sequence({2}, {2}, 1)});
  write_dataset(dir, ds);
  return dir;
}
}  // namespace

TEST_CASE("sequence_from_json refuses values it would have to coerce", "[data][errors]") {
  const Json good = Json::parse(R"({"tokens":[3,1,4],"loss_mask":[0,1,1],"group":7})");
  const Sequence s = sequence_from_json(good);
  CHECK(s.tokens == std::vector<Token>{3, 1, 4});
  CHECK(s.loss_mask == std::vector<std::uint8_t>{0, 1, 1});
  CHECK(s.group == 7);
  CHECK(sequence_from_json(Json::parse(R"({"tokens":[2147483647],"loss_mask":[1]})")).group == -1);

  const std::string ids = "expected an integer token id in 0..2147483647";
  auto refuses = [](const char* text) { return [text] { sequence_from_json(Json::parse(text)); }; };
  // Before: 2.7 -> 2, 4294967297 -> 1, -1 kept, 256 -> 0, -1 -> 255, 2.5 -> 2.
  CHECK_THROWS_MATCHES(refuses(R"({"tokens":[3,2.7],"loss_mask":[0,1]})")(), std::invalid_argument,
                       Catch::Message("genlab::core::sequence_from_json: parameter 'tokens[1]' = 2.7; " + ids));
  CHECK_THROWS_MATCHES(refuses(R"({"tokens":[4294967297],"loss_mask":[1]})")(), std::invalid_argument,
                       Catch::Message("genlab::core::sequence_from_json: parameter 'tokens[0]' = 4294967297; " + ids));
  CHECK_THROWS_MATCHES(refuses(R"({"tokens":[2147483648],"loss_mask":[1]})")(), std::invalid_argument,
                       Catch::Message("genlab::core::sequence_from_json: parameter 'tokens[0]' = 2147483648; " + ids));
  CHECK_THROWS_MATCHES(refuses(R"({"tokens":[-1],"loss_mask":[1]})")(), std::invalid_argument,
                       Catch::Message("genlab::core::sequence_from_json: parameter 'tokens[0]' = -1; " + ids));
  CHECK_THROWS_MATCHES(refuses(R"({"tokens":["3"],"loss_mask":[1]})")(), std::invalid_argument,
                       Catch::Message("genlab::core::sequence_from_json: parameter 'tokens[0]' = \"3\"; " + ids));
  CHECK_THROWS_MATCHES(refuses(R"({"tokens":[1,2],"loss_mask":[0,256]})")(), std::invalid_argument,
                       Catch::Message("genlab::core::sequence_from_json: parameter 'loss_mask[1]' = 256; expected 0 or 1 (1 = graded)"));
  CHECK_THROWS_WITH(refuses(R"({"tokens":[1,2],"loss_mask":[-1,1]})")(), Catch::Contains("'loss_mask[0]' = -1"));
  CHECK_THROWS_WITH(refuses(R"({"tokens":[1,2],"loss_mask":[0,2]})")(), Catch::Contains("'loss_mask[1]' = 2"));
  CHECK_THROWS_WITH(refuses(R"({"tokens":[1,2],"loss_mask":[0,true]})")(), Catch::Contains("'loss_mask[1]' = true"));
  CHECK_THROWS_WITH(refuses(R"({"tokens":[1],"loss_mask":[1],"group":2.5})")(),
                    Catch::Contains("'group' = 2.5; expected a 64-bit integer"));
  CHECK_THROWS_WITH(refuses(R"({"tokens":[1]})")(), Catch::Contains("'loss_mask' = missing; expected an array"));
  CHECK_THROWS_WITH(refuses(R"({"tokens":[1,2],"loss_mask":[1]})")(), Catch::Contains("'loss_mask.size()' = 1"));
  CHECK_THROWS_AS(refuses("[1,2]")(), std::invalid_argument);
}

TEST_CASE("a bad JSONL record names the file and the line", "[data][errors]") {
  const fs::path p = reading_scratch("bad_mask.jsonl");
  write_file_atomic(p, "{\"tokens\":[1],\"loss_mask\":[1]}\n\n{\"tokens\":[1,2],\"loss_mask\":[0,256]}\n");
  try {
    read_sequences_jsonl(p);
    FAIL("no exception");
  } catch (const FileFormatError& e) {
    CHECK(e.file() == p.string());
    CHECK(std::string(e.what()) == p.string() + ": line 3: genlab::core::sequence_from_json: parameter 'loss_mask[1]' = "
                                                "256; expected 0 or 1 (1 = graded)");
  }
  write_file_atomic(p, "{\"tokens\":[1],\"loss_mask\":[1]}\n{\"tokens\":[2.7],\"loss_mask\":[1]}\n");
  CHECK_THROWS_WITH(read_sequences_jsonl(p), Catch::StartsWith(p.string() + ": line 2: ") && Catch::Contains("'tokens[0]' = 2.7"));
  fs::remove(p);
}

TEST_CASE("read_dataset names the file and the key that is wrong", "[data][errors]") {
  {
    const fs::path dir = write_small_dataset("ds_ok");
    const Dataset back = read_dataset(dir);
    CHECK(back.split("train").size() == 2);
    CHECK(back.config() == Json{{"seed", 3}});
  }
  {
    const fs::path dir = write_small_dataset("ds_no_splits");
    write_json(dir / "config.json", Json{{"config", Json::object()}});
    try {
      read_dataset(dir);
      FAIL("no exception");
    } catch (const FileFormatError& e) {
      CHECK(e.file() == (dir / "config.json").string());
      CHECK(std::string(e.what()) == (dir / "config.json").string() + ": missing key \"splits\" (the list of split names)");
    }
    write_json(dir / "config.json", Json::array());
    CHECK_THROWS_MATCHES(read_dataset(dir), FileFormatError,
                         Catch::Matchers::Predicate<FileFormatError>([&](const FileFormatError& e) {
                           return e.file() == (dir / "config.json").string();
                         }));
    write_json(dir / "config.json", Json{{"splits", "train"}});
    CHECK_THROWS_WITH(read_dataset(dir), Catch::Contains("config.json: key \"splits\" is not a list of split names"));
    write_json(dir / "config.json", Json::parse(R"({"splits":["../train"]})"));
    CHECK_THROWS_WITH(read_dataset(dir), Catch::Contains("config.json: key \"splits\" holds \"../train\""));
    // A folder without "config" still reads, with an empty config (as before).
    write_json(dir / "config.json", Json::parse(R"({"splits":["train"]})"));
    CHECK(read_dataset(dir).config() == Json::object());
  }
  {
    const fs::path dir = write_small_dataset("ds_bad_vocab");
    write_json(dir / "vocab.json", Json{{"a", 1}});
    CHECK_THROWS_WITH(read_dataset(dir), Catch::StartsWith((dir / "vocab.json").string() + ": expected a JSON list"));
    write_json(dir / "vocab.json", Json{"<pad>", 7});
    CHECK_THROWS_WITH(read_dataset(dir), Catch::Contains("vocab.json: token 1 is 7; expected a string"));
    write_json(dir / "vocab.json", Json{"<pad>", "a", "a"});
    CHECK_THROWS_AS(read_dataset(dir), FileFormatError);
    // Token 2 is outside a 2-token vocabulary: the split file is named.
    write_json(dir / "vocab.json", Json{"<pad>", "a"});
    CHECK_THROWS_WITH(read_dataset(dir), Catch::StartsWith((dir / "train.jsonl").string() + ": ") &&
                                             Catch::Contains("'token' = 2; expected an id in 0..1"));
  }
  {
    const fs::path dir = write_small_dataset("ds_missing");
    fs::remove(dir / "train.jsonl");
    CHECK_THROWS_MATCHES(read_dataset(dir), IoError, Catch::Message("cannot open " + (dir / "train.jsonl").string() + " for reading"));
  }
}

TEST_CASE("every reader refuses a directory with IoError naming it", "[io][errors]") {
  const fs::path dir = reading_scratch("a_folder.npy");
  fs::create_directories(dir);
  const std::string msg = "cannot read " + dir.string() + ": it is a directory, not a file";
  // Before: std::ios_base::failure "basic_filebuf::underflow error reading the file", no name.
  CHECK_THROWS_MATCHES(read_npy(dir), IoError, Catch::Message(msg));
  CHECK_THROWS_MATCHES(read_file(dir), IoError, Catch::Message(msg));
  CHECK_THROWS_MATCHES(read_json(dir), IoError, Catch::Message(msg));
  CHECK_THROWS_MATCHES(read_jsonl(dir), IoError, Catch::Message(msg));
  CHECK_THROWS_MATCHES(read_csv(dir), IoError, Catch::Message(msg));
  CHECK_THROWS_MATCHES(read_idx(dir), IoError, Catch::Message(msg));
  CHECK_THROWS_MATCHES(read_sequences_jsonl(dir), IoError, Catch::Message(msg));
  const fs::path missing = reading_scratch("no_such_file.npy");
  CHECK_THROWS_MATCHES(read_npy(missing), IoError, Catch::Message("cannot open " + missing.string() + " for reading"));
}

TEST_CASE("CSV with a UTF-8 byte-order mark and CRLF line ends reads its first column", "[io][csv]") {
  const std::string text = "\xEF\xBB\xBFp,q\r\n1,\"a\r\nb\"\r\n3,4\r\n";
  const CsvTable t = parse_csv(text, "excel.csv");
  CHECK(t.header() == std::vector<std::string>{"p", "q"});
  CHECK(t.column("p") == 0);  // before: the header was "\xEF\xBB\xBFp" and this threw "no column named"
  CHECK(t.numbers("p") == std::vector<double>{1, 3});
  REQUIRE(t.size() == 2);
  CHECK(t.rows()[0][1] == "a\r\nb");  // a quoted CRLF stays in the field
  CHECK(t.rows()[1][1] == "4");
  const fs::path p = reading_scratch("bom.csv");
  write_file_atomic(p, text);
  CHECK(read_csv(p).numbers("p") == std::vector<double>{1, 3});
  fs::remove(p);
  // A BOM alone is an empty file; a BOM-like prefix elsewhere is data.
  CHECK_THROWS_AS(parse_csv("\xEF\xBB\xBF", "bom_only.csv"), FileFormatError);
  CHECK(parse_csv("x\n\xEF\xBB\xBFy\n").rows()[0][0] == "\xEF\xBB\xBFy");
  // Old Mac CR-only line ends.
  CHECK(parse_csv("p,q\r5,6\r").numbers("q") == std::vector<double>{6});
}

TEST_CASE("one set of mathematical constants", "[constants]") {
  CHECK(pi == 4 * std::atan(1.0));
  CHECK(two_pi == 2 * pi);
  CHECK(half_pi == pi / 2);
  CHECK(inv_pi == 1 / pi);
  CHECK(ln2 == std::log(2.0));
  CHECK(log2e == 1 / std::log(2.0));
  CHECK(sqrt2 == std::sqrt(2.0));
  // Correctly rounded: the computed values may be one ulp away.
  CHECK(sqrt_two_pi == Approx(std::sqrt(2 * pi)).epsilon(1e-15));
  CHECK(ln_two_pi == Approx(std::log(2 * pi)).epsilon(1e-15));
  CHECK(detail::kPi == pi);  // random.hpp's Box-Muller angle uses the same π as before
}
