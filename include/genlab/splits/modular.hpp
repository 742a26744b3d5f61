#ifndef GENLAB_SPLITS_MODULAR_HPP
#define GENLAB_SPLITS_MODULAR_HPP
// Binary-operation tables for grokking (Power et al. 2022, arXiv 2201.02177; Nanda et al. 2023,
// arXiv 2301.05217): Power et al., "Grokking: Generalization Beyond Overfitting on Small
// Algorithmic Datasets"; Nanda et al., "Progress measures for grokking via mechanistic
// interpretability", ICLR 2023 (the a b = format, P = 113, 30% train).
//
// Every pair (a, b) of residues mod p (b != 0 for x/y) is one equation a ∘ b = c. The pairs are
// shuffled with a seeded Philox stream and the first floor(train_fraction · N) form "train", the
// rest "test" (Nanda: p = 113, fraction 0.3 -> 3,830 / 8,939; Power: x/y mod 97 -> 9,312 pairs).
// The shuffle is ours (Philox), not Python's, so memberships differ from the papers' files; sizes
// are the same.
//
// Operations (Power et al. Table/App.; all mod p, x/y = x · y^(p-2)):
//   add x+y, sub x-y, mul x·y, div x/y, div_or_sub (x/y if y odd else x-y), x2_plus_y2,
//   x2_plus_xy_plus_y2, x2_plus_xy_plus_y2_plus_x, x3_plus_xy, x3_plus_xy2_plus_y,
//   and on the permutation group S5 (p is ignored, the 120 elements are permutations of 01234 in
//   lexicographic order, (x·y)(i) = x(y(i))): s5_xy, s5_xyx_inv (x·y·x⁻¹), s5_xyx (x·y·x).
//
// Token formats:
//   nanda  "a b =" -> "c":  vocabulary "0".."p-1" then "=" (id p; 114 tokens for p = 113),
//          tokens [a, b, =, c], loss_mask [0, 0, 0, 1]  (loss on the last position only)
//   power  "<eos> a op b = c <eos>": vocabulary <eos> = 0, "=" = 1, the op symbol = 2, then the
//          elements (id 3 + value); loss_mask 1 on c and the final <eos> (all RHS tokens)
// group = -1.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "genlab/core/dataset.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/random.hpp"
#include "genlab/splits/common.hpp"

namespace genlab::splits {

enum class ModularOp {
  add,
  sub,
  mul,
  div,
  div_or_sub,
  x2_plus_y2,
  x2_plus_xy_plus_y2,
  x2_plus_xy_plus_y2_plus_x,
  x3_plus_xy,
  x3_plus_xy2_plus_y,
  s5_xy,
  s5_xyx_inv,
  s5_xyx
};
enum class ModularFormat { nanda, power };

inline const char* to_string(ModularOp op) {
  switch (op) {
    case ModularOp::add: return "add";
    case ModularOp::sub: return "sub";
    case ModularOp::mul: return "mul";
    case ModularOp::div: return "div";
    case ModularOp::div_or_sub: return "div_or_sub";
    case ModularOp::x2_plus_y2: return "x2_plus_y2";
    case ModularOp::x2_plus_xy_plus_y2: return "x2_plus_xy_plus_y2";
    case ModularOp::x2_plus_xy_plus_y2_plus_x: return "x2_plus_xy_plus_y2_plus_x";
    case ModularOp::x3_plus_xy: return "x3_plus_xy";
    case ModularOp::x3_plus_xy2_plus_y: return "x3_plus_xy2_plus_y";
    case ModularOp::s5_xy: return "s5_xy";
    case ModularOp::s5_xyx_inv: return "s5_xyx_inv";
    case ModularOp::s5_xyx: return "s5_xyx";
  }
  return "?";
}
inline const char* to_string(ModularFormat f) { return f == ModularFormat::nanda ? "nanda" : "power"; }

// JSON names by nlohmann's macro. Its first entry is what an unknown name reads as: an invalid
// value that ModularConfig::validate refuses (the macro would otherwise read it as the first op).
NLOHMANN_JSON_SERIALIZE_ENUM(ModularOp, {{static_cast<ModularOp>(-1), nullptr},
                                         {ModularOp::add, "add"},
                                         {ModularOp::sub, "sub"},
                                         {ModularOp::mul, "mul"},
                                         {ModularOp::div, "div"},
                                         {ModularOp::div_or_sub, "div_or_sub"},
                                         {ModularOp::x2_plus_y2, "x2_plus_y2"},
                                         {ModularOp::x2_plus_xy_plus_y2, "x2_plus_xy_plus_y2"},
                                         {ModularOp::x2_plus_xy_plus_y2_plus_x, "x2_plus_xy_plus_y2_plus_x"},
                                         {ModularOp::x3_plus_xy, "x3_plus_xy"},
                                         {ModularOp::x3_plus_xy2_plus_y, "x3_plus_xy2_plus_y"},
                                         {ModularOp::s5_xy, "s5_xy"},
                                         {ModularOp::s5_xyx_inv, "s5_xyx_inv"},
                                         {ModularOp::s5_xyx, "s5_xyx"}})
NLOHMANN_JSON_SERIALIZE_ENUM(ModularFormat, {{static_cast<ModularFormat>(-1), nullptr},
                                             {ModularFormat::nanda, "nanda"},
                                             {ModularFormat::power, "power"}})

/// The operator's symbol in the power format.
inline const char* op_symbol(ModularOp op) {
  switch (op) {
    case ModularOp::add: return "+";
    case ModularOp::sub: return "-";
    case ModularOp::mul: return "*";
    case ModularOp::div: return "/";
    case ModularOp::div_or_sub: return "/or-";
    case ModularOp::x2_plus_y2: return "x^2+y^2";
    case ModularOp::x2_plus_xy_plus_y2: return "x^2+xy+y^2";
    case ModularOp::x2_plus_xy_plus_y2_plus_x: return "x^2+xy+y^2+x";
    case ModularOp::x3_plus_xy: return "x^3+xy";
    case ModularOp::x3_plus_xy2_plus_y: return "x^3+xy^2+y";
    case ModularOp::s5_xy: return "xy";
    case ModularOp::s5_xyx_inv: return "xyx^-1";
    case ModularOp::s5_xyx: return "xyx";
  }
  return "?";
}

inline ModularOp modular_op_from_string(const std::string& name) {
  for (int i = 0; i <= static_cast<int>(ModularOp::s5_xyx); ++i)
    if (name == to_string(static_cast<ModularOp>(i))) return static_cast<ModularOp>(i);
  core::throw_invalid_argument("genlab::splits::modular_op_from_string", "name", name,
                               "add, sub, mul, div, div_or_sub, x2_plus_y2, x2_plus_xy_plus_y2, "
                               "x2_plus_xy_plus_y2_plus_x, x3_plus_xy, x3_plus_xy2_plus_y, s5_xy, s5_xyx_inv or s5_xyx");
}

inline bool is_s5(ModularOp op) { return op == ModularOp::s5_xy || op == ModularOp::s5_xyx_inv || op == ModularOp::s5_xyx; }

/// True if p is prime (trial division, O(sqrt p)).
inline bool is_prime(std::uint64_t p) {
  if (p < 2) return false;
  for (std::uint64_t d = 2; d * d <= p; ++d)
    if (p % d == 0) return false;
  return true;
}

struct ModularConfig {
  std::uint32_t p = 97;
  ModularOp op = ModularOp::add;
  ModularFormat format = ModularFormat::nanda;
  double train_fraction = 0.3;
  std::uint64_t seed = 0;

  /// Number of elements: p, or 120 for S5.
  std::uint32_t elements() const { return is_s5(op) ? 120 : p; }
  /// Number of (a, b) pairs in the table: every pair, except b = 0 for division.
  std::size_t pairs() const {
    const std::size_t n = elements();
    return op == ModularOp::div ? n * (n - 1) : n * n;
  }

  void validate() const {
    const char* where = "genlab::splits::ModularConfig::validate";
    core::require(static_cast<int>(op) >= 0 && op <= ModularOp::s5_xyx, where, "op", static_cast<int>(op),
                  "one of the ModularOp names (add, sub, ..., s5_xyx)");
    core::require(format == ModularFormat::nanda || format == ModularFormat::power, where, "format",
                  static_cast<int>(format), "nanda or power");
    if (!is_s5(op)) {
      core::require(p >= 2 && p <= 10007, where, "p", p, "in 2..10007");
      if (op == ModularOp::div || op == ModularOp::div_or_sub)
        core::require(is_prime(p), where, "p", p, std::string("a prime for ") + to_string(op) + " (y must be invertible mod p)");
    }
    core::require(train_fraction > 0.0 && train_fraction < 1.0, where, "train_fraction", train_fraction, "in (0, 1)");
    // The first floor(train_fraction · pairs) shuffled pairs train: both splits must keep one.
    const double n_train = std::floor(train_fraction * static_cast<double>(pairs()));
    core::require(n_train >= 1 && n_train < static_cast<double>(pairs()), where, "train_fraction", train_fraction,
                  "a fraction leaving both splits non-empty: between 1 and " + std::to_string(pairs() - 1) +
                      " training pairs of the " + std::to_string(pairs()) + " (floor(train_fraction x pairs))");
  }
  /// The config as the dataset records it: the fields (nlohmann's macro below) and the generator.
  core::Json to_json() const;
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ModularConfig, p, op, format, train_fraction, seed)
inline core::Json ModularConfig::to_json() const {
  core::Json j = *this;
  j["generator"] = "genlab::splits::make_modular_dataset";
  return j;
}

namespace detail {

inline std::uint64_t pow_mod(std::uint64_t b, std::uint64_t e, std::uint64_t m) {
  std::uint64_t r = 1 % m;
  b %= m;
  while (e) {
    if (e & 1) r = r * b % m;
    b = b * b % m;
    e >>= 1;
  }
  return r;
}

using Perm5 = std::array<std::uint8_t, 5>;

/// The 120 permutations of 0..4 in lexicographic order.
inline const std::vector<Perm5>& s5_elements() {
  // The base-5 words of length 5 in increasing order, kept when their digits are distinct: the
  // permutations in lexicographic order. (Not std::next_permutation: at -O3 -march=native GCC 12
  // reports a false -Wstringop-overflow inside its vectorized reverse of 5 bytes.)
  static const std::vector<Perm5> all = [] {
    std::vector<Perm5> v;
    for (int code = 0; code < 5 * 5 * 5 * 5 * 5; ++code) {
      Perm5 q{};
      unsigned seen = 0;
      for (int i = 4, c = code; i >= 0; --i, c /= 5) {
        q[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(c % 5);
        seen |= 1u << (c % 5);
      }
      if (seen == 0x1fu) v.push_back(q);
    }
    return v;
  }();
  return all;
}
inline std::uint32_t s5_index(const Perm5& q) {
  const auto& all = s5_elements();
  return static_cast<std::uint32_t>(std::lower_bound(all.begin(), all.end(), q) - all.begin());
}
inline Perm5 s5_mul(const Perm5& x, const Perm5& y) {  // (x·y)(i) = x(y(i))
  Perm5 r{};
  for (int i = 0; i < 5; ++i) r[static_cast<std::size_t>(i)] = x[y[static_cast<std::size_t>(i)]];
  return r;
}
inline Perm5 s5_inv(const Perm5& x) {
  Perm5 r{};
  for (std::uint8_t i = 0; i < 5; ++i) r[x[i]] = i;
  return r;
}

}  // namespace detail

/// a ∘ b for the operation (mod p, or in S5 by element index). Requires a valid pair
/// (see modular_pair_valid). O(log p).
inline std::uint32_t modular_apply(ModularOp op, std::uint32_t a, std::uint32_t b, std::uint32_t p) {
  if (is_s5(op)) {
    const auto& e = detail::s5_elements();
    const auto &x = e.at(a), &y = e.at(b);
    switch (op) {
      case ModularOp::s5_xy: return detail::s5_index(detail::s5_mul(x, y));
      case ModularOp::s5_xyx_inv: return detail::s5_index(detail::s5_mul(detail::s5_mul(x, y), detail::s5_inv(x)));
      default: return detail::s5_index(detail::s5_mul(detail::s5_mul(x, y), x));
    }
  }
  const std::uint64_t m = p, x = a % m, y = b % m;
  auto divide = [&] { return x * detail::pow_mod(y, m - 2, m) % m; };
  std::uint64_t r = 0;
  switch (op) {
    case ModularOp::add: r = (x + y) % m; break;
    case ModularOp::sub: r = (x + m - y) % m; break;
    case ModularOp::mul: r = x * y % m; break;
    case ModularOp::div: r = divide(); break;
    case ModularOp::div_or_sub: r = (y % 2 == 1) ? divide() : (x + m - y) % m; break;
    case ModularOp::x2_plus_y2: r = (x * x + y * y) % m; break;
    case ModularOp::x2_plus_xy_plus_y2: r = (x * x + x * y + y * y) % m; break;
    case ModularOp::x2_plus_xy_plus_y2_plus_x: r = (x * x + x * y + y * y + x) % m; break;
    case ModularOp::x3_plus_xy: r = (x * x % m * x + x * y) % m; break;
    case ModularOp::x3_plus_xy2_plus_y: r = (x * x % m * x + x * (y * y % m) + y) % m; break;
    default: break;
  }
  return static_cast<std::uint32_t>(r);
}

/// Whether (a, b) belongs to the table: every pair except b = 0 for x/y.
inline bool modular_pair_valid(ModularOp op, std::uint32_t, std::uint32_t b) { return !(op == ModularOp::div && b == 0); }

/// The token string of element v (the residue, or the permutation as 5 digits for S5).
inline std::string modular_element_string(ModularOp op, std::uint32_t v) {
  if (!is_s5(op)) return std::to_string(v);
  std::string s;
  for (auto d : detail::s5_elements().at(v)) s.push_back(static_cast<char>('0' + d));
  return s;
}

/// The full table split into "train" and "test" (see the file comment). config() holds
/// ModularConfig::to_json() plus sizes and fingerprint. O(p²).
inline core::Dataset make_modular_dataset(const ModularConfig& config) {
  config.validate();
  const std::uint32_t n = config.elements();
  core::Vocabulary vocab;
  core::Token first_element = 0;
  if (config.format == ModularFormat::power) {
    vocab.add("<eos>");
    vocab.add("=");
    vocab.add(op_symbol(config.op));
    first_element = 3;
  }
  for (std::uint32_t v = 0; v < n; ++v) vocab.add(modular_element_string(config.op, v));
  if (config.format == ModularFormat::nanda) vocab.add("=");
  const core::Token eq = vocab.id("=");
  auto tok = [&](std::uint32_t v) { return first_element + static_cast<core::Token>(v); };

  std::vector<core::Sequence> all;
  all.reserve(std::size_t{n} * n);
  for (std::uint32_t a = 0; a < n; ++a)
    for (std::uint32_t b = 0; b < n; ++b) {
      if (!modular_pair_valid(config.op, a, b)) continue;
      const std::uint32_t c = modular_apply(config.op, a, b, config.p);
      if (config.format == ModularFormat::nanda)
        all.push_back(core::make_sequence({tok(a), tok(b), eq}, {tok(c)}));
      else
        all.push_back(core::make_sequence({0, tok(a), 2, tok(b), eq}, {tok(c), 0}));
    }
  auto g = core::philox_stream(config.seed, 0);
  core::shuffle(all.begin(), all.end(), g);
  // all.size() == config.pairs(), so validate() has checked that both splits are non-empty.
  const auto n_train = static_cast<std::size_t>(std::floor(config.train_fraction * static_cast<double>(all.size())));
  std::vector<core::Sequence> test(all.begin() + static_cast<std::ptrdiff_t>(n_train), all.end());
  all.resize(n_train);
  core::Dataset ds(std::move(vocab), config.to_json());
  ds.config()["num_pairs"] = n_train + test.size();
  ds.set_split("train", std::move(all));
  ds.set_split("test", std::move(test));
  record_fingerprint(ds);
  return ds;
}

}  // namespace genlab::splits

#endif  // GENLAB_SPLITS_MODULAR_HPP
