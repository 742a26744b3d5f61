#ifndef GENLAB_CORE_IO_JSON_HPP
#define GENLAB_CORE_IO_JSON_HPP
// JSON and JSON Lines through nlohmann::json, written atomically.

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "genlab/core/io/atomic_file.hpp"

namespace genlab::core {

using Json = nlohmann::json;

/// Writes `value` to `path` (pretty-printed with `indent` spaces; -1 for one line), atomically.
inline void write_json(const std::filesystem::path& path, const Json& value, int indent = 2) {
  AtomicFile f(path);
  f.stream() << value.dump(indent) << '\n';
  f.commit();
}

/// Reads a JSON document; a syntax error becomes FileFormatError naming the file and byte.
inline Json read_json(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw FileFormatError(path.string(), "invalid JSON at byte " + std::to_string(e.byte) + ": " + e.what());
  }
}

/// Writes one JSON value per line (JSON Lines), atomically.
inline void write_jsonl(const std::filesystem::path& path, const std::vector<Json>& rows) {
  AtomicFile f(path);
  for (const auto& row : rows) f.stream() << row.dump() << '\n';
  f.commit();
}

/// Calls f(value, line_number) for each non-blank line of the JSON Lines file `path` (lines
/// count from 1); a syntax error becomes FileFormatError naming the file and line.
template <class F>
void for_each_jsonl(const std::filesystem::path& path, F&& f) {
  const std::string text = read_file(path);
  std::size_t line_no = 0, start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line_no;
    const std::string_view line(text.data() + start, end - start);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
      Json value;
      try {
        value = Json::parse(line);
      } catch (const Json::parse_error& e) {
        throw FileFormatError(path.string(), "invalid JSON on line " + std::to_string(line_no) + ": " + e.what());
      }
      f(std::move(value), line_no);
    }
    start = end + 1;
  }
}

/// Reads JSON Lines (blank lines skipped); errors name the file and line.
inline std::vector<Json> read_jsonl(const std::filesystem::path& path) {
  std::vector<Json> rows;
  for_each_jsonl(path, [&](Json value, std::size_t) { rows.push_back(std::move(value)); });
  return rows;
}

}  // namespace genlab::core

#endif  // GENLAB_CORE_IO_JSON_HPP
