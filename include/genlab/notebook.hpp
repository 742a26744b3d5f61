#ifndef GENLAB_NOTEBOOK_HPP
#define GENLAB_NOTEBOOK_HPP
// Notebook support: what differs between xeus-cling, xeus-cpp and a plain clang-repl session.
//
//   #pragma cling add_include_path("../include")   // cell 1 of every genlab notebook
//   #include <genlab/notebook.hpp>
//   genlab::notebook::show_image("results/curve.png");
//
// Under xeus (xcpp/xdisplay.hpp available) show_image displays the image inline through
// xcpp::display; elsewhere it prints "[genlab:image/png] <path>", which tools/run_notebook.py
// turns into an image output when it stores a notebook's outputs.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

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
