// IDX (MNIST format): round trips plain and gzipped, big-endian types, errors on truncation and
// corruption, and the real Fashion-MNIST from Debian's dataset-fashion-mnist package.
#include <catch2/catch.hpp>

#include <array>
#include <filesystem>
#include <numeric>

#include "genlab/core/io/mnist.hpp"

using namespace genlab::core;
namespace fs = std::filesystem;

namespace {
fs::path idx_scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / "genlab_idx_test";
  fs::create_directories(dir);
  return dir / name;
}
}  // namespace

TEST_CASE("IDX uint8 round trip, plain and gzipped", "[idx]") {
  std::vector<unsigned char> v(4 * 5 * 6);
  std::iota(v.begin(), v.end(), static_cast<unsigned char>(0));
  for (bool gz : {false, true}) {
    const auto path = idx_scratch(gz ? "a.idx.gz" : "a.idx");
    write_idx_u8(path, v, {4, 5, 6}, gz);
    const std::string raw = read_file(path);
    CHECK((static_cast<unsigned char>(raw[0]) == 0x1f) == gz);
    const IdxArray a = read_idx(path);
    CHECK(a.type == IdxType::u8);
    CHECK(a.shape == std::vector<std::size_t>{4, 5, 6});
    CHECK(a.u8() == v);
  }
}

TEST_CASE("IDX multi-byte types are big-endian", "[idx]") {
  // int32 array of 2: 0x01020304 and -2; float32 1.5 (0x3fc00000).
  const std::string i32 = std::string("\0\0\x0c\x01\0\0\0\x02", 8) + std::string("\x01\x02\x03\x04\xff\xff\xff\xfe", 8);
  const IdxArray a = parse_idx(i32, "i32.idx");
  CHECK(a.element_as_double(0) == 0x01020304);
  CHECK(a.element_as_double(1) == -2);
  CHECK_THROWS_WITH(a.u8(), Catch::Contains("expected 0x08"));
  const std::string f32 = std::string("\0\0\x0d\x01\0\0\0\x01", 8) + std::string("\x3f\xc0\x00\x00", 4);
  CHECK(parse_idx(f32, "f.idx").element_as_double(0) == 1.5);
}

TEST_CASE("IDX errors: truncation, bad magic, mismatch, corrupt gzip", "[idx][errors]") {
  std::vector<unsigned char> v(3 * 7, 9);
  write_idx_u8(idx_scratch("e.idx"), v, {3, 7});
  write_idx_u8(idx_scratch("e.idx.gz"), v, {3, 7}, true);
  const std::string plain = read_file(idx_scratch("e.idx"));
  const std::string gz = read_file(idx_scratch("e.idx.gz"));
  for (std::size_t n = 0; n < plain.size(); ++n) CHECK_THROWS_AS(parse_idx(plain.substr(0, n), "p"), FileFormatError);
  for (std::size_t n = 2; n < gz.size(); ++n) {
    INFO("gzip prefix " << n);
    CHECK_THROWS_AS(parse_idx(gz.substr(0, n), "g"), FileFormatError);
  }
  CHECK_THROWS_WITH(parse_idx(plain.substr(0, 10), "cut.idx"), Catch::Contains("cut.idx: truncated at byte 10"));
  CHECK_THROWS_WITH(parse_idx(std::string("\x01\0\x08\x01", 4), "m.idx"), Catch::Contains("bad magic"));
  CHECK_THROWS_WITH(parse_idx(std::string("\0\0\x07\x01", 4), "t.idx"), Catch::Contains("unknown IDX type code 7"));
  CHECK_THROWS_WITH(parse_idx(plain + "z", "x.idx"), Catch::Contains("dimension mismatch"));
  std::string corrupt = gz;
  for (std::size_t i = 12; i < corrupt.size() - 8; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  CHECK_THROWS_AS(parse_idx(corrupt, "c.gz"), FileFormatError);
}

TEST_CASE("Fashion-MNIST from Debian's package: 60000 x 28 x 28, 6000 of each label", "[idx][mnist]") {
  if (!fs::exists(kDebianFashionMnistDir)) {
    WARN("dataset-fashion-mnist is not installed; skipping (apt-get install dataset-fashion-mnist)");
    return;
  }
  const MnistSplit train = load_mnist_split(kDebianFashionMnistDir, "train");
  CHECK(train.count == 60000);
  CHECK(train.rows == 28);
  CHECK(train.cols == 28);
  CHECK(train.images.size() == 60000u * 28 * 28);
  std::array<int, 10> per_label{};
  for (unsigned char l : train.labels) {
    REQUIRE(l < 10);
    ++per_label[l];
  }
  for (int c : per_label) CHECK(c == 6000);
  const MnistSplit test = load_mnist_split(kDebianFashionMnistDir, "test");
  CHECK(test.count == 10000);
  CHECK_THROWS_WITH(load_mnist_split(kDebianFashionMnistDir, "valid"), Catch::Contains("'split' = \"valid\""));
}
