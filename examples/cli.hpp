#ifndef GENLAB_EXAMPLES_CLI_HPP
#define GENLAB_EXAMPLES_CLI_HPP
// Command-line helpers shared by the example programs (programs, not library API).
//
// Every program follows the same order, so that nothing is written for a bad invocation:
//   1. parse argv with CLI11: typed, range-checked options (the validators below);
//   2. build the library config from the preset and the options and call its validate();
//   3. only then create output folders and run.
// Exit codes: 0 success (and --help), 2 usage error (the message names the option, the value
// and what was expected), 1 runtime error (message on stderr).
//
// CLI11's own integer conversion is too lenient for this (strtoull with base 0: "-1" becomes
// 2^64 - 1, "010" is octal, overflow saturates) and its Range lets NaN through, so the numeric
// validators here parse the text themselves and rewrite it in canonical form before CLI11
// converts it.

#include <CLI/CLI.hpp>

#include "genlab/core/blas.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace genlab_examples::cli {

/// A usage error found after parsing (a bad combination of options): exit code 2.
class UsageError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

namespace detail {

template <class T>
std::string range_text(T lo, T hi) {
  const bool no_lo = lo == std::numeric_limits<T>::min(), no_hi = hi == std::numeric_limits<T>::max();
  if (no_lo && no_hi) return std::is_signed_v<T> ? "an integer" : "a non-negative integer";
  if (no_hi) return "an integer >= " + std::to_string(lo);
  if (no_lo && std::is_signed_v<T>) return "an integer <= " + std::to_string(hi);
  return "an integer in " + std::to_string(lo) + ".." + std::to_string(hi);
}

/// Strict decimal parse of a whole string; an error message or "".
template <class T>
std::string parse_integer(const std::string& s, T lo, T hi, T& v) {
  const std::string expected = range_text(lo, hi);
  const char* b = s.data();
  const char* e = b + s.size();
  const auto [p, ec] = std::from_chars(b, e, v, 10);
  if (ec == std::errc::result_out_of_range && p == e) return "value '" + s + "' is out of range; expected " + expected;
  if (s.empty() || ec != std::errc() || p != e) return "value '" + s + "' is not " + (std::is_signed_v<T> ? "an integer" : "a non-negative integer") + "; expected " + expected;
  if (v < lo || v > hi) return "value '" + s + "' is out of range; expected " + expected;
  return "";
}

inline std::string real_text(double lo, double hi, bool lo_open, bool hi_open) {
  const auto num = [](double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return std::string(buf);
  };
  const bool no_lo = lo == -std::numeric_limits<double>::max(), no_hi = hi == std::numeric_limits<double>::max();
  if (no_lo && no_hi) return "a finite number";
  if (no_hi) return std::string("a finite number ") + (lo_open ? "> " : ">= ") + num(lo);
  if (no_lo) return std::string("a finite number ") + (hi_open ? "< " : "<= ") + num(hi);
  return "a number in " + std::string(lo_open ? "(" : "[") + num(lo) + ", " + num(hi) + (hi_open ? ")" : "]");
}

}  // namespace detail

/// A decimal integer of type T in [lo, hi]. Rejects "abc", "1e3", "3abc", "", " 5", "+5", hex and
/// octal spellings, a minus sign for unsigned T, and anything outside [lo, hi] or T's range.
template <class T>
CLI::Validator integer(T lo = std::numeric_limits<T>::min(), T hi = std::numeric_limits<T>::max()) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>, "integer<T>: T must be an integer type");
  return CLI::Validator(
      [lo, hi](std::string& s) -> std::string {
        T v{};
        std::string err = detail::parse_integer(s, lo, hi, v);
        if (err.empty()) s = std::to_string(v);  // canonical: CLI11 converts with base 0 ("010" would be octal)
        return err;
      },
      detail::range_text(lo, hi), "integer");
}

/// A finite real number in [lo, hi] (either end open on request). Rejects nan, inf, "", trailing
/// text, and values outside the range.
inline CLI::Validator real(double lo = -std::numeric_limits<double>::max(),
                           double hi = std::numeric_limits<double>::max(), bool lo_open = false, bool hi_open = false) {
  const std::string expected = detail::real_text(lo, hi, lo_open, hi_open);
  return CLI::Validator(
      [=](std::string& s) -> std::string {
        const char* b = s.c_str();
        char* end = nullptr;
        const double v = s.empty() || std::isspace(static_cast<unsigned char>(s[0])) ? 0.0 : std::strtod(b, &end);
        if (s.empty() || end != b + s.size() || std::isspace(static_cast<unsigned char>(s[0])))
          return "value '" + s + "' is not a number; expected " + expected;
        if (!std::isfinite(v)) return "value '" + s + "' is not finite; expected " + expected;
        if (v < lo || v > hi || (lo_open && v == lo) || (hi_open && v == hi))
          return "value '" + s + "' is out of range; expected " + expected;
        // Canonical text that converts back to exactly v (CLI11 converts through long double).
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", v);
        s = buf;
        return "";
      },
      expected, "real");
}

/// A number as --help shows it: integers in full, reals with %g.
template <class T>
std::string text(T v) {
  if constexpr (std::is_integral_v<T>) {
    return std::to_string(v);
  } else {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", static_cast<double>(v));
    return buf;
  }
}

/// One of `choices` (exact, case-sensitive).
inline CLI::Validator one_of(std::vector<std::string> choices) {
  std::string list;
  for (std::size_t i = 0; i < choices.size(); ++i) list += (i ? (i + 1 == choices.size() ? " or " : ", ") : "") + choices[i];
  return CLI::Validator(
      [choices, list](std::string& s) -> std::string {
        for (const auto& c : choices)
          if (s == c) return "";
        return "value '" + s + "' is not allowed; expected " + list;
      },
      "one of " + list, "one_of");
}

/// A path to a folder to be written: non-empty, and not an existing file that is not a folder.
inline CLI::Validator output_dir() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (s.empty()) return "value '' is empty; expected a folder path";
        std::error_code ec;
        if (std::filesystem::exists(s, ec) && !std::filesystem::is_directory(s, ec))
          return "value '" + s + "' is an existing file, not a folder; expected a folder path";
        return "";
      },
      "a folder (created if missing)", "output_dir");
}

/// A path to a file to be written: non-empty, and not an existing folder.
inline CLI::Validator output_file() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (s.empty()) return "value '' is empty; expected a file path";
        std::error_code ec;
        if (std::filesystem::is_directory(s, ec)) return "value '" + s + "' is a folder; expected a file path";
        return "";
      },
      "a file path", "output_file");
}

/// An existing folder to read from.
inline CLI::Validator input_dir() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        if (s.empty()) return "value '' is empty; expected an existing folder";
        std::error_code ec;
        if (!std::filesystem::is_directory(s, ec)) return "value '" + s + "' is not an existing folder";
        return "";
      },
      "an existing folder", "input_dir");
}

/// Splits "a,b,c" at commas; every item must be non-empty (an error message names the item).
inline std::vector<std::string> split_list(const std::string& s, const std::string& what) {
  std::vector<std::string> out;
  if (s.empty()) throw UsageError("value '' is an empty list; expected " + what);
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = s.find(',', start);
    const std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.empty()) throw UsageError("value '" + s + "' has an empty item; expected " + what);
    out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

/// Parses a comma list of distinct decimal integers in [lo, hi], e.g. "0,1,2"; throws UsageError.
template <class T>
std::vector<T> parse_integer_list(const std::string& s, T lo = std::numeric_limits<T>::min(),
                                  T hi = std::numeric_limits<T>::max()) {
  const std::string what = "a comma-separated list of distinct values, each " + detail::range_text(lo, hi);
  std::vector<T> out;
  for (const auto& item : split_list(s, what)) {
    T v{};
    const std::string err = detail::parse_integer(item, lo, hi, v);
    if (!err.empty()) throw UsageError("list '" + s + "': " + err);
    for (T w : out)
      if (w == v) throw UsageError("list '" + s + "': value " + item + " appears twice; expected " + what);
    out.push_back(v);
  }
  return out;
}

/// A validator from a function that throws UsageError (or std::invalid_argument) on bad input.
template <class F>
CLI::Validator checked_by(F parse, std::string description, std::string name) {
  return CLI::Validator(
      [parse](std::string& s) -> std::string {
        try {
          parse(s);
        } catch (const std::invalid_argument& e) {
          return e.what();
        }
        return "";
      },
      std::move(description), std::move(name));
}

/// The validator of a comma list of distinct integers in [lo, hi].
template <class T>
CLI::Validator integer_list(T lo = std::numeric_limits<T>::min(), T hi = std::numeric_limits<T>::max()) {
  return checked_by([lo, hi](const std::string& s) { parse_integer_list<T>(s, lo, hi); },
                    "comma-separated, each " + detail::range_text(lo, hi), "integer_list");
}

/// --help lines as "--steps INT   number of updates [an integer >= 1; default: 2000]": the range
/// (from the option's validators) and the default follow each description.
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_option_opts(const CLI::Option* opt) const override {
    std::string s;
    if (opt->get_type_size() != 0) {
      const std::string t = opt->get_type_name();
      s = " " + t.substr(0, t.find(':'));
    }
    for (const CLI::Option* other : opt->get_excludes()) s += " (not with " + other->get_name() + ")";
    return s;
  }
  std::string make_option_desc(const CLI::Option* opt) const override {
    std::string extra;
    if (opt->get_type_size() != 0) {
      const std::string t = opt->get_type_name();
      for (std::size_t colon = t.find(':'); colon != std::string::npos;) {
        const std::size_t next = t.find(':', colon + 1);
        extra += (extra.empty() ? "" : "; ") + t.substr(colon + 1, next == std::string::npos ? next : next - colon - 1);
        colon = next;
      }
      if (!opt->get_default_str().empty()) extra += (extra.empty() ? "" : "; ") + ("default: " + opt->get_default_str());
    }
    return opt->get_description() + (extra.empty() ? "" : " [" + extra + "]");
  }
};

/// An App with the settings every example shares: the last of repeated options wins (as the
/// hand-written parsers did); ranges and defaults shown in --help.
inline void configure(CLI::App& app) {
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)->always_capture_default();
  auto f = std::make_shared<HelpFormatter>();
  f->column_width(26);
  app.formatter(f);
}

/// Parses argv. Returns -1 to go on, or the exit code: 0 after --help, 2 after a usage error
/// (printed as "<program>: error: <option>: <what was wrong>").
/// With report = false nothing is printed (the other ranks of an MPI program).
inline int parse(CLI::App& app, int argc, const char* const* argv, bool report = true) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return report ? app.exit(e) : 0;
    if (report)
      std::fprintf(stderr, "%s: error: %s\nRun with --help for more information.\n", app.get_name().c_str(), e.what());
    return 2;
  }
  if (report && genlab::core::blas_kernels_below_cpu())
    std::fprintf(stderr,
                 "%s: warning: OpenBLAS runs its generic Prescott kernels on this AVX2 CPU (slower than Eigen's "
                 "own); set OPENBLAS_CORETYPE (e.g. SkylakeX or Haswell) or source tools/openblas_env.sh\n",
                 app.get_name().c_str());
  return -1;
}

/// A config's validate() failure as a usage error: the library names its parameter; `options`
/// maps parameter names to the options that set them, which are added to the message.
inline int config_error(const CLI::App& app, const std::exception& e,
                        std::initializer_list<std::pair<const char*, const char*>> options = {}) {
  std::string msg = e.what(), set_by;
  for (const auto& [param, option] : options)
    if (msg.find(std::string("parameter '") + param + "'") != std::string::npos)
      set_by += std::string(set_by.empty() ? "" : ", ") + option;
  if (!set_by.empty()) msg += " (set by " + set_by + ")";
  std::fprintf(stderr, "%s: error: invalid options: %s\nRun with --help for more information.\n",
               app.get_name().c_str(), msg.c_str());
  return 2;
}

}  // namespace genlab_examples::cli

#endif  // GENLAB_EXAMPLES_CLI_HPP
