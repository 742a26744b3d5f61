#ifndef GENLAB_MEASURE_PREDICTIONS_HPP
#define GENLAB_MEASURE_PREDICTIONS_HPP
// Predictions from any framework: columns of CSV (header row), JSON Lines (one object per
// line) or NumPy .npy files, chosen by the file's extension, turned into the vectors the
// measurements take (probabilities, 0/1 outcomes, group labels; response matrices in
// irt/responses.hpp). Every error raised while reading names the file, and for CSV and JSONL
// the data row (1-based, header excluded) and the line it starts on, and the column.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/io/atomic_file.hpp"
#include "genlab/core/io/csv.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/io/npy.hpp"

namespace genlab::measure {

enum class PredictionFormat { csv, jsonl, npy };

/// The format from the extension: .csv, .jsonl / .ndjson, .npy. Throws std::invalid_argument
/// for anything else.
inline PredictionFormat prediction_format(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".csv") return PredictionFormat::csv;
  if (ext == ".jsonl" || ext == ".ndjson") return PredictionFormat::jsonl;
  if (ext == ".npy") return PredictionFormat::npy;
  core::throw_invalid_argument("genlab::measure::prediction_format", "path", path.string(),
                               "a .csv, .jsonl, .ndjson or .npy file");
}

namespace detail {

/// The text of a file without a leading UTF-8 byte-order mark: spreadsheet programs write one,
/// and it would otherwise become part of the first column's name.
inline std::string read_text_without_bom(const std::filesystem::path& path) {
  std::string text = core::read_file(path);
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  return text;
}

/// The line on which each record of CSV text starts (records as core::parse_csv splits them:
/// blank lines skipped, quoted fields may span lines); element 0 is the header's line.
inline std::vector<std::size_t> csv_record_lines(const std::string& text) {
  std::vector<std::size_t> lines;
  std::size_t line = 1, record_start = 1, fields = 0;
  bool in_quotes = false, field_started = false, field_nonempty = false, first_field_empty = true;
  const auto end_field = [&] {
    if (fields == 0) first_field_empty = !field_nonempty;
    ++fields;
    field_nonempty = field_started = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field_nonempty = true;
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field_nonempty = true;
      }
    } else if (c == '"' && !field_started && !field_nonempty) {
      in_quotes = field_started = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_field();
      if (!(fields == 1 && first_field_empty)) lines.push_back(record_start);
      fields = 0;
      record_start = ++line;
    } else {
      field_nonempty = field_started = true;
    }
  }
  if (field_started || field_nonempty || fields > 0) lines.push_back(record_start);
  return lines;
}

/// The rows of a CSV or JSONL file, each with the line it starts on.
struct TextRows {
  std::string file;
  core::CsvTable csv;             // CSV only
  std::vector<core::Json> jsonl;  // JSONL only
  std::vector<std::size_t> line;  // line[r] of data row r; empty if unknown

  std::size_t size() const { return jsonl.empty() ? csv.size() : jsonl.size(); }

  /// "row 3 (line 4)": data row r, 1-based, and the line it starts on.
  std::string row_name(std::size_t r) const {
    std::string s = "row " + std::to_string(r + 1);
    if (r < line.size()) s += " (line " + std::to_string(line[r]) + ")";
    return s;
  }
  /// "<file> row 3 (line 4) column prob": where a value came from, for error messages.
  std::string locate(std::size_t r, const std::string& column) const {
    return file + " " + row_name(r) + " column " + column;
  }
};

inline TextRows read_text_rows(const std::filesystem::path& path, PredictionFormat format) {
  TextRows t;
  t.file = path.string();
  const std::string text = read_text_without_bom(path);
  if (format == PredictionFormat::csv) {
    t.csv = core::parse_csv(text, t.file);  // its own errors name the file
    auto lines = csv_record_lines(text);
    if (lines.size() == t.csv.size() + 1) t.line.assign(lines.begin() + 1, lines.end());
    return t;
  }
  // JSON Lines: one value per non-blank line.
  std::size_t line_no = 0, start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line_no;
    const std::string_view row(text.data() + start, end - start);
    if (row.find_first_not_of(" \t\r") != std::string_view::npos) {
      try {
        t.jsonl.push_back(core::Json::parse(row));
      } catch (const core::Json::parse_error& e) {
        throw core::FileFormatError(t.file, "invalid JSON on line " + std::to_string(line_no) + ": " + e.what());
      }
      t.line.push_back(line_no);
    }
    start = end + 1;
  }
  return t;
}

/// Column index of `column` in a CSV file's header; FileFormatError naming the file and the
/// columns it has otherwise.
inline std::size_t csv_column(const TextRows& t, const std::string& column) {
  const auto& h = t.csv.header();
  for (std::size_t c = 0; c < h.size(); ++c)
    if (h[c] == column) return c;
  std::string have;
  for (const auto& name : h) have += (have.empty() ? "\"" : ", \"") + name + "\"";
  throw core::FileFormatError(t.file, "no column named \"" + column + "\" (line 1 has " + have + ")");
}

/// JSONL row r's value for `key`; FileFormatError naming the file, row and line otherwise.
inline const core::Json& jsonl_field(const TextRows& t, std::size_t r, const std::string& key) {
  const core::Json& obj = t.jsonl[r];
  if (!obj.is_object() || !obj.contains(key))
    throw core::FileFormatError(t.file, t.row_name(r) + " has no key '" + key + "'");
  return obj[key];
}

/// A CSV field parsed as a whole double (as core::CsvTable::number), or FileFormatError naming
/// the file, row, line, column and text.
inline double csv_number(const TextRows& t, std::size_t r, std::size_t c, const std::string& column) {
  const std::string& s = t.csv.rows()[r][c];
  const std::optional<double> v = core::parse_number(s);
  if (!v)
    throw core::FileFormatError(t.file, t.row_name(r) + " column " + column + " = \"" + s + "\"; expected a number");
  return *v;
}

inline double json_number(const TextRows& t, std::size_t r, const std::string& key) {
  const core::Json& v = jsonl_field(t, r, key);
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (v.is_number()) return v.get<double>();
  throw core::FileFormatError(t.file, t.row_name(r) + " column " + key + " = " + v.dump() +
                                          "; expected a number or a boolean");
}

/// A numeric column with where each value came from ("<file> row 2 (line 3) column p", or
/// "<file> element 5" for .npy), so that callers checking values can name the place.
struct LocatedColumn {
  std::vector<double> values;
  std::vector<std::string> places;
};

inline LocatedColumn read_located_column(const std::filesystem::path& path, const std::string& column) {
  constexpr const char* where = "genlab::measure::load_numeric_column";
  const std::string file = path.string();
  LocatedColumn out;
  const auto format = prediction_format(path);
  if (format == PredictionFormat::npy) {
    const core::NpyArray a = core::read_npy(path);
    const std::vector<double> all = a.to_double();
    if (a.shape.size() <= 1) {
      out.values = all;
      for (std::size_t k = 0; k < all.size(); ++k) out.places.push_back(file + " element " + std::to_string(k));
    } else {
      if (a.shape.size() != 2)
        throw core::FileFormatError(file, "array rank " + std::to_string(a.shape.size()) + "; expected 1 or 2");
      std::size_t c = 0;
      try {
        std::size_t used = 0;
        c = static_cast<std::size_t>(std::stoul(column, &used));
        if (used != column.size()) throw std::invalid_argument("trailing characters");
      } catch (const std::exception&) {
        core::throw_invalid_argument(where, "column", column, "a column index for the 2-d array in " + file);
      }
      core::require(c < a.shape[1], where, "column", c,
                    "< " + std::to_string(a.shape[1]) + " (the columns of the 2-d array in " + file + ")");
      for (std::size_t r = 0; r < a.shape[0]; ++r) {
        out.values.push_back(all[r * a.shape[1] + c]);
        out.places.push_back(file + " row " + std::to_string(r + 1) + " column " + column);
      }
    }
  } else {
    const TextRows t = read_text_rows(path, format);
    const std::size_t c = format == PredictionFormat::csv ? csv_column(t, column) : 0;
    for (std::size_t r = 0; r < t.size(); ++r) {
      out.values.push_back(format == PredictionFormat::csv ? csv_number(t, r, c, column) : json_number(t, r, column));
      out.places.push_back(t.locate(r, column));
    }
  }
  for (std::size_t i = 0; i < out.values.size(); ++i)
    core::require(!std::isnan(out.values[i]), where, out.places[i], out.values[i], "a number (NaN found)");
  return out;
}

}  // namespace detail

/// A numeric column: CSV column `column` by header name, JSONL key `column` (booleans read as
/// 0/1), or for .npy the whole array if it is 1-d, else column index `column` (as a decimal
/// string) of a 2-d array. A leading UTF-8 byte-order mark is ignored. Throws core::IoError if
/// the file cannot be read, core::FileFormatError for a missing column/key or a non-numeric
/// value, std::invalid_argument for NaN or a bad .npy column index; every message names the
/// file, and for CSV/JSONL the row, line and column. O(file size).
inline std::vector<double> load_numeric_column(const std::filesystem::path& path, const std::string& column) {
  return detail::read_located_column(path, column).values;
}

/// A text column (group names, task names, model names) from CSV or JSONL; JSON numbers are
/// written in their JSON form. Errors as load_numeric_column. O(file size).
inline std::vector<std::string> load_text_column(const std::filesystem::path& path, const std::string& column) {
  const auto fmt = prediction_format(path);
  if (fmt == PredictionFormat::npy)
    core::throw_invalid_argument("genlab::measure::load_text_column", "path", path.string(),
                                 "a .csv or .jsonl file (.npy holds numbers only)");
  const detail::TextRows t = detail::read_text_rows(path, fmt);
  std::vector<std::string> out;
  if (fmt == PredictionFormat::csv) {
    const std::size_t c = detail::csv_column(t, column);
    for (const auto& row : t.csv.rows()) out.push_back(row[c]);
  } else {
    for (std::size_t r = 0; r < t.size(); ++r) {
      const auto& v = detail::jsonl_field(t, r, column);
      out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    }
  }
  return out;
}

/// A 0/1 outcome column (correct / incorrect); anything other than 0 or 1 (or a JSON boolean)
/// is a std::invalid_argument naming the file, row, line and column.
inline std::vector<double> load_outcomes(const std::filesystem::path& path, const std::string& column) {
  auto col = detail::read_located_column(path, column);
  for (std::size_t i = 0; i < col.values.size(); ++i)
    core::require(col.values[i] == 0.0 || col.values[i] == 1.0, "genlab::measure::load_outcomes", col.places[i],
                  col.values[i], "0 or 1");
  return std::move(col.values);
}

/// A probability column; a value outside [0, 1] is a std::invalid_argument naming the file,
/// row, line and column.
inline std::vector<double> load_probabilities(const std::filesystem::path& path, const std::string& column) {
  auto col = detail::read_located_column(path, column);
  for (std::size_t i = 0; i < col.values.size(); ++i)
    core::require(col.values[i] >= 0.0 && col.values[i] <= 1.0, "genlab::measure::load_probabilities", col.places[i],
                  col.values[i], "a probability in [0, 1]");
  return std::move(col.values);
}

}  // namespace genlab::measure

// load_responses used to be declared here; it lives with the IRT model now.
#include "genlab/measure/irt/responses.hpp"

#endif  // GENLAB_MEASURE_PREDICTIONS_HPP
