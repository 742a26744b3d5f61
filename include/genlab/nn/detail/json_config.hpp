#ifndef GENLAB_NN_DETAIL_JSON_CONFIG_HPP
#define GENLAB_NN_DETAIL_JSON_CONFIG_HPP
// Checks that go with nlohmann's serialization macros. NLOHMANN_JSON_SERIALIZE_ENUM maps an
// unknown string to the first enumerator and NLOHMANN_DEFINE_TYPE_..._WITH_DEFAULT throws bare
// type errors without the key, so config readers check the JSON first and name the bad key.

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "genlab/core/io/json.hpp"

namespace genlab::nn::detail {

/// The names of an enum serialized with NLOHMANN_JSON_SERIALIZE_ENUM whose enumerators are
/// 0, 1, ..., N-1 (all of nn's are): the macro maps a value outside its table to the first name,
/// so the list ends where a name repeats the first. Built once, from the macro's table.
template <class E>
const std::vector<std::string>& enum_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (int i = 0; i < 256; ++i) {
      const core::Json j = static_cast<E>(i);
      const std::string s = j.template get<std::string>();
      if (i > 0 && s == out.front()) break;
      out.push_back(s);
    }
    return out;
  }();
  return names;
}

/// The JSON name of `v` (stable storage, so to_string can keep returning const char*).
template <class E>
const char* enum_name(E v) {
  const auto& names = enum_names<E>();
  const auto i = static_cast<std::size_t>(v);
  return i < names.size() ? names[i].c_str() : "?";
}

/// An enum-valued key of a config and its allowed names.
struct EnumKey {
  const char* key;
  const std::vector<std::string>* names;
};

[[noreturn]] inline void bad_config_key(const char* where, const std::string& key, const std::string& what) {
  throw std::invalid_argument(std::string(where) + ": parameter '" + key + "' " + what);
}

/// Checks `j` against `schema` (a default config's JSON): `j` is an object, has no keys the
/// schema lacks, and every key it has holds the schema's kind of value (integer, number, bool,
/// or one of the enum's names). With `require_all`, every schema key must be present. Throws
/// std::invalid_argument naming `where` and the key.
inline void check_config_json(const core::Json& j, const core::Json& schema, std::initializer_list<EnumKey> enums,
                              const char* where, bool require_all) {
  if (!j.is_object())
    throw std::invalid_argument(std::string(where) + ": expected a JSON object, got " + j.dump());
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!schema.contains(it.key())) bad_config_key(where, it.key(), "is not a known key");
  for (auto it = schema.begin(); it != schema.end(); ++it) {
    const std::string& key = it.key();
    if (!j.contains(key)) {
      if (require_all) bad_config_key(where, key, "is missing");
      continue;
    }
    const core::Json& v = j.at(key);
    const core::Json& s = it.value();
    const std::string got = "= " + v.dump() + "; expected ";
    if (s.is_boolean()) {
      if (!v.is_boolean()) bad_config_key(where, key, got + "true or false");
    } else if (s.is_number_integer()) {
      // A value above INT64_MAX would wrap in get<std::int64_t>().
      const bool ok = v.is_number_integer() &&
                      (!v.is_number_unsigned() ||
                       v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
      if (!ok) bad_config_key(where, key, got + "an integer");
    } else if (s.is_number()) {
      // JSON has no NaN or infinity: nlohmann writes them as null, which lands here.
      if (!v.is_number()) bad_config_key(where, key, got + "a number");
    } else if (s.is_string()) {
      const std::vector<std::string>* names = nullptr;
      for (const auto& e : enums)
        if (key == e.key) names = e.names;
      bool ok = v.is_string();
      if (ok && names) {
        ok = false;
        for (const auto& n : *names) ok = ok || v.get<std::string>() == n;
      }
      if (!ok) {
        std::string choices = "a string";
        if (names) {
          choices.clear();
          for (const auto& n : *names) choices += (choices.empty() ? "one of \"" : ", \"") + n + "\"";
        }
        bad_config_key(where, key, got + choices);
      }
    }
  }
}

}  // namespace genlab::nn::detail

#endif  // GENLAB_NN_DETAIL_JSON_CONFIG_HPP
