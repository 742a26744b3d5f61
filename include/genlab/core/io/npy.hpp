#ifndef GENLAB_CORE_IO_NPY_HPP
#define GENLAB_CORE_IO_NPY_HPP
// NumPy's .npy format (numpy/lib/format.py, versions 1.0, 2.0 and 3.0):
//
//   "\x93NUMPY" | major | minor | header length (uint16 LE in 1.0, uint32 LE in 2.0/3.0)
//   | header: a Python dict literal {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }
//     padded with spaces and ending in '\n' so the data starts at a multiple of 64 bytes
//   | data: prod(shape) items, little-endian here.
//
// Supported element types: f32 '<f4', f64 '<f8', i32 '<i4', i64 '<i8', u8 '|u1'. Arrays are
// written in C order; Fortran-order files are read and converted to C order. Every malformed
// input (bad magic, truncation, a shape that overflows, a size mismatch) throws FileFormatError
// with the file name and the byte where it went wrong; the parser never reads out of bounds
// (fuzzed: tests/fuzz/npy_fuzz.cpp).

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/io/atomic_file.hpp"

namespace genlab::core {

enum class NpyType { f32, f64, i32, i64, u8 };

/// NumPy's descr string for a type ("<f8" ...).
inline const char* npy_descr(NpyType t) {
  switch (t) {
    case NpyType::f32: return "<f4";
    case NpyType::f64: return "<f8";
    case NpyType::i32: return "<i4";
    case NpyType::i64: return "<i8";
    case NpyType::u8: return "|u1";
  }
  return "?";
}
inline std::size_t npy_item_size(NpyType t) {
  switch (t) {
    case NpyType::f32: case NpyType::i32: return 4;
    case NpyType::f64: case NpyType::i64: return 8;
    case NpyType::u8: return 1;
  }
  return 0;
}

template <class T> struct NpyTypeOf;
template <> struct NpyTypeOf<float> { static constexpr NpyType value = NpyType::f32; };
template <> struct NpyTypeOf<double> { static constexpr NpyType value = NpyType::f64; };
template <> struct NpyTypeOf<std::int32_t> { static constexpr NpyType value = NpyType::i32; };
template <> struct NpyTypeOf<std::int64_t> { static constexpr NpyType value = NpyType::i64; };
template <> struct NpyTypeOf<std::uint8_t> { static constexpr NpyType value = NpyType::u8; };

/// An n-d array read from .npy: element type, shape (C order) and the raw little-endian bytes.
struct NpyArray {
  NpyType type = NpyType::f64;
  std::vector<std::size_t> shape;
  std::vector<unsigned char> bytes;

  std::size_t size() const {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    return n;
  }
  /// The elements as T; T must be the stored type exactly (no silent narrowing).
  template <class T>
  std::vector<T> values() const {
    static_assert(std::is_arithmetic_v<T>, "NpyArray::values<T>: T must be arithmetic");
    if (NpyTypeOf<T>::value != type)
      throw std::invalid_argument(std::string("genlab::core::NpyArray::values: stored type is ") + npy_descr(type) +
                                  ", requested " + npy_descr(NpyTypeOf<T>::value) + "; expected the stored type");
    std::vector<T> out(size());
    if (!out.empty()) std::memcpy(out.data(), bytes.data(), out.size() * sizeof(T));
    return out;
  }
  /// The elements converted to double, whatever the stored type.
  std::vector<double> to_double() const {
    std::vector<double> out(size());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = element_as_double(i);
    return out;
  }
  double element_as_double(std::size_t i) const {
    const unsigned char* p = bytes.data() + i * npy_item_size(type);
    switch (type) {
      case NpyType::f32: { float v; std::memcpy(&v, p, 4); return v; }
      case NpyType::f64: { double v; std::memcpy(&v, p, 8); return v; }
      case NpyType::i32: { std::int32_t v; std::memcpy(&v, p, 4); return static_cast<double>(v); }
      case NpyType::i64: { std::int64_t v; std::memcpy(&v, p, 8); return static_cast<double>(v); }
      case NpyType::u8: return *p;
    }
    return 0;
  }
};

namespace detail {

static_assert(std::numeric_limits<double>::is_iec559, "genlab's .npy I/O assumes IEEE-754 floats");

inline bool host_is_little_endian() {
  const std::uint16_t probe = 1;
  unsigned char b;
  std::memcpy(&b, &probe, 1);
  return b == 1;
}

// Finds the value text following 'key': in a header dict; empty if absent.
inline std::string_view npy_dict_value(std::string_view header, std::string_view key) {
  for (char q : {'\'', '"'}) {
    const std::string needle = std::string(1, q) + std::string(key) + std::string(1, q);
    const auto at = header.find(needle);
    if (at == std::string_view::npos) continue;
    auto colon = header.find(':', at + needle.size());
    if (colon == std::string_view::npos) return {};
    auto start = header.find_first_not_of(" \t", colon + 1);
    if (start == std::string_view::npos) return {};
    return header.substr(start);
  }
  return {};
}

inline NpyType parse_npy_descr(std::string_view v, const std::string& name) {
  if (v.size() < 2 || (v[0] != '\'' && v[0] != '"')) throw FileFormatError(name, "header: 'descr' is not a string");
  const auto end = v.find(v[0], 1);
  if (end == std::string_view::npos) throw FileFormatError(name, "header: unterminated 'descr' string");
  const std::string_view d = v.substr(1, end - 1);
  if (d == "<f4") return NpyType::f32;
  if (d == "<f8") return NpyType::f64;
  if (d == "<i4") return NpyType::i32;
  if (d == "<i8") return NpyType::i64;
  if (d == "|u1" || d == "<u1" || d == "u1") return NpyType::u8;
  throw FileFormatError(name, "unsupported dtype '" + std::string(d) +
                                  "'; expected one of <f4 <f8 <i4 <i8 |u1 (little-endian)");
}

inline std::vector<std::size_t> parse_npy_shape(std::string_view v, const std::string& name) {
  if (v.empty() || v[0] != '(') throw FileFormatError(name, "header: 'shape' is not a tuple");
  const auto close = v.find(')');
  if (close == std::string_view::npos) throw FileFormatError(name, "header: unterminated 'shape' tuple");
  std::vector<std::size_t> shape;
  std::size_t i = 1;
  while (i < close) {
    while (i < close && (v[i] == ' ' || v[i] == ',')) ++i;
    if (i >= close) break;
    if (v[i] < '0' || v[i] > '9') throw FileFormatError(name, "header: 'shape' has a non-integer entry");
    std::uint64_t d = 0;
    while (i < close && v[i] >= '0' && v[i] <= '9') {
      const unsigned digit = static_cast<unsigned>(v[i] - '0');
      if (d > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
        throw FileFormatError(name, "header: a 'shape' entry overflows 64 bits");
      d = d * 10 + digit;
      ++i;
    }
    if (i < close && v[i] == 'L') ++i;  // Python 2 long suffix
    shape.push_back(static_cast<std::size_t>(d));
  }
  if (shape.size() > 32) throw FileFormatError(name, "header: 'shape' has more than 32 dimensions");
  return shape;
}

// C-order copy of a Fortran-order array of `item` bytes per element.
inline std::vector<unsigned char> fortran_to_c_order(const unsigned char* src, const std::vector<std::size_t>& shape,
                                                      std::size_t count, std::size_t item) {
  std::vector<unsigned char> dst(count * item);
  const std::size_t nd = shape.size();
  std::vector<std::size_t> index(nd, 0);
  for (std::size_t c = 0; c < count; ++c) {
    // Fortran offset of the C-order multi-index `index`.
    std::size_t f = 0, stride = 1;
    for (std::size_t k = 0; k < nd; ++k) {
      f += index[k] * stride;
      stride *= shape[k];
    }
    std::memcpy(dst.data() + c * item, src + f * item, item);
    for (std::size_t k = nd; k-- > 0;) {  // next C-order index
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
  return dst;
}

}  // namespace detail

/// Parses .npy bytes held in memory; `name` labels errors (usually the file name).
inline NpyArray parse_npy(std::string_view bytes, const std::string& name = "<npy>") {
  if (!detail::host_is_little_endian()) throw std::runtime_error("genlab .npy I/O supports little-endian hosts only");
  constexpr std::string_view magic("\x93NUMPY", 6);
  if (bytes.size() < 8) throw FileFormatError(name, "truncated at byte " + std::to_string(bytes.size()) + ": the preamble needs 8 bytes");
  if (bytes.substr(0, 6) != magic) throw FileFormatError(name, "bad magic: not a .npy file (expected \\x93NUMPY)");
  const auto major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len = 0, header_start = 0;
  if (major == 1) {
    if (bytes.size() < 10) throw FileFormatError(name, "truncated at byte " + std::to_string(bytes.size()) + ": the v1 preamble needs 10 bytes");
    header_len = static_cast<unsigned char>(bytes[8]) | (std::size_t{static_cast<unsigned char>(bytes[9])} << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw FileFormatError(name, "truncated at byte " + std::to_string(bytes.size()) + ": the v2 preamble needs 12 bytes");
    for (int i = 3; i >= 0; --i) header_len = (header_len << 8) | static_cast<unsigned char>(bytes[8 + i]);
    header_start = 12;
  } else {
    throw FileFormatError(name, "unsupported format version " + std::to_string(major) + "; expected 1, 2 or 3");
  }
  if (header_len > bytes.size() - header_start)
    throw FileFormatError(name, "truncated at byte " + std::to_string(bytes.size()) + ": the header needs " +
                                    std::to_string(header_start + header_len) + " bytes");
  const std::string_view header = bytes.substr(header_start, header_len);

  NpyArray a;
  const auto descr = detail::npy_dict_value(header, "descr");
  if (descr.empty()) throw FileFormatError(name, "header has no 'descr'");
  a.type = detail::parse_npy_descr(descr, name);
  const auto order = detail::npy_dict_value(header, "fortran_order");
  if (order.empty()) throw FileFormatError(name, "header has no 'fortran_order'");
  bool fortran = false;
  if (order.substr(0, 4) == "True") fortran = true;
  else if (order.substr(0, 5) != "False") throw FileFormatError(name, "header: 'fortran_order' is neither True nor False");
  const auto shape = detail::npy_dict_value(header, "shape");
  if (shape.empty()) throw FileFormatError(name, "header has no 'shape'");
  a.shape = detail::parse_npy_shape(shape, name);

  const std::size_t item = npy_item_size(a.type);
  std::size_t count = 1;
  for (auto d : a.shape) {
    if (d != 0 && count > std::numeric_limits<std::size_t>::max() / item / d)
      throw FileFormatError(name, "shape's element count overflows");
    count *= d;
  }
  const std::size_t data_start = header_start + header_len;
  const std::size_t need = count * item;
  if (bytes.size() - data_start < need)
    throw FileFormatError(name, "truncated at byte " + std::to_string(bytes.size()) + ": data needs " +
                                    std::to_string(need) + " bytes from byte " + std::to_string(data_start));
  if (bytes.size() - data_start > need)
    throw FileFormatError(name, "size mismatch: " + std::to_string(bytes.size() - data_start - need) +
                                    " bytes after the data the shape describes");
  const auto* src = reinterpret_cast<const unsigned char*>(bytes.data() + data_start);
  if (fortran && a.shape.size() > 1) a.bytes = detail::fortran_to_c_order(src, a.shape, count, item);
  else a.bytes.assign(src, src + need);
  return a;
}

/// Reads a .npy file.
inline NpyArray read_npy(const std::filesystem::path& path) {
  const std::string bytes = read_file(path);
  return parse_npy(bytes, path.string());
}

/// The .npy bytes (format 1.0, or 2.0 if the header needs it) of a C-order array.
template <class T>
std::string npy_bytes(const T* data, const std::vector<std::size_t>& shape) {
  static_assert(std::is_arithmetic_v<T>, "npy_bytes: T must be one of float, double, int32, int64, uint8");
  std::string dict = std::string("{'descr': '") + npy_descr(NpyTypeOf<T>::value) + "', 'fortran_order': False, 'shape': (";
  std::size_t count = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    dict += std::to_string(shape[i]);
    if (shape.size() == 1 || i + 1 < shape.size()) dict += ",";
    if (i + 1 < shape.size()) dict += " ";
    count *= shape[i];
  }
  dict += "), }";
  const bool v2 = dict.size() + 11 > 65535;
  const std::size_t pre = v2 ? 12 : 10;
  std::size_t total = pre + dict.size() + 1;
  const std::size_t pad = (64 - total % 64) % 64;
  dict.append(pad, ' ');
  dict += '\n';
  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(v2 ? 2 : 1);
  out += '\0';
  std::size_t len = dict.size();
  for (std::size_t i = 0; i < (v2 ? 4u : 2u); ++i) out += static_cast<char>((len >> (8 * i)) & 0xff);
  out += dict;
  out.append(reinterpret_cast<const char*>(data), count * sizeof(T));
  return out;
}

/// Writes a C-order array to `path` atomically. shape = {} writes a scalar.
template <class T>
void write_npy(const std::filesystem::path& path, const T* data, const std::vector<std::size_t>& shape) {
  write_file_atomic(path, npy_bytes(data, shape));
}

template <class T>
void write_npy(const std::filesystem::path& path, const std::vector<T>& values, const std::vector<std::size_t>& shape) {
  std::size_t count = 1;
  for (auto d : shape) count *= d;
  require(count == values.size(), "genlab::core::write_npy", "values.size()", values.size(),
          "the product of the shape (" + std::to_string(count) + ")");
  write_npy(path, values.data(), shape);
}

/// A 1-d array.
template <class T>
void write_npy(const std::filesystem::path& path, const std::vector<T>& values) {
  write_npy(path, values.data(), {values.size()});
}

}  // namespace genlab::core

#endif  // GENLAB_CORE_IO_NPY_HPP
