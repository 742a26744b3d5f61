#ifndef GENLAB_NOTEBOOK_HPP
#define GENLAB_NOTEBOOK_HPP
// Notebook support: what differs between xeus-cling, xeus-cpp and a plain clang-repl session.
//
//   #pragma cling add_include_path("../include")   // cell 1 of every genlab notebook
//   #include <genlab/notebook.hpp>
//   genlab::notebook::show_image("results/curve.png");
//
// Under xeus (xcpp/xdisplay.hpp available: xeus-cling, xeus-cpp, genlab's own kernel in kernel/)
// show_image displays the image inline through xcpp::display; elsewhere it prints
// "[genlab:image/png] <path>", which tools/run_notebook.py turns into an image output when it
// stores a notebook's outputs. show_table displays a result table (an Eigen matrix through
// matrix_table, an xtensor array through array_table) as an HTML table with its plain-text form
// beside it, and prints that text elsewhere: a pinned cell's text is the same under every engine
// (tools/notebook_check.py).

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(__CLING__)
// Runtime libraries genlab's headers call into, loaded by the interpreter itself.
#pragma cling load("libz")
#endif

#if defined(__has_include)
#if __has_include(<xcpp/xdisplay.hpp>) && __has_include(<nlohmann/json.hpp>)
#include <nlohmann/json.hpp>
#include <xcpp/xdisplay.hpp>
#define GENLAB_NOTEBOOK_XEUS 1
#endif
#endif

namespace genlab::notebook {

/// Which engine runs this code: "xeus", "cling", "clang-repl" or "compiled".
inline const char* engine() {
#if defined(GENLAB_NOTEBOOK_XEUS)
  return "xeus";
#elif defined(__CLING__)
  return "cling";
#elif defined(__CLANG_REPL__)
  return "clang-repl";
#else
  return "compiled";
#endif
}

#if defined(GENLAB_NOTEBOOK_XEUS)
namespace detail {
struct ImageFile {
  std::string mime, path;
};
inline nlohmann::json mime_bundle_repr(const ImageFile& im) {
  std::ifstream in(im.path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  static const char* b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += b64[(v >> 18) & 63], out += b64[(v >> 12) & 63], out += b64[(v >> 6) & 63], out += b64[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += b64[(v >> 18) & 63], out += b64[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? b64[(v >> 6) & 63] : '=';
    out += '=';
  }
  nlohmann::json bundle;
  bundle[im.mime] = im.mime == "image/svg+xml" ? bytes : out;
  return bundle;
}
}  // namespace detail
#endif

/// A result table: column names and rows of already formatted cells (rows may be shorter).
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

/// The table as plain text: columns right-aligned to their widest cell, two spaces apart, a line
/// per row after the header line. O(cells).
inline std::string to_text(const Table& t) {
  std::vector<std::size_t> width(t.columns.size(), 0);
  for (std::size_t j = 0; j < t.columns.size(); ++j) width[j] = t.columns[j].size();
  for (const auto& row : t.rows)
    for (std::size_t j = 0; j < row.size() && j < width.size(); ++j) width[j] = std::max(width[j], row[j].size());
  std::ostringstream out;
  const auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t j = 0; j < width.size(); ++j)
      out << (j ? "  " : "") << std::setw(static_cast<int>(width[j])) << (j < cells.size() ? cells[j] : "");
    out << "\n";
  };
  line(t.columns);
  for (const auto& row : t.rows) line(row);
  return out.str();
}

/// The table as an HTML <table> (header row in <thead>; &, <, > escaped). O(cells).
inline std::string to_html(const Table& t) {
  const auto esc = [](const std::string& s) {
    std::string r;
    for (char c : s) r += c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : std::string(1, c);
    return r;
  };
  std::string html = "<table>\n<thead><tr>";
  for (const auto& c : t.columns) html += "<th>" + esc(c) + "</th>";
  html += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    html += "<tr>";
    for (std::size_t j = 0; j < t.columns.size(); ++j) html += "<td>" + (j < row.size() ? esc(row[j]) : "") + "</td>";
    html += "</tr>\n";
  }
  return html + "</tbody>\n</table>";
}

/// A matrix as a table: anything with rows(), cols() and m(i, j) (Eigen's dense types). Columns
/// are named 0..cols-1, each row starts with its index; values printed with `precision`
/// significant digits.
template <class Matrix>
Table matrix_table(const Matrix& m, int precision = 6) {
  Table t;
  t.columns.push_back("");
  for (long j = 0; j < static_cast<long>(m.cols()); ++j) t.columns.push_back(std::to_string(j));
  for (long i = 0; i < static_cast<long>(m.rows()); ++i) {
    std::vector<std::string> row{std::to_string(i)};
    for (long j = 0; j < static_cast<long>(m.cols()); ++j) {
      std::ostringstream v;
      v << std::setprecision(precision) << m(i, j);
      row.push_back(v.str());
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

/// A 1-D or 2-D N-d array as a table: anything with dimension(), shape() and a(i) / a(i, j)
/// (xtensor's arrays and views, genlab::core's N-d arrays). A 2-D array is shown like
/// matrix_table; a 1-D one as one column "value" with its index. Throws std::invalid_argument for
/// other ranks.
template <class Array>
Table array_table(const Array& a, int precision = 6) {
  const auto cell = [precision](double v) {
    std::ostringstream s;
    s << std::setprecision(precision) << v;
    return s.str();
  };
  Table t;
  if (a.dimension() == 1) {
    t.columns = {"", "value"};
    for (std::size_t i = 0; i < a.shape()[0]; ++i) t.rows.push_back({std::to_string(i), cell(a(i))});
    return t;
  }
  if (a.dimension() != 2)
    throw std::invalid_argument("genlab::notebook::array_table: a 1-D or 2-D array, not " +
                                std::to_string(a.dimension()) + "-D");
  t.columns.push_back("");
  for (std::size_t j = 0; j < a.shape()[1]; ++j) t.columns.push_back(std::to_string(j));
  for (std::size_t i = 0; i < a.shape()[0]; ++i) {
    std::vector<std::string> row{std::to_string(i)};
    for (std::size_t j = 0; j < a.shape()[1]; ++j) row.push_back(cell(a(i, j)));
    t.rows.push_back(std::move(row));
  }
  return t;
}

#if defined(GENLAB_NOTEBOOK_XEUS)
/// MIME bundle of a table (found by xcpp::display through ADL): HTML, and the text for consoles.
inline nlohmann::json mime_bundle_repr(const Table& t) {
  nlohmann::json bundle;
  bundle["text/html"] = to_html(t);
  bundle["text/plain"] = to_text(t);
  return bundle;
}
#endif

/// Shows a result table: inline as HTML under xeus, as aligned text on stdout elsewhere.
inline void show_table(const Table& t) {
#if defined(GENLAB_NOTEBOOK_XEUS)
  xcpp::display(t);
#else
  std::cout << to_text(t) << std::flush;
#endif
}

/// Shows a PNG or SVG image inline (xeus) or announces it for the runner (elsewhere).
inline void show_image(const std::string& path) {
  const bool svg = std::filesystem::path(path).extension() == ".svg";
  if (!std::filesystem::exists(path)) {
    std::cout << "(image " << path << " was not produced: is gnuplot installed?)\n";
    return;
  }
#if defined(GENLAB_NOTEBOOK_XEUS)
  xcpp::display(detail::ImageFile{svg ? "image/svg+xml" : "image/png", path});
#else
  std::cout << "[genlab:image/" << (svg ? "svg+xml" : "png") << "] " << path << std::endl;
#endif
}

}  // namespace genlab::notebook

#endif  // GENLAB_NOTEBOOK_HPP
