// ECE / RMS / Brier (as in Kadavath et al., "Language Models (Mostly) Know What They Know", arXiv
// 2207.05221) on a worked example, binning rules,
// bad input, and the reliability plot files (gnuplot optional).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "genlab/core/io/json.hpp"
#include "genlab/measure/calibration.hpp"

using namespace genlab::measure;

namespace {
const std::vector<double> kP{.95, .85, .75, .65, .55, .45, .35, .25, .15, .05};
const std::vector<double> kY{1, 1, 0, 1, 0, 1, 0, 0, 0, 0};
}  // namespace

TEST_CASE("ECE and Brier on the spec's example", "[calibration]") {
  const auto r = calibration(kP, kY);
  CHECK(r.ece == Approx(0.32).epsilon(1e-12));
  CHECK(r.brier == Approx(0.1525).epsilon(1e-12));
  // One prediction per bin, so RMS CE = sqrt(mean (y − p)²) = sqrt(Brier).
  CHECK(r.rms_calibration_error == Approx(std::sqrt(0.1525)).epsilon(1e-12));
  REQUIRE(r.bins.size() == 10);
  for (const auto& b : r.bins) CHECK(b.count == 1);
  CHECK(r.bins[9].mean_confidence == Approx(0.95));
  CHECK(r.bins[9].accuracy == 1.0);
  CHECK(brier_score(kP, kY) == Approx(0.1525));
  CHECK(expected_calibration_error(kP, kY) == Approx(0.32));
}

TEST_CASE("Calibration binning: p = 1 in the top bin, empty bins are finite placeholders", "[calibration]") {
  CalibrationConfig cfg;
  cfg.bins = 4;
  const auto r = calibration({1.0, 1.0, 0.0, 0.1}, {1, 0, 0, 0}, cfg);
  CHECK(r.bins[3].count == 2);
  CHECK(r.bins[0].count == 2);
  CHECK(r.bins[1].count == 0);
  CHECK(r.bins[1].accuracy == 0.0);
  CHECK(r.bins[1].mean_confidence == 0.0);
  // bin 0: conf 0.05 acc 0 ; bin 3: conf 1 acc 0.5 -> ECE = 0.5*0.05 + 0.5*0.5
  CHECK(r.ece == Approx(0.275));
  CHECK(r.rms_calibration_error == Approx(std::sqrt(0.5 * 0.0025 + 0.5 * 0.25)));
  // A perfectly calibrated bin contributes nothing.
  CHECK(calibration({0.5, 0.5}, {1, 0}).ece == Approx(0.0).margin(1e-15));
}

TEST_CASE("Calibration rejects bad input", "[calibration][errors]") {
  CHECK_THROWS_WITH(calibration({0.5, 1.2}, {1, 0}), Catch::Contains("probability[1]") && Catch::Contains("[0, 1]"));
  CHECK_THROWS_WITH(calibration({0.5, -0.1}, {1, 0}), Catch::Contains("probability[1]"));
  CHECK_THROWS_AS(calibration({0.5, NAN}, {1, 0}), std::invalid_argument);
  CHECK_THROWS_WITH(brier_score({0.5, 0.5}, {1}), Catch::Contains("outcome.size()"));
  CHECK_THROWS_WITH(calibration({0.5}, {0.5}), Catch::Contains("0 or 1"));
  CHECK_THROWS_AS(calibration({}, {}), std::invalid_argument);
  CalibrationConfig cfg;
  cfg.bins = 0;
  CHECK_THROWS_WITH(calibration(kP, kY, cfg), Catch::Contains("bins"));
}

TEST_CASE("Reliability plot: data and script always, image when gnuplot is there", "[calibration][plot]") {
  const auto dir = std::filesystem::temp_directory_path() / "genlab_measure_plot_test";
  std::filesystem::remove_all(dir);
  const auto r = calibration(kP, kY);
  const auto plot = write_reliability_plot(dir / "it's reliability", r, "spec example");
  REQUIRE(std::filesystem::exists(plot.data));
  REQUIRE(std::filesystem::exists(plot.script));
  std::ifstream in(plot.data);
  std::string header, line;
  std::getline(in, header);
  std::size_t rows = 0;
  while (std::getline(in, line)) ++rows;
  CHECK(rows == 10);
  if (plot.rendered) {
    CHECK(std::filesystem::exists(plot.image));
    CHECK(std::filesystem::file_size(plot.image) > 100);
  } else {
    WARN("gnuplot absent or failed; only the data and script were written");
  }
  for (const auto& e : std::filesystem::directory_iterator(dir))
    CHECK(e.path().string().find(".tmp") == std::string::npos);  // no temporaries left behind
  std::filesystem::remove_all(dir);
}

TEST_CASE("Calibration JSON: bins and config through nlohmann's macros, keys as before", "[calibration][json]") {
  const auto r = calibration(kP, kY);
  const genlab::core::Json j = r.to_json();
  CHECK(j["bins"] == 10);
  CHECK(j["n"] == 10);
  REQUIRE(j["reliability"].size() == 10);
  CHECK(j["reliability"][9] == genlab::core::Json{{"lower", r.bins[9].lower}, {"upper", r.bins[9].upper}, {"count", 1},
                                                  {"mean_confidence", r.bins[9].mean_confidence},
                                                  {"accuracy", r.bins[9].accuracy}});
  CHECK(genlab::core::Json{{"bins", 4}}.get<CalibrationConfig>().bins == 4);
  CHECK(genlab::core::Json::object().get<CalibrationConfig>().bins == 10);
}
