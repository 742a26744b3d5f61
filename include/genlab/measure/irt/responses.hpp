#ifndef GENLAB_MEASURE_IRT_RESPONSES_HPP
#define GENLAB_MEASURE_IRT_RESPONSES_HPP
// Response matrices for IRT from files: a 2-d .npy array, or a long CSV/JSONL table of
// (item, respondent, correct) rows, read through the prediction loaders (measure/predictions.hpp).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/io/npy.hpp"
#include "genlab/measure/irt/model.hpp"
#include "genlab/measure/predictions.hpp"

namespace genlab::measure {

/// The largest response matrix load_responses builds (items × respondents cells, one byte
/// each; a fit needs several doubles per cell on top). Beyond it a long table is almost
/// certainly sparse ids, not a dense design.
inline constexpr std::uint64_t kMaxResponseCells = std::uint64_t{1} << 31;

namespace detail {
/// Runs `f`, and prefixes the message of a std::invalid_argument it throws with the file.
template <class F>
void naming_file(const std::string& file, F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(file + ": " + e.what());
  }
}
}  // namespace detail

/// A response matrix: from a 2-d .npy array (items × respondents; 0, 1, and -1 or NaN for
/// missing), or from a long CSV/JSONL table with integer columns item, respondent, correct
/// (0/1; absent pairs are missing; a repeated pair is an error). Ids index the matrix densely:
/// item ids 0..max, respondent ids 0..max, and every id in that range needs at least one
/// response (ResponseMatrix::validate). So an id >= the number of rows cannot be valid and is
/// refused before anything is allocated (a row "100000000,100000000,1" would otherwise ask for
/// 10^16 cells); so is a matrix over kMaxResponseCells cells. Errors name the file and, for a
/// table, the row, its line and the column: core::IoError (unreadable), core::FileFormatError
/// (malformed file, missing column, .npy of the wrong rank), std::invalid_argument (a bad
/// value, a repeated pair, an empty item or respondent). O(file size + items · respondents).
inline ResponseMatrix load_responses(const std::filesystem::path& path, const std::string& item_column = "item",
                                     const std::string& respondent_column = "respondent",
                                     const std::string& correct_column = "correct") {
  constexpr const char* where = "genlab::measure::load_responses";
  const std::string file = path.string();
  ResponseMatrix m;
  if (prediction_format(path) == PredictionFormat::npy) {
    const core::NpyArray a = core::read_npy(path);
    if (a.shape.size() != 2)
      throw core::FileFormatError(file, "array rank " + std::to_string(a.shape.size()) +
                                            "; expected 2 (items x respondents)");
    m = ResponseMatrix(a.shape[0], a.shape[1]);
    const auto v = a.to_double();
    for (std::size_t k = 0; k < v.size(); ++k) {
      if (std::isnan(v[k]) || v[k] == -1.0) continue;
      core::require(v[k] == 0.0 || v[k] == 1.0, where,
                    file + " element " + std::to_string(k) + " (item " + std::to_string(k / a.shape[1]) +
                        ", respondent " + std::to_string(k % a.shape[1]) + ")",
                    v[k], "0, 1, or -1/NaN for missing");
      m.responses[k] = static_cast<std::int8_t>(v[k]);
    }
    detail::naming_file(file, [&] { m.validate(); });
    return m;
  }
  const auto items = detail::read_located_column(path, item_column);
  const auto resp = detail::read_located_column(path, respondent_column);
  const auto corr = detail::read_located_column(path, correct_column);
  const std::size_t rows = items.values.size();
  core::require(rows >= 1, where, file + " rows", rows, ">= 1");
  const std::string id_expected = "an integer id in 0.." + std::to_string(rows - 1) +
                                  " (ids index a dense matrix: every id up to the largest needs one of the file's " +
                                  std::to_string(rows) + " rows)";
  std::size_t ni = 0, nj = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const double i = items.values[r], j = resp.values[r];
    core::require(i >= 0 && i == std::floor(i) && i < static_cast<double>(rows), where, items.places[r], i,
                  id_expected);
    core::require(j >= 0 && j == std::floor(j) && j < static_cast<double>(rows), where, resp.places[r], j,
                  id_expected);
    core::require(corr.values[r] == 0.0 || corr.values[r] == 1.0, where, corr.places[r], corr.values[r], "0 or 1");
    ni = std::max(ni, static_cast<std::size_t>(i) + 1);
    nj = std::max(nj, static_cast<std::size_t>(j) + 1);
  }
  const auto cells = static_cast<std::uint64_t>(ni) * static_cast<std::uint64_t>(nj);
  core::require(cells <= kMaxResponseCells, where,
                file + " items x respondents = " + std::to_string(ni) + " x " + std::to_string(nj), cells,
                "at most 2^31 cells (kMaxResponseCells)");
  m = ResponseMatrix(ni, nj);
  for (std::size_t r = 0; r < rows; ++r) {
    auto& cell = m.at(static_cast<std::size_t>(items.values[r]), static_cast<std::size_t>(resp.values[r]));
    core::require(cell < 0, where, items.places[r].substr(0, items.places[r].rfind(" column ")),
                  "repeated (item, respondent)", "one response per pair");
    cell = static_cast<std::int8_t>(corr.values[r]);
  }
  detail::naming_file(file, [&] { m.validate(); });
  return m;
}

}  // namespace genlab::measure

#endif  // GENLAB_MEASURE_IRT_RESPONSES_HPP
