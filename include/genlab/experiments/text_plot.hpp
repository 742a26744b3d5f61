#ifndef GENLAB_EXPERIMENTS_TEXT_PLOT_HPP
#define GENLAB_EXPERIMENTS_TEXT_PLOT_HPP
// A curve in the terminal: series of (x, y in [0, 1]) drawn on a character grid with a
// logarithmic x axis, so a run's accuracy curves can be read where no image viewer is at hand.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace genlab::experiments {

struct TextSeries {
  char mark;
  std::string name;
  std::vector<double> x, y;  // x > 0, y in [0, 1]
};

/// Renders the series on a width × height grid (x log-scaled), with axis labels; later series
/// overwrite earlier ones where they meet.
inline std::string text_plot(const std::vector<TextSeries>& series, int width = 64, int height = 12,
                             const std::string& ylabel = "accuracy") {
  double xmin = 1e300, xmax = 0;
  for (const auto& s : series)
    for (double x : s.x)
      if (x > 0) xmin = std::min(xmin, x), xmax = std::max(xmax, x);
  if (xmax <= 0 || width < 8 || height < 3) return "(no data)\n";
  if (xmax == xmin) xmax = xmin * 10;
  std::vector<std::string> grid(static_cast<std::size_t>(height), std::string(static_cast<std::size_t>(width), ' '));
  const double lx0 = std::log10(xmin), lx1 = std::log10(xmax);
  for (const auto& s : series)
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (s.x[i] <= 0 || !std::isfinite(s.y[i])) continue;
      const int c = static_cast<int>(std::lround((std::log10(s.x[i]) - lx0) / (lx1 - lx0) * (width - 1)));
      const double y = std::clamp(s.y[i], 0.0, 1.0);
      const int r = height - 1 - static_cast<int>(std::lround(y * (height - 1)));
      grid[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)] = s.mark;
    }
  std::string out;
  char buf[64];
  for (int r = 0; r < height; ++r) {
    const double y = 1.0 - static_cast<double>(r) / (height - 1);
    std::snprintf(buf, sizeof buf, "%5.2f |", y);
    out += (r == 0 || r == height - 1 || r == (height - 1) / 2) ? std::string(buf) : std::string("      |");
    out += grid[static_cast<std::size_t>(r)] + "\n";
  }
  out += "      +" + std::string(static_cast<std::size_t>(width), '-') + "\n";
  std::snprintf(buf, sizeof buf, "       %-10.0f", xmin);
  std::string axis = buf;
  std::snprintf(buf, sizeof buf, "%.0f (log scale)", xmax);
  const std::string right = buf;
  axis += std::string(static_cast<std::size_t>(std::max(1, width + 7 - static_cast<int>(axis.size()) - static_cast<int>(right.size()))), ' ') + right;
  out += axis + "\n       " + ylabel + ":";
  for (const auto& s : series) out += std::string("  ") + s.mark + " " + s.name;
  return out + "\n";
}

}  // namespace genlab::experiments

#endif  // GENLAB_EXPERIMENTS_TEXT_PLOT_HPP
