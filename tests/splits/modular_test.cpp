// Modular arithmetic for grokking: reference sizes (Nanda 3,830/8,939; Power x/y mod 97 has
// 9,312 pairs), both token formats, every answer recomputed by brute force, seeds, errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>

#include "genlab/splits/modular.hpp"

using namespace genlab;
using splits::ModularFormat;
using splits::ModularOp;

namespace {
// Brute-force reference: division by search for the inverse, powers by repeated multiplication.
long reference(ModularOp op, long x, long y, long p) {
  auto inv = [&](long v) {
    for (long t = 1; t < p; ++t)
      if (v * t % p == 1) return t;
    FAIL("no inverse");
    return 0L;
  };
  switch (op) {
    case ModularOp::add: return (x + y) % p;
    case ModularOp::sub: return ((x - y) % p + p) % p;
    case ModularOp::mul: return x * y % p;
    case ModularOp::div: return x * inv(y) % p;
    case ModularOp::div_or_sub: return y % 2 ? x * inv(y) % p : ((x - y) % p + p) % p;
    case ModularOp::x2_plus_y2: return (x * x + y * y) % p;
    case ModularOp::x2_plus_xy_plus_y2: return (x * x + x * y + y * y) % p;
    case ModularOp::x2_plus_xy_plus_y2_plus_x: return (x * x + x * y + y * y + x) % p;
    case ModularOp::x3_plus_xy: return (x * x * x + x * y) % p;
    case ModularOp::x3_plus_xy2_plus_y: return (x * x * x + x * y * y + y) % p;
    default: return -1;
  }
}
}  // namespace

TEST_CASE("Nanda's a+b mod 113 at 30%: 3,830 train, 8,939 test, 114 tokens", "[modular]") {
  splits::ModularConfig c;
  c.p = 113;
  c.op = ModularOp::add;
  c.train_fraction = 0.3;
  const auto ds = splits::make_modular_dataset(c);
  CHECK(ds.split("train").size() == 3830);
  CHECK(ds.split("test").size() == 8939);
  CHECK(ds.vocab().size() == 114);
  CHECK(ds.vocab().id("=") == 113);
  std::set<std::pair<int, int>> seen;
  for (const auto& name : {"train", "test"})
    for (const auto& s : ds.split(name)) {
      REQUIRE(s.size() == 4);
      CHECK(s.loss_mask == std::vector<std::uint8_t>{0, 0, 0, 1});
      CHECK(s.tokens[2] == 113);
      CHECK(s.tokens[3] == (s.tokens[0] + s.tokens[1]) % 113);
      CHECK(seen.insert({s.tokens[0], s.tokens[1]}).second);  // train and test disjoint, no repeats
    }
  CHECK(seen.size() == 113u * 113u);
}

TEST_CASE("Power's x/y mod 97 has 9,312 equations in the <eos> a op b = c <eos> format", "[modular]") {
  splits::ModularConfig c;
  c.p = 97;
  c.op = ModularOp::div;
  c.format = ModularFormat::power;
  c.train_fraction = 0.5;
  const auto ds = splits::make_modular_dataset(c);
  CHECK(ds.split("train").size() + ds.split("test").size() == 9312);
  CHECK(ds.split("train").size() == 4656);
  const auto& v = ds.vocab();
  for (const auto& s : ds.split("train")) {
    REQUIRE(s.size() == 7);
    CHECK(v.token(s.tokens[0]) == "<eos>");
    CHECK(v.token(s.tokens[2]) == "/");
    CHECK(v.token(s.tokens[4]) == "=");
    CHECK(v.token(s.tokens[6]) == "<eos>");
    CHECK(s.loss_mask == std::vector<std::uint8_t>{0, 0, 0, 0, 0, 1, 1});
    const long x = std::stol(v.token(s.tokens[1])), y = std::stol(v.token(s.tokens[3]));
    CHECK(y != 0);
    CHECK(std::stol(v.token(s.tokens[5])) == reference(ModularOp::div, x, y, 97));
  }
}

TEST_CASE("every modular operation matches the brute-force reference", "[modular]") {
  for (int o = 0; o <= static_cast<int>(ModularOp::x3_plus_xy2_plus_y); ++o) {
    const auto op = static_cast<ModularOp>(o);
    splits::ModularConfig c;
    c.p = 31;
    c.op = op;
    c.format = ModularFormat::nanda;
    const auto ds = splits::make_modular_dataset(c);
    INFO(splits::to_string(op));
    std::size_t total = 0;
    for (const auto& name : {"train", "test"})
      for (const auto& s : ds.split(name)) {
        ++total;
        CHECK(s.tokens[3] == reference(op, s.tokens[0], s.tokens[1], 31));
      }
    CHECK(total == (op == ModularOp::div ? 31u * 30u : 31u * 31u));
  }
}

TEST_CASE("S5 operations are group compositions", "[modular]") {
  splits::ModularConfig c;
  c.op = ModularOp::s5_xyx_inv;
  const auto ds = splits::make_modular_dataset(c);
  CHECK(ds.split("train").size() + ds.split("test").size() == 14400);
  const auto& v = ds.vocab();
  auto perm = [&](core::Token t) { return v.token(t); };
  for (const auto& s : ds.split("train")) {
    const std::string x = perm(s.tokens[0]), y = perm(s.tokens[1]), r = perm(s.tokens[3]);
    // (x y x^-1)(x(i)) = x(y(i))
    for (int i = 0; i < 5; ++i) {
      const int xi = x[static_cast<std::size_t>(i)] - '0';
      const int yi = y[static_cast<std::size_t>(i)] - '0';
      CHECK(r[static_cast<std::size_t>(xi)] == x[static_cast<std::size_t>(yi)]);
    }
  }
}

TEST_CASE("modular splits are seeded and round-trip; bad parameters are rejected", "[modular][errors]") {
  splits::ModularConfig c;
  c.p = 23;
  c.seed = 5;
  const auto a = splits::make_modular_dataset(c);
  CHECK(a.split("train") == splits::make_modular_dataset(c).split("train"));
  CHECK(a.config().at("fingerprint_fnv1a64") == "704cbce9540362e6");
  c.seed = 6;
  CHECK(a.split("train") != splits::make_modular_dataset(c).split("train"));
  CHECK(a.config().at("fingerprint_fnv1a64") == splits::fingerprint_hex(splits::dataset_fingerprint(a)));
  const auto dir = std::filesystem::temp_directory_path() / "genlab_splits_modular_io";
  std::filesystem::remove_all(dir);
  core::write_dataset(dir, a);
  const auto back = core::read_dataset(dir);
  CHECK(back.config() == a.config());
  CHECK(back.vocab() == a.vocab());
  CHECK(back.split("train") == a.split("train"));
  CHECK(back.split("test") == a.split("test"));
  std::filesystem::remove_all(dir);

  c.op = ModularOp::div;
  c.p = 91;
  CHECK_THROWS_WITH(splits::make_modular_dataset(c), Catch::Contains("'p' = 91; expected a prime for div"));
  c.p = 97;
  c.train_fraction = 1.0;
  CHECK_THROWS_WITH(splits::make_modular_dataset(c), Catch::Contains("'train_fraction' = 1"));
  c.train_fraction = 0.0001;
  CHECK_THROWS_WITH(splits::make_modular_dataset(c), Catch::Contains("leaving both splits non-empty"));
  CHECK_THROWS_WITH(splits::modular_op_from_string("pow"), Catch::Contains("'name' = \"pow\""));
}

TEST_CASE("ModularConfig::pairs counts the table, and validate refuses a fraction that empties a split",
          "[modular][errors]") {
  splits::ModularConfig c;
  c.p = 7;
  c.train_fraction = 0.5;
  for (ModularOp op : {ModularOp::add, ModularOp::div, ModularOp::div_or_sub, ModularOp::s5_xy}) {
    c.op = op;
    const auto ds = splits::make_modular_dataset(c);
    CHECK(ds.split("train").size() + ds.split("test").size() == c.pairs());
  }
  c.op = ModularOp::div;
  CHECK(c.pairs() == 42);  // 7 · 6: b = 0 has no inverse
  c.op = ModularOp::add;
  c.p = 2;  // 4 pairs: floor(f · 4) must be 1, 2 or 3
  c.train_fraction = 0.125;
  CHECK_THROWS_WITH(c.validate(), Catch::Contains("'train_fraction' = 0.125") &&
                                      Catch::Contains("between 1 and 3 training pairs of the 4"));
  c.train_fraction = 0.25;
  CHECK_NOTHROW(c.validate());
  CHECK(splits::make_modular_dataset(c).split("train").size() == 1);
  c.train_fraction = 0.99;
  CHECK(splits::make_modular_dataset(c).split("test").size() == 1);
}
