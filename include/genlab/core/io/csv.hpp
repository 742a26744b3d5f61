#ifndef GENLAB_CORE_IO_CSV_HPP
#define GENLAB_CORE_IO_CSV_HPP
// CSV tables (RFC 4180: comma-separated, fields with a comma, quote or newline are quoted and
// quotes doubled). Written atomically; read back with the same rules.

#include <cstddef>
#include <exception>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/io/atomic_file.hpp"

namespace genlab::core {

/// A whole field parsed as a double (std::stod's syntax: "1e3", "nan", " 2"), or empty if the
/// field is empty, is not a number or has trailing text ("3abc").
inline std::optional<double> parse_number(const std::string& field) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(field, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != field.size()) return std::nullopt;
  return v;
}

/// A table of strings with a header. Numbers are formatted with `precision` significant digits
/// (17 by default: doubles round-trip exactly).
class CsvTable {
 public:
  CsvTable() = default;
  explicit CsvTable(std::vector<std::string> header) : header_(std::move(header)) {}

  const std::vector<std::string>& header() const { return header_; }
  const std::vector<std::vector<std::string>>& rows() const { return rows_; }
  std::size_t size() const { return rows_.size(); }

  /// Column index of `name`; throws std::out_of_range naming the column if absent.
  std::size_t column(const std::string& name) const {
    for (std::size_t i = 0; i < header_.size(); ++i)
      if (header_[i] == name) return i;
    throw std::out_of_range("genlab::core::CsvTable::column: no column named \"" + name + "\"");
  }

  /// Appends a row of already formatted fields; its width must match the header.
  void add_row(std::vector<std::string> fields) {
    require(fields.size() == header_.size(), "genlab::core::CsvTable::add_row", "fields.size()",
            fields.size(), "the header's width " + std::to_string(header_.size()));
    rows_.push_back(std::move(fields));
  }

  /// Appends a row of values of any streamable types: table.row("train", 12, 0.5).
  template <class... Ts>
  void row(const Ts&... values) {
    std::vector<std::string> fields;
    fields.reserve(sizeof...(values));
    (fields.push_back(format(values)), ...);
    add_row(std::move(fields));
  }

  /// Field (r, c) parsed as a double; throws naming the row, column and text if it is not one.
  double number(std::size_t r, std::size_t c) const {
    const std::string& s = rows_.at(r).at(c);
    const std::optional<double> v = parse_number(s);
    if (!v)
      throw std::invalid_argument("genlab::core::CsvTable::number: row " + std::to_string(r) + ", column '" +
                                  header_.at(c) + "' = \"" + s + "\"; expected a number");
    return *v;
  }

  /// The whole column `name` as doubles.
  std::vector<double> numbers(const std::string& name) const {
    const std::size_t c = column(name);
    std::vector<double> out(rows_.size());
    for (std::size_t r = 0; r < rows_.size(); ++r) out[r] = number(r, c);
    return out;
  }

  template <class T>
  static std::string format(const T& value) {
    if constexpr (std::is_convertible_v<const T&, std::string>) {
      return std::string(value);
    } else {
      std::ostringstream os;
      os.precision(17);
      os << value;
      return os.str();
    }
  }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

namespace detail {
inline void write_csv_field(std::ostream& os, const std::string& f) {
  if (f.find_first_of(",\"\n\r") == std::string::npos) {
    os << f;
    return;
  }
  os << '"';
  for (char c : f) {
    if (c == '"') os << '"';
    os << c;
  }
  os << '"';
}
inline void write_csv_row(std::ostream& os, const std::vector<std::string>& row) {
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i) os << ',';
    write_csv_field(os, row[i]);
  }
  os << '\n';
}
}  // namespace detail

/// The table as CSV text.
inline std::string to_csv(const CsvTable& table) {
  std::ostringstream os;
  detail::write_csv_row(os, table.header());
  for (const auto& r : table.rows()) detail::write_csv_row(os, r);
  return os.str();
}

/// Writes the table to `path` atomically.
inline void write_csv(const std::filesystem::path& path, const CsvTable& table) {
  write_file_atomic(path, to_csv(table));
}

/// Parses CSV text (first row = header). `name` labels errors (usually the file name). Lines may
/// end in LF, CRLF or CR; a leading UTF-8 byte-order mark (Excel's "CSV UTF-8") is skipped, so it
/// does not become part of the first column's name.
inline CsvTable parse_csv(const std::string& text_in, const std::string& name = "<csv>") {
  constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
  const std::string_view text = std::string_view(text_in).substr(
      std::string_view(text_in).compare(0, kUtf8Bom.size(), kUtf8Bom) == 0 ? kUtf8Bom.size() : 0);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool in_quotes = false, field_started = false;
  std::size_t line = 1;
  auto end_field = [&] {
    row.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"' && !field_started && field.empty()) {
      in_quotes = field_started = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_field();
      if (!(row.size() == 1 && row[0].empty())) rows.push_back(std::move(row));
      row.clear();
      ++line;
    } else {
      field += c;
      field_started = true;
    }
  }
  if (in_quotes) throw FileFormatError(name, "unterminated quoted field starting before line " + std::to_string(line));
  if (field_started || !field.empty() || !row.empty()) {
    end_field();
    rows.push_back(std::move(row));
  }
  if (rows.empty()) throw FileFormatError(name, "empty CSV: no header row");
  CsvTable table(rows.front());
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() != table.header().size())
      throw FileFormatError(name, "row " + std::to_string(r) + " has " + std::to_string(rows[r].size()) +
                                      " fields; the header has " + std::to_string(table.header().size()));
    table.add_row(std::move(rows[r]));
  }
  return table;
}

/// Reads a CSV file (first row = header).
inline CsvTable read_csv(const std::filesystem::path& path) { return parse_csv(read_file(path), path.string()); }

}  // namespace genlab::core

#endif  // GENLAB_CORE_IO_CSV_HPP
