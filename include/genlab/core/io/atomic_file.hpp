#ifndef GENLAB_CORE_IO_ATOMIC_FILE_HPP
#define GENLAB_CORE_IO_ATOMIC_FILE_HPP
// Atomic file writes: everything genlab writes goes to "<path>.tmp.<pid>.<n>" first and is
// renamed onto <path> only once complete and flushed, so a reader (or a resumed run) sees either
// the old file or the whole new one, never a partial file. rename(2) is atomic within a file
// system, and the temporary lives in the destination's folder to stay on the same one.

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ios>
#include <iterator>
#include <string>
#include <string_view>

#include "genlab/core/error.hpp"

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

namespace genlab::core {

namespace detail {
inline std::string temporary_name_for(const std::filesystem::path& path) {
  static std::atomic<unsigned long> counter{0};
#if defined(__unix__) || defined(__APPLE__)
  const long pid = static_cast<long>(::getpid());
#else
  const long pid = 0;
#endif
  return path.string() + ".tmp." + std::to_string(pid) + "." + std::to_string(counter++);
}
}  // namespace detail

/// An output file that appears at its path only when commit() succeeds. If the object is
/// destroyed without commit() (an exception, an early return), the temporary is removed and
/// the destination is untouched. Parent folders are created as needed.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path, std::ios::openmode mode = std::ios::binary)
      : path_(std::move(path)), temp_(detail::temporary_name_for(path_)) {
    if (path_.empty()) throw std::invalid_argument("genlab::core::AtomicFile: parameter 'path' is empty; expected a file name");
    if (path_.has_parent_path()) {
      std::error_code ec;
      std::filesystem::create_directories(path_.parent_path(), ec);
      if (ec) throw IoError("cannot create folder " + path_.parent_path().string() + ": " + ec.message());
    }
    out_.open(temp_, mode | std::ios::out | std::ios::trunc);
    if (!out_) throw IoError("cannot open " + temp_.string() + " for writing (destination " + path_.string() + ")");
  }
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile() {
    if (!committed_) {
      out_.close();
      std::error_code ec;
      std::filesystem::remove(temp_, ec);
    }
  }

  std::ostream& stream() { return out_; }
  const std::filesystem::path& path() const { return path_; }

  /// Flushes, closes and renames the temporary onto the destination.
  void commit() {
    out_.flush();
    if (!out_) throw IoError("write failed for " + temp_.string() + " (destination " + path_.string() + ")");
    out_.close();
    if (out_.fail()) throw IoError("close failed for " + temp_.string());
    std::error_code ec;
    std::filesystem::rename(temp_, path_, ec);
    if (ec) throw IoError("cannot rename " + temp_.string() + " to " + path_.string() + ": " + ec.message());
    committed_ = true;
  }

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_;
  std::ofstream out_;
  bool committed_ = false;
};

/// Writes `bytes` to `path` atomically.
inline void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  AtomicFile f(path);
  f.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.commit();
}

/// Reads a whole file into memory; throws IoError naming the file if it cannot be read (missing,
/// a directory, unreadable).
inline std::string read_file(const std::filesystem::path& path) {
  // A directory opens as an ifstream on Linux and then fails inside the read with a bare
  // std::ios_base::failure that names no file: refuse it up front.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw IoError("cannot read " + path.string() + ": it is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open " + path.string() + " for reading");
  std::string bytes;
  try {
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::ios_base::failure& e) {
    throw IoError("read failed for " + path.string() + ": " + e.what());
  }
  if (in.bad()) throw IoError("read failed for " + path.string());
  return bytes;
}

}  // namespace genlab::core

#endif  // GENLAB_CORE_IO_ATOMIC_FILE_HPP
