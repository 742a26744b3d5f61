#ifndef GENLAB_CORE_IO_JSON_DIFF_HPP
#define GENLAB_CORE_IO_JSON_DIFF_HPP
// Which keys of two JSON documents differ: the one comparison behind every "refusing to resume"
// message (a checkpoint's settings in nn, a run's identity in experiments), e.g.
// "optimizer.lr = 0.001 in the checkpoint, 0.002 now".

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "genlab/core/io/json.hpp"

namespace genlab::core {

/// One difference: the dotted key path ("optimizer.lr"; "" when the roots themselves differ)
/// and the value on each side (nullopt where the key is absent).
struct JsonDifference {
  std::string key;
  std::optional<core::Json> before, after;
};

/// The keys where `before` and `after` differ. Objects are compared key by key, recursively;
/// anything else (arrays, strings, numbers, null) as a whole, numbers by value (nlohmann: 1 == 1.0).
/// Differences come in key order (nlohmann's objects are sorted). O(size of the documents).
inline std::vector<JsonDifference> json_diff(const core::Json& before, const core::Json& after,
                                             const std::string& prefix = "") {
  std::vector<JsonDifference> out;
  if (!before.is_object() || !after.is_object()) {
    if (before != after) out.push_back({prefix, before, after});
    return out;
  }
  const auto path = [&](const std::string& key) { return prefix.empty() ? key : prefix + "." + key; };
  for (auto it = before.begin(); it != before.end(); ++it) {
    if (!after.contains(it.key())) {
      out.push_back({path(it.key()), it.value(), std::nullopt});
    } else {
      auto sub = json_diff(it.value(), after.at(it.key()), path(it.key()));
      out.insert(out.end(), sub.begin(), sub.end());
    }
  }
  for (auto it = after.begin(); it != after.end(); ++it)
    if (!before.contains(it.key())) out.push_back({path(it.key()), std::nullopt, it.value()});
  return out;
}

/// "optimizer.lr = 0.001 in the checkpoint, 0.002 now; identity.data absent in the checkpoint,
/// "abc" now" with before_name = "in the checkpoint", after_name = "now".
inline std::string describe_json_diff(const std::vector<JsonDifference>& diff, std::string_view before_name,
                                      std::string_view after_name) {
  std::string s;
  for (const auto& d : diff) {
    if (!s.empty()) s += "; ";
    s += (d.key.empty() ? std::string("(whole value)") : d.key) + " = ";
    s += (d.before ? d.before->dump() : std::string("absent")) + " " + std::string(before_name) + ", ";
    s += (d.after ? d.after->dump() : std::string("absent")) + " " + std::string(after_name);
  }
  return s;
}

}  // namespace genlab::core

#endif  // GENLAB_CORE_IO_JSON_DIFF_HPP
