#ifndef GENLAB_CORE_IO_IDX_HPP
#define GENLAB_CORE_IO_IDX_HPP
// The IDX format of the MNIST family (LeCun et al., yann.lecun.com/exdb/mnist), plain or gzipped:
//
//   0x00 0x00 | type code | number of dimensions d | d sizes (uint32 big-endian) | data (big-endian)
//   type codes: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
//
// A gzip stream (magic 1f 8b) is inflated with zlib first. Malformed input (bad magic, unknown
// type, truncation, dimension/size mismatch, corrupt gzip) throws FileFormatError naming the file
// and the byte; the parser never reads out of bounds (fuzzed: tests/fuzz/idx_fuzz.cpp).

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <zlib.h>

#include "genlab/core/error.hpp"
#include "genlab/core/io/atomic_file.hpp"

namespace genlab::core {

enum class IdxType : std::uint8_t { u8 = 0x08, i8 = 0x09, i16 = 0x0B, i32 = 0x0C, f32 = 0x0D, f64 = 0x0E };

inline std::size_t idx_item_size(IdxType t) {
  switch (t) {
    case IdxType::u8: case IdxType::i8: return 1;
    case IdxType::i16: return 2;
    case IdxType::i32: case IdxType::f32: return 4;
    case IdxType::f64: return 8;
  }
  return 0;
}

/// An IDX array: type, shape and the elements in host byte order.
struct IdxArray {
  IdxType type = IdxType::u8;
  std::vector<std::size_t> shape;
  std::vector<unsigned char> bytes;  // host byte order

  std::size_t size() const {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    return n;
  }
  /// The elements as uint8 (only for type u8, the MNIST images and labels).
  const std::vector<unsigned char>& u8() const {
    if (type != IdxType::u8)
      throw std::invalid_argument("genlab::core::IdxArray::u8: stored type code is " +
                                  std::to_string(static_cast<int>(type)) + "; expected 0x08 (uint8)");
    return bytes;
  }
  /// Element i converted to double, whatever the stored type.
  double element_as_double(std::size_t i) const {
    const unsigned char* p = bytes.data() + i * idx_item_size(type);
    switch (type) {
      case IdxType::u8: return *p;
      case IdxType::i8: return static_cast<signed char>(*p);
      case IdxType::i16: { std::int16_t v; std::memcpy(&v, p, 2); return v; }
      case IdxType::i32: { std::int32_t v; std::memcpy(&v, p, 4); return v; }
      case IdxType::f32: { float v; std::memcpy(&v, p, 4); return v; }
      case IdxType::f64: { double v; std::memcpy(&v, p, 8); return v; }
    }
    return 0;
  }
};

namespace detail {

// Inflates a gzip stream held in memory; `limit` bounds the output (a zip bomb is an error).
inline std::string gunzip(std::string_view in, const std::string& name,
                          std::size_t limit = std::size_t{1} << 34) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) throw std::runtime_error("zlib inflateInit2 failed");
  std::string out;
  std::vector<unsigned char> chunk(1 << 16);
  std::size_t consumed = 0;
  int rc = Z_OK;
  while (true) {
    if (zs.avail_in == 0 && consumed < in.size()) {
      const std::size_t n = std::min<std::size_t>(in.size() - consumed, std::numeric_limits<uInt>::max());
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + consumed));
      zs.avail_in = static_cast<uInt>(n);
      consumed += n;
    }
    zs.next_out = chunk.data();
    zs.avail_out = static_cast<uInt>(chunk.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(reinterpret_cast<char*>(chunk.data()), chunk.size() - zs.avail_out);
    if (rc == Z_STREAM_END) break;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0 && consumed == in.size()) {
      const auto at = zs.total_in;
      inflateEnd(&zs);
      throw FileFormatError(name, "truncated gzip stream at byte " + std::to_string(at));
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      const std::string msg = zs.msg ? zs.msg : "error " + std::to_string(rc);
      const auto at = zs.total_in;
      inflateEnd(&zs);
      throw FileFormatError(name, "corrupt gzip stream near byte " + std::to_string(at) + ": " + msg);
    }
    if (out.size() > limit) {
      inflateEnd(&zs);
      throw FileFormatError(name, "gzip stream inflates beyond " + std::to_string(limit) + " bytes");
    }
  }
  inflateEnd(&zs);
  return out;
}

inline std::uint32_t read_be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace detail

/// Parses IDX bytes (plain or gzipped) held in memory; `name` labels errors.
inline IdxArray parse_idx(std::string_view bytes, const std::string& name = "<idx>") {
  std::string inflated;
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f && static_cast<unsigned char>(bytes[1]) == 0x8b) {
    inflated = detail::gunzip(bytes, name);
    bytes = inflated;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 4) throw FileFormatError(name, "truncated at byte " + std::to_string(bytes.size()) + ": the magic needs 4 bytes");
  if (p[0] != 0 || p[1] != 0) throw FileFormatError(name, "bad magic: the first two bytes must be zero in IDX");
  const unsigned code = p[2];
  if (code != 0x08 && code != 0x09 && code != 0x0B && code != 0x0C && code != 0x0D && code != 0x0E)
    throw FileFormatError(name, "unknown IDX type code " + std::to_string(code) + " at byte 2");
  IdxArray a;
  a.type = static_cast<IdxType>(code);
  const std::size_t nd = p[3];
  if (nd == 0) throw FileFormatError(name, "IDX header declares 0 dimensions");
  const std::size_t header = 4 + 4 * nd;
  if (bytes.size() < header)
    throw FileFormatError(name, "truncated at byte " + std::to_string(bytes.size()) + ": the header needs " +
                                    std::to_string(header) + " bytes for " + std::to_string(nd) + " dimensions");
  const std::size_t item = idx_item_size(a.type);
  std::size_t count = 1;
  for (std::size_t k = 0; k < nd; ++k) {
    const std::size_t d = detail::read_be32(p + 4 + 4 * k);
    if (d != 0 && count > std::numeric_limits<std::size_t>::max() / item / d)
      throw FileFormatError(name, "dimension sizes overflow");
    count *= d;
    a.shape.push_back(d);
  }
  const std::size_t need = count * item;
  if (bytes.size() - header < need)
    throw FileFormatError(name, "truncated at byte " + std::to_string(bytes.size()) + ": dimensions need " +
                                    std::to_string(need) + " data bytes from byte " + std::to_string(header));
  if (bytes.size() - header > need)
    throw FileFormatError(name, "dimension mismatch: " + std::to_string(bytes.size() - header - need) +
                                    " bytes after the data the dimensions describe");
  a.bytes.assign(p + header, p + header + need);
  // Big-endian to host order (swap each item when the host is little-endian).
  const std::uint16_t probe = 1;
  unsigned char first;
  std::memcpy(&first, &probe, 1);
  if (first == 1 && item > 1)
    for (std::size_t i = 0; i < count; ++i)
      for (std::size_t lo = i * item, hi = lo + item - 1; lo < hi; ++lo, --hi) std::swap(a.bytes[lo], a.bytes[hi]);
  return a;
}

/// Reads an IDX file, plain or gzipped.
inline IdxArray read_idx(const std::filesystem::path& path) {
  const std::string bytes = read_file(path);
  return parse_idx(bytes, path.string());
}

/// Writes a uint8 IDX file (plain, or gzipped if `gzip`), atomically.
inline void write_idx_u8(const std::filesystem::path& path, const std::vector<unsigned char>& values,
                         const std::vector<std::size_t>& shape, bool gzip = false) {
  std::size_t count = 1;
  for (auto d : shape) count *= d;
  require(!shape.empty() && shape.size() < 256, "genlab::core::write_idx_u8", "shape.size()", shape.size(), "1..255 dimensions");
  require(count == values.size(), "genlab::core::write_idx_u8", "values.size()", values.size(),
          "the product of the shape (" + std::to_string(count) + ")");
  std::string raw = {0, 0, 0x08, static_cast<char>(shape.size())};
  for (auto d : shape) {
    require(d <= 0xffffffffu, "genlab::core::write_idx_u8", "shape entry", d, "< 2^32");
    for (int s = 24; s >= 0; s -= 8) raw += static_cast<char>((d >> s) & 0xff);
  }
  raw.append(reinterpret_cast<const char*>(values.data()), values.size());
  if (!gzip) return write_file_atomic(path, raw);
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zlib deflateInit2 failed");
  std::string out(deflateBound(&zs, static_cast<uLong>(raw.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(raw.data());
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib deflate failed while writing " + path.string());
  write_file_atomic(path, out);
}

}  // namespace genlab::core

#endif  // GENLAB_CORE_IO_IDX_HPP
