#ifndef GENLAB_CORE_IO_GNUPLOT_HPP
#define GENLAB_CORE_IO_GNUPLOT_HPP
// Line plots through gnuplot (Debian gnuplot-nox): the data and a .gp script are always written
// (atomically), so a plot can be remade or restyled by hand; PNG (pngcairo) and SVG are rendered
// when gnuplot is on the PATH. Nothing here fails because gnuplot is missing.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/io/atomic_file.hpp"

namespace genlab::core {

struct PlotSeries {
  std::string name;
  std::vector<double> x, y;
  std::string style = "lines";  // gnuplot "with" clause: lines, linespoints, points
};

struct LinePlot {
  std::string title, xlabel, ylabel;
  bool logx = false, logy = false;
  double ymin = 0, ymax = 0;  // equal: autoscale
  int width = 900, height = 540;
  std::vector<PlotSeries> series;
};

/// True if a `gnuplot` executable is on the PATH.
inline bool gnuplot_available() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

namespace detail {
inline std::string gnuplot_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}
}  // namespace detail

/// Writes <stem>.dat and <stem>.gp, and renders <stem>.png and <stem>.svg if gnuplot is present.
/// Returns true if the images were rendered. Throws std::invalid_argument if a series has x and y
/// of different lengths or the plot has no series.
inline bool write_line_plot(const std::filesystem::path& stem, const LinePlot& plot) {
  require(!plot.series.empty(), "genlab::core::write_line_plot", "plot.series.size()", 0, ">= 1 series");
  std::ostringstream dat;
  dat.precision(10);
  for (std::size_t s = 0; s < plot.series.size(); ++s) {
    const auto& ser = plot.series[s];
    require(ser.x.size() == ser.y.size(), "genlab::core::write_line_plot", "series[" + std::to_string(s) + "].y.size()",
            ser.y.size(), "x.size() = " + std::to_string(ser.x.size()));
    dat << "# " << ser.name << "\n";
    for (std::size_t i = 0; i < ser.x.size(); ++i) dat << ser.x[i] << ' ' << ser.y[i] << '\n';
    dat << "\n\n";  // gnuplot data-set separator (index s)
  }
  const auto dat_path = std::filesystem::path(stem.string() + ".dat");
  write_file_atomic(dat_path, dat.str());

  auto script = [&](const std::string& terminal, const std::string& out) {
    std::ostringstream gp;
    // noenhanced: names such as "log_n" print as written, not with a subscript.
    gp << "set terminal " << terminal << " noenhanced size " << plot.width << "," << plot.height << "\n";
    gp << "set output " << detail::gnuplot_quote(out) << "\n";
    gp << "set title " << detail::gnuplot_quote(plot.title) << "\n";
    gp << "set xlabel " << detail::gnuplot_quote(plot.xlabel) << "\nset ylabel " << detail::gnuplot_quote(plot.ylabel) << "\n";
    gp << "set grid\nset key outside right\n";
    if (plot.logx) gp << "set logscale x\nset format x \"%g\"\n";
    if (plot.logy) gp << "set logscale y\nset format y \"%g\"\n";
    if (plot.ymin != plot.ymax) gp << "set yrange [" << plot.ymin << ":" << plot.ymax << "]\n";
    gp << "plot ";
    for (std::size_t s = 0; s < plot.series.size(); ++s)
      gp << (s ? ", \\\n     " : "") << detail::gnuplot_quote(dat_path.filename().string()) << " index " << s
         << " using 1:2 with " << plot.series[s].style << " lw 2 title " << detail::gnuplot_quote(plot.series[s].name);
    gp << "\n";
    return gp.str();
  };
  const std::string name = stem.filename().string();
  write_file_atomic(stem.string() + ".gp", script("pngcairo", name + ".png"));
  if (!gnuplot_available()) return false;
  const std::filesystem::path dir = stem.has_parent_path() ? stem.parent_path() : std::filesystem::path(".");
  bool ok = true;
  for (const auto& [terminal, ext] : {std::pair<std::string, std::string>{"pngcairo", ".png"}, {"svg", ".svg"}}) {
    // Render to a temporary name, then rename: a half-written image never appears.
    const std::string tmp = name + ext + ".tmp";
    write_file_atomic(dir / (name + ext + ".gp"), script(terminal, tmp));
    const std::string cmd = "cd " + detail::gnuplot_quote(dir.string()) + " && gnuplot " +
                            detail::gnuplot_quote(name + ext + ".gp") + " 2>/dev/null";
    std::error_code ec;
    if (std::system(cmd.c_str()) == 0 && std::filesystem::exists(dir / tmp)) {
      std::filesystem::rename(dir / tmp, dir / (name + ext), ec);
      ok = ok && !ec;
    } else {
      ok = false;
    }
    std::filesystem::remove(dir / (name + ext + ".gp"), ec);
  }
  return ok;
}

}  // namespace genlab::core

#endif  // GENLAB_CORE_IO_GNUPLOT_HPP
