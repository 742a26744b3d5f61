#ifndef GENLAB_MEASURE_PREDICTIONS_HPP
#define GENLAB_MEASURE_PREDICTIONS_HPP
// Predictions from any framework: columns of CSV (header row), JSON Lines (one object per
// line) or NumPy .npy files, chosen by the file's extension, turned into the vectors the
// measurements take (probabilities, 0/1 outcomes, group labels, response matrices).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/io/csv.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/io/npy.hpp"
#include "genlab/measure/irt.hpp"

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
inline double json_number(const core::Json& v, const std::string& file, std::size_t row, const std::string& key) {
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (v.is_number()) return v.get<double>();
  throw core::FileFormatError(file, "row " + std::to_string(row + 1) + ": key '" + key + "' = " + v.dump() +
                                        "; expected a number or a boolean");
}
inline const core::Json& json_field(const core::Json& obj, const std::string& file, std::size_t row,
                                    const std::string& key) {
  if (!obj.is_object() || !obj.contains(key))
    throw core::FileFormatError(file, "row " + std::to_string(row + 1) + " has no key '" + key + "'");
  return obj[key];
}
}  // namespace detail

/// A numeric column: CSV column `column` by header name, JSONL key `column` (booleans read as
/// 0/1), or for .npy the whole array if it is 1-d, else column index `column` (as a decimal
/// string) of a 2-d array. Throws FileFormatError or std::invalid_argument naming the file, row
/// and column on a missing or non-numeric value, and on NaN. O(file size).
inline std::vector<double> load_numeric_column(const std::filesystem::path& path, const std::string& column) {
  constexpr const char* where = "genlab::measure::load_numeric_column";
  std::vector<double> out;
  switch (prediction_format(path)) {
    case PredictionFormat::csv: {
      const core::CsvTable t = core::read_csv(path);
      try {
        out = t.numbers(column);
      } catch (const std::out_of_range& e) {
        throw core::FileFormatError(path.string(), e.what());
      }
      break;
    }
    case PredictionFormat::jsonl: {
      const auto rows = core::read_jsonl(path);
      for (std::size_t r = 0; r < rows.size(); ++r)
        out.push_back(detail::json_number(detail::json_field(rows[r], path.string(), r, column), path.string(), r, column));
      break;
    }
    case PredictionFormat::npy: {
      const core::NpyArray a = core::read_npy(path);
      const std::vector<double> all = a.to_double();
      if (a.shape.size() <= 1) {
        out = all;
      } else {
        core::require(a.shape.size() == 2, where, "array rank", a.shape.size(), "1 or 2");
        std::size_t c = 0;
        try {
          c = static_cast<std::size_t>(std::stoul(column));
        } catch (const std::exception&) {
          core::throw_invalid_argument(where, "column", column, "a column index for a 2-d .npy array");
        }
        core::require(c < a.shape[1], where, "column", c, "< " + std::to_string(a.shape[1]));
        for (std::size_t r = 0; r < a.shape[0]; ++r) out.push_back(all[r * a.shape[1] + c]);
      }
      break;
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i)
    core::require(!std::isnan(out[i]), where, path.string() + " row " + std::to_string(i + 1) + " column " + column,
                  out[i], "a number (NaN found)");
  return out;
}

/// A text column (group names, task names, model names) from CSV or JSONL; JSON numbers are
/// written in their JSON form. O(file size).
inline std::vector<std::string> load_text_column(const std::filesystem::path& path, const std::string& column) {
  std::vector<std::string> out;
  const auto fmt = prediction_format(path);
  if (fmt == PredictionFormat::csv) {
    const core::CsvTable t = core::read_csv(path);
    std::size_t c = 0;
    try {
      c = t.column(column);
    } catch (const std::out_of_range& e) {
      throw core::FileFormatError(path.string(), e.what());
    }
    for (const auto& row : t.rows()) out.push_back(row[c]);
  } else if (fmt == PredictionFormat::jsonl) {
    const auto rows = core::read_jsonl(path);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const auto& v = detail::json_field(rows[r], path.string(), r, column);
      out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    }
  } else {
    core::throw_invalid_argument("genlab::measure::load_text_column", "path", path.string(),
                                 "a .csv or .jsonl file (.npy holds numbers only)");
  }
  return out;
}

/// A 0/1 outcome column (correct / incorrect); anything other than 0 or 1 (or a JSON boolean)
/// is an error naming the row.
inline std::vector<double> load_outcomes(const std::filesystem::path& path, const std::string& column) {
  auto v = load_numeric_column(path, column);
  for (std::size_t i = 0; i < v.size(); ++i)
    core::require(v[i] == 0.0 || v[i] == 1.0, "genlab::measure::load_outcomes",
                  path.string() + " row " + std::to_string(i + 1) + " column " + column, v[i], "0 or 1");
  return v;
}

/// A probability column; values outside [0, 1] are an error naming the row.
inline std::vector<double> load_probabilities(const std::filesystem::path& path, const std::string& column) {
  auto v = load_numeric_column(path, column);
  for (std::size_t i = 0; i < v.size(); ++i)
    core::require(v[i] >= 0.0 && v[i] <= 1.0, "genlab::measure::load_probabilities",
                  path.string() + " row " + std::to_string(i + 1) + " column " + column, v[i], "a probability in [0, 1]");
  return v;
}

/// A response matrix: from a 2-d .npy array (items × respondents; 0, 1, and -1 or NaN for
/// missing), or from a long CSV/JSONL table with integer columns item, respondent, correct
/// (0/1; absent pairs are missing; a repeated pair is an error). O(file size + items · respondents).
inline ResponseMatrix load_responses(const std::filesystem::path& path, const std::string& item_column = "item",
                                     const std::string& respondent_column = "respondent",
                                     const std::string& correct_column = "correct") {
  constexpr const char* where = "genlab::measure::load_responses";
  ResponseMatrix m;
  if (prediction_format(path) == PredictionFormat::npy) {
    const core::NpyArray a = core::read_npy(path);
    core::require(a.shape.size() == 2, where, "array rank", a.shape.size(), "2 (items x respondents)");
    m = ResponseMatrix(a.shape[0], a.shape[1]);
    const auto v = a.to_double();
    for (std::size_t k = 0; k < v.size(); ++k) {
      if (std::isnan(v[k]) || v[k] == -1.0) continue;
      core::require(v[k] == 0.0 || v[k] == 1.0, where, path.string() + " element " + std::to_string(k), v[k],
                    "0, 1, or -1/NaN for missing");
      m.responses[k] = static_cast<std::int8_t>(v[k]);
    }
    m.validate();
    return m;
  }
  const auto items = load_numeric_column(path, item_column);
  const auto resp = load_numeric_column(path, respondent_column);
  const auto corr = load_outcomes(path, correct_column);
  std::size_t ni = 0, nj = 0;
  for (std::size_t r = 0; r < items.size(); ++r) {
    core::require(items[r] >= 0 && items[r] == std::floor(items[r]) && items[r] < 1e9, where,
                  path.string() + " row " + std::to_string(r + 1) + " " + item_column, items[r], "an index >= 0");
    core::require(resp[r] >= 0 && resp[r] == std::floor(resp[r]) && resp[r] < 1e9, where,
                  path.string() + " row " + std::to_string(r + 1) + " " + respondent_column, resp[r], "an index >= 0");
    ni = std::max(ni, static_cast<std::size_t>(items[r]) + 1);
    nj = std::max(nj, static_cast<std::size_t>(resp[r]) + 1);
  }
  core::require(!items.empty(), where, "rows", items.size(), ">= 1");
  m = ResponseMatrix(ni, nj);
  for (std::size_t r = 0; r < items.size(); ++r) {
    auto& cell = m.at(static_cast<std::size_t>(items[r]), static_cast<std::size_t>(resp[r]));
    core::require(cell < 0, where, path.string() + " row " + std::to_string(r + 1), "repeated (item, respondent)",
                  "one response per pair");
    cell = static_cast<std::int8_t>(corr[r]);
  }
  m.validate();
  return m;
}

}  // namespace genlab::measure

#endif  // GENLAB_MEASURE_PREDICTIONS_HPP
