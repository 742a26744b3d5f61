// Line plots: data and script always written; images rendered when gnuplot is present.
#include <catch2/catch.hpp>

#include <filesystem>

#include "genlab/core/io/gnuplot.hpp"

using namespace genlab::core;
namespace fs = std::filesystem;

TEST_CASE("line plots write data, a script, and images when gnuplot exists", "[io][plot]") {
  const fs::path dir = fs::temp_directory_path() / "genlab_plot_test";
  fs::remove_all(dir);
  LinePlot p;
  p.title = "it's a curve";
  p.xlabel = "step";
  p.ylabel = "accuracy";
  p.logx = true;
  p.series.push_back({"train", {1, 10, 100}, {0.1, 0.9, 1.0}, "lines"});
  p.series.push_back({"test_set", {1, 10, 100}, {0.0, 0.1, 1.0}, "linespoints"});
  const bool rendered = write_line_plot(dir / "curve", p);
  CHECK(fs::exists(dir / "curve.dat"));
  CHECK(fs::exists(dir / "curve.gp"));
  const std::string dat = read_file(dir / "curve.dat");
  CHECK(dat.find("# test_set\n1 0\n10 0.1\n100 1\n") != std::string::npos);
  CHECK(read_file(dir / "curve.gp").find(" noenhanced ") != std::string::npos);  // '_' is not a subscript
  CHECK(rendered == gnuplot_available());
  if (rendered) {
    CHECK(fs::file_size(dir / "curve.png") > 1000);
    CHECK(read_file(dir / "curve.svg").find("<svg") != std::string::npos);
    CHECK(read_file(dir / "curve.svg").find(">test_set<") != std::string::npos);  // the name as written
  }
  for (auto& e : fs::directory_iterator(dir)) CHECK(e.path().string().find(".tmp") == std::string::npos);
  p.series[0].y.pop_back();
  CHECK_THROWS_WITH(write_line_plot(dir / "bad", p), Catch::Contains("'series[0].y.size()' = 2"));
}
