#ifndef GENLAB_MEASURE_CALIBRATION_HPP
#define GENLAB_MEASURE_CALIBRATION_HPP
// Calibration of predicted probabilities (Kadavath et al. 2022, "Language Models (Mostly) Know
// What They Know", §3): expected calibration error, RMS calibration error, Brier score and reliability-diagram data over equal-width bins, plus a
// reliability plot through gnuplot when it is installed.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/io/atomic_file.hpp"
#include "genlab/core/io/csv.hpp"
#include "genlab/core/io/json.hpp"

namespace genlab::measure {

/// Number of equal-width bins on [0, 1] (the paper's count is not stated; 10 by default).
struct CalibrationConfig {
  std::size_t bins = 10;

  void validate() const {
    core::require(bins >= 1, "genlab::measure::CalibrationConfig", "bins", bins, ">= 1");
  }
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CalibrationConfig, bins)

/// One reliability bin [lower, upper). An empty bin has count 0 and mean_confidence = accuracy
/// = 0 (documented placeholders, never NaN); it contributes nothing to ECE or RMS.
struct ReliabilityBin {
  double lower = 0.0;
  double upper = 0.0;
  std::size_t count = 0;
  double mean_confidence = 0.0;  // mean predicted probability in the bin
  double accuracy = 0.0;         // fraction of outcomes = 1 in the bin
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ReliabilityBin, lower, upper, count, mean_confidence, accuracy)

/// ECE, RMS calibration error, Brier score and the bins they were computed from.
struct CalibrationReport {
  CalibrationConfig config;
  std::size_t n = 0;
  double ece = 0.0;                    // Σ_b (|B_b|/N) |acc_b − conf_b|
  double rms_calibration_error = 0.0;  // √(Σ_b (|B_b|/N)(acc_b − conf_b)²)
  double brier = 0.0;                  // (1/N) Σ (p_i − y_i)²
  std::vector<ReliabilityBin> bins;

  core::CsvTable to_csv() const {
    core::CsvTable t({"lower", "upper", "count", "mean_confidence", "accuracy"});
    for (const auto& b : bins) t.row(b.lower, b.upper, b.count, b.mean_confidence, b.accuracy);
    return t;
  }
  /// Hand-written because its keys differ from the members ("bins" is the bin count, the bins
  /// themselves are "reliability"); each bin uses ReliabilityBin's macro.
  core::Json to_json() const {
    return core::Json{{"bins", config.bins}, {"n", n}, {"ece", ece}, {"rms_calibration_error", rms_calibration_error},
                      {"brier", brier}, {"reliability", bins}};
  }
};

namespace detail {
inline void check_calibration_input(const std::vector<double>& probability, const std::vector<double>& outcome,
                                    const char* where) {
  core::require(probability.size() == outcome.size(), where, "outcome.size()", outcome.size(),
                "probability.size() = " + std::to_string(probability.size()));
  core::require(!probability.empty(), where, "probability.size()", probability.size(), ">= 1");
  for (std::size_t i = 0; i < probability.size(); ++i) {
    core::require(probability[i] >= 0.0 && probability[i] <= 1.0, where, "probability[" + std::to_string(i) + "]",
                  probability[i], "a probability in [0, 1]");
    core::require(outcome[i] == 0.0 || outcome[i] == 1.0, where, "outcome[" + std::to_string(i) + "]", outcome[i],
                  "0 or 1");
  }
}
}  // namespace detail

/// Brier score (1/N) Σ (p_i − y_i)² for probabilities p in [0, 1] and outcomes y in {0, 1}.
/// O(N). Throws on mismatched or empty lists and out-of-range values.
inline double brier_score(const std::vector<double>& probability, const std::vector<double>& outcome) {
  detail::check_calibration_input(probability, outcome, "genlab::measure::brier_score");
  double s = 0.0;
  for (std::size_t i = 0; i < probability.size(); ++i) s += (probability[i] - outcome[i]) * (probability[i] - outcome[i]);
  return s / static_cast<double>(probability.size());
}

/// Bins the predictions (bin = min(⌊p·M⌋, M−1), so p = 1 falls in the top bin) and computes ECE,
/// RMS calibration error and Brier score. The spec's example, p = .95, .85, …, .05 with
/// y = 1,1,0,1,0,1,0,0,0,0 and M = 10, gives ECE 0.32 and Brier 0.1525. O(N + M).
inline CalibrationReport calibration(const std::vector<double>& probability, const std::vector<double>& outcome,
                                     const CalibrationConfig& config = {}) {
  config.validate();
  detail::check_calibration_input(probability, outcome, "genlab::measure::calibration");
  const std::size_t m = config.bins;
  CalibrationReport r;
  r.config = config;
  r.n = probability.size();
  r.bins.resize(m);
  std::vector<double> conf(m, 0.0), hits(m, 0.0);
  for (std::size_t i = 0; i < probability.size(); ++i) {
    const auto b = std::min(static_cast<std::size_t>(std::floor(probability[i] * static_cast<double>(m))), m - 1);
    ++r.bins[b].count;
    conf[b] += probability[i];
    hits[b] += outcome[i];
  }
  const double n = static_cast<double>(r.n);
  double ece = 0.0, ms = 0.0;
  for (std::size_t b = 0; b < m; ++b) {
    auto& bin = r.bins[b];
    bin.lower = static_cast<double>(b) / static_cast<double>(m);
    bin.upper = static_cast<double>(b + 1) / static_cast<double>(m);
    if (bin.count == 0) continue;
    const double c = static_cast<double>(bin.count);
    bin.mean_confidence = conf[b] / c;
    bin.accuracy = hits[b] / c;
    const double d = bin.accuracy - bin.mean_confidence;
    ece += c / n * std::fabs(d);
    ms += c / n * d * d;
  }
  r.ece = ece;
  r.rms_calibration_error = std::sqrt(ms);
  r.brier = brier_score(probability, outcome);
  return r;
}

/// ECE alone (see calibration).
inline double expected_calibration_error(const std::vector<double>& probability, const std::vector<double>& outcome,
                                         const CalibrationConfig& config = {}) {
  return calibration(probability, outcome, config).ece;
}

/// RMS calibration error alone (see calibration).
inline double rms_calibration_error(const std::vector<double>& probability, const std::vector<double>& outcome,
                                    const CalibrationConfig& config = {}) {
  return calibration(probability, outcome, config).rms_calibration_error;
}

namespace detail {
/// A path as a single-quoted shell word ('it''s' style escaping for the shell: ' -> '\'').
inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}
/// A string as a gnuplot single-quoted string ('' doubles a quote).
inline std::string gnuplot_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
  return q + "'";
}
}  // namespace detail

/// Files of a reliability plot and whether gnuplot rendered it.
struct ReliabilityPlot {
  std::filesystem::path data;    // <prefix>.dat: bin centre, accuracy, mean confidence, count, lower, upper
  std::filesystem::path script;  // <prefix>.gp: renders <prefix>.svg; runnable by hand
  std::filesystem::path image;   // <prefix>.svg
  bool rendered = false;         // false when gnuplot is absent or failed; the data and script stay
};

/// Writes the reliability diagram's data and a gnuplot script (both atomically), then runs
/// gnuplot if it is on PATH. gnuplot writes to a temporary name that is renamed onto
/// <prefix>.svg only on success, so a reader never sees a half-written image. Never throws
/// because gnuplot is missing or fails (see `rendered`); throws core::IoError if the data or
/// script cannot be written.
inline ReliabilityPlot write_reliability_plot(const std::filesystem::path& prefix, const CalibrationReport& report,
                                              const std::string& title = "Reliability diagram") {
  ReliabilityPlot p;
  p.data = prefix.string() + ".dat";
  p.script = prefix.string() + ".gp";
  p.image = prefix.string() + ".svg";
  std::ostringstream d;
  d.precision(17);
  d << "# bin_centre accuracy mean_confidence count lower upper (empty bins omitted)\n";
  for (const auto& b : report.bins)
    if (b.count > 0)
      d << (b.lower + b.upper) / 2.0 << ' ' << b.accuracy << ' ' << b.mean_confidence << ' ' << b.count << ' '
        << b.lower << ' ' << b.upper << '\n';
  core::write_file_atomic(p.data, d.str());
  std::ostringstream s;
  s.precision(6);
  const double width = 1.0 / static_cast<double>(report.config.bins);
  s << "# Reliability diagram written by genlab::measure::write_reliability_plot\n"
    << "if (!exists('outfile')) outfile = " << detail::gnuplot_quote(p.image.string()) << "\n"
    << "set terminal svg size 640,560 dynamic\n"
    << "set output outfile\n"
    << "set title " << detail::gnuplot_quote(title + "  (ECE " + std::to_string(report.ece) + ", Brier " +
                                             std::to_string(report.brier) + ", N " + std::to_string(report.n) + ")")
    << " noenhanced\n"
    << "set xlabel 'predicted probability'\nset ylabel 'observed frequency'\n"
    << "set xrange [0:1]\nset yrange [0:1]\nset size square\nset key top left\n"
    << "set style fill solid 0.35 border -1\nset boxwidth " << width << "\n"
    << "plot " << detail::gnuplot_quote(p.data.filename().string())
    << " using 1:2 with boxes title 'accuracy', \\\n     "
    << detail::gnuplot_quote(p.data.filename().string())
    << " using 3:2 with points pt 7 title 'mean confidence', \\\n     x with lines dt 2 title 'perfect calibration'\n";
  core::write_file_atomic(p.script, s.str());
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) return p;
  const std::string temp = p.image.string() + ".tmp";
  const std::filesystem::path folder = p.script.has_parent_path() ? p.script.parent_path() : std::filesystem::path(".");
  // Run from the script's folder so that the data file's bare name resolves.
  const std::string cmd = "cd " + detail::shell_quote(folder.string()) + " && gnuplot -e " +
                          detail::shell_quote("outfile=" + detail::gnuplot_quote(std::filesystem::absolute(temp).string())) +
                          " " + detail::shell_quote(p.script.filename().string()) + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) == 0) {
    std::error_code ec;
    std::filesystem::rename(temp, p.image, ec);
    p.rendered = !ec;
  }
  std::error_code ec;
  std::filesystem::remove(temp, ec);
  return p;
}

}  // namespace genlab::measure

#endif  // GENLAB_MEASURE_CALIBRATION_HPP
