#ifndef GENLAB_CORE_ERROR_HPP
#define GENLAB_CORE_ERROR_HPP
// Errors. genlab reports bad input with standard exceptions whose message names the function,
// the parameter, the value it got and what was expected:
//
//   genlab::splits::sort_task: parameter 'max_length' = 0; expected >= 1
//
// Malformed files throw genlab::core::FileFormatError (a std::runtime_error) with the file name
// and what is wrong at which byte: "fashion.idx: truncated at byte 16: header needs 16 bytes".

#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace genlab::core {

/// A file whose contents do not follow its format (bad magic, truncated, inconsistent sizes).
class FileFormatError : public std::runtime_error {
 public:
  FileFormatError(std::string file, std::string what_is_wrong)
      : std::runtime_error(file + ": " + what_is_wrong), file_(std::move(file)) {}
  const std::string& file() const noexcept { return file_; }

 private:
  std::string file_;
};

/// An I/O failure that is not about the format (cannot open, cannot write, rename failed).
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

template <class T>
std::string describe(const T& value) {
  std::ostringstream os;
  if constexpr (std::is_same_v<T, bool>) {
    os << (value ? "true" : "false");
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    os << '"' << std::string_view(value) << '"';
  } else if constexpr (std::is_same_v<T, char> || std::is_same_v<T, signed char> ||
                       std::is_same_v<T, unsigned char>) {
    os << static_cast<int>(value);
  } else {
    os.precision(17);
    os << value;
  }
  return os.str();
}

template <class T>
std::string argument_message(std::string_view where, std::string_view param, const T& value,
                             std::string_view expected) {
  std::string msg;
  msg.reserve(64 + where.size() + param.size() + expected.size());
  msg.append(where).append(": parameter '").append(param).append("' = ").append(describe(value));
  msg.append("; expected ").append(expected);
  return msg;
}

}  // namespace detail

/// Throws std::invalid_argument naming `where`, `param`, its `value` and what was `expected`.
template <class T>
[[noreturn]] void throw_invalid_argument(std::string_view where, std::string_view param,
                                         const T& value, std::string_view expected) {
  throw std::invalid_argument(detail::argument_message(where, param, value, expected));
}

/// Throws std::invalid_argument unless `ok`; the message is built only on failure.
template <class T>
void require(bool ok, std::string_view where, std::string_view param, const T& value,
             std::string_view expected) {
  if (!ok) throw_invalid_argument(where, param, value, expected);
}

/// Throws std::domain_error (a value outside the mathematical domain) unless `ok`.
template <class T>
void require_domain(bool ok, std::string_view where, std::string_view param, const T& value,
                    std::string_view expected) {
  if (!ok) throw std::domain_error(detail::argument_message(where, param, value, expected));
}

}  // namespace genlab::core

#endif  // GENLAB_CORE_ERROR_HPP
