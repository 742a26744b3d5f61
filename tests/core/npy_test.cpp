// .npy: round trips for every supported type, NumPy's exact header bytes, Fortran order, and
// clear errors on every truncation and corruption.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "genlab/core/io/npy.hpp"

using namespace genlab::core;
namespace fs = std::filesystem;

namespace {
fs::path npy_scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / "genlab_npy_test";
  fs::create_directories(dir);
  return dir / name;
}
}  // namespace

TEMPLATE_TEST_CASE("npy round trip", "[npy]", float, double, std::int32_t, std::int64_t, std::uint8_t) {
  std::vector<TestType> v(2 * 3 * 4);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<TestType>(i * 3 % 251);
  const auto path = npy_scratch("rt_" + std::to_string(static_cast<int>(NpyTypeOf<TestType>::value)) + ".npy");
  write_npy(path, v, {2, 3, 4});
  const NpyArray a = read_npy(path);
  CHECK(a.type == NpyTypeOf<TestType>::value);
  CHECK(a.shape == std::vector<std::size_t>{2, 3, 4});
  CHECK(a.values<TestType>() == v);
  CHECK(a.to_double()[5] == static_cast<double>(v[5]));
}

TEST_CASE("npy header is byte-identical to numpy.save's", "[npy]") {
  // numpy 1.x/2.x: np.save(f, np.arange(3, dtype='<f8')) writes this 128-byte file.
  const std::vector<double> v = {0.0, 1.0, 2.0};
  const std::string bytes = npy_bytes(v.data(), {3});
  const std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
  REQUIRE(bytes.size() == 128 + 24);
  CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  CHECK(static_cast<unsigned char>(bytes[8]) == 118);  // header length: 128 - 10
  CHECK(bytes[9] == 0);
  CHECK(bytes.substr(10, dict.size()) == dict);
  CHECK(bytes[127] == '\n');
  CHECK(bytes.substr(10 + dict.size(), 118 - dict.size() - 1) == std::string(118 - dict.size() - 1, ' '));
  // 2-d and scalar shapes use numpy's tuple spelling.
  const std::vector<float> m(6, 1.5f);
  CHECK(npy_bytes(m.data(), {2, 3}).find("'shape': (2, 3), }") != std::string::npos);
  CHECK(npy_bytes(m.data(), {}).find("'shape': (), }") != std::string::npos);
}

TEST_CASE("npy reads Fortran order into C order", "[npy]") {
  // A 2x3 int32 array [[0,1,2],[3,4,5]] stored column-major: 0 3 1 4 2 5.
  std::string dict = "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }";
  dict.append(128 - 10 - dict.size() - 1, ' ');
  dict += '\n';
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(dict.size()) + '\0' + dict;
  for (std::int32_t x : {0, 3, 1, 4, 2, 5}) bytes.append(reinterpret_cast<const char*>(&x), 4);
  const NpyArray a = parse_npy(bytes, "f.npy");
  CHECK(a.values<std::int32_t>() == std::vector<std::int32_t>{0, 1, 2, 3, 4, 5});
}

TEST_CASE("npy errors name the file and the problem", "[npy][errors]") {
  const std::vector<std::int64_t> v = {1, 2, 3, 4};
  const std::string good = npy_bytes(v.data(), {4});
  SECTION("every truncation is a FileFormatError, never a crash") {
    for (std::size_t n = 0; n < good.size(); ++n) {
      INFO("prefix of " << n << " bytes");
      CHECK_THROWS_AS(parse_npy(good.substr(0, n), "cut.npy"), FileFormatError);
    }
    CHECK_THROWS_WITH(parse_npy(good.substr(0, good.size() - 3), "cut.npy"),
                      Catch::Contains("cut.npy") && Catch::Contains("truncated at byte"));
  }
  SECTION("bad magic, version, dtype, extra bytes, wrong requested type") {
    std::string bad = good;
    bad[1] = 'X';
    CHECK_THROWS_WITH(parse_npy(bad, "m.npy"), Catch::Contains("m.npy: bad magic"));
    bad = good;
    bad[6] = 9;
    CHECK_THROWS_WITH(parse_npy(bad, "v.npy"), Catch::Contains("version 9"));
    bad = good;
    bad.replace(bad.find("<i8"), 3, ">i8");
    CHECK_THROWS_WITH(parse_npy(bad, "d.npy"), Catch::Contains("unsupported dtype '>i8'"));
    CHECK_THROWS_WITH(parse_npy(good + "xx", "x.npy"), Catch::Contains("size mismatch"));
    bad = good;
    bad.replace(bad.find("(4,)"), 4, "(99999999999999999999,)");
    CHECK_THROWS_AS(parse_npy(bad, "o.npy"), FileFormatError);
    CHECK_THROWS_WITH(parse_npy(good, "t.npy").values<float>(), Catch::Contains("stored type is <i8"));
  }
  SECTION("a missing file is an IoError naming it") {
    CHECK_THROWS_WITH(read_npy("/nonexistent/genlab.npy"), Catch::Contains("/nonexistent/genlab.npy"));
  }
  SECTION("write_npy checks the shape against the data") {
    CHECK_THROWS_WITH(write_npy(npy_scratch("bad.npy"), v, {3}), Catch::Contains("'values.size()' = 4"));
    CHECK_FALSE(fs::exists(npy_scratch("bad.npy")));
  }
}
