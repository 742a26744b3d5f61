#ifndef GENLAB_CORE_DATASET_HPP
#define GENLAB_CORE_DATASET_HPP
// A token dataset: a vocabulary, named splits ("train", "test", "ood_length_50", ...) in the order
// they were added, and the config that generated it. Exports to formats other frameworks read:
//
//   JSONL, one sequence per line:
//     {"tokens":[3,1,4],"text":"3 1 4","loss_mask":[0,0,1],"group":3,
//      "prompt":"3 1","answer":"4"}          -- prompt/answer when the graded tokens are a suffix
//   plain text, one sequence per line: "<prompt>\t<answer>" (or the whole text if not a suffix)
//   a folder: vocab.json, config.json and <split>.jsonl per split.

#include <cstdint>
#include <filesystem>
#include <limits>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "genlab/core/io/json.hpp"
#include "genlab/core/sequence.hpp"
#include "genlab/core/vocabulary.hpp"

namespace genlab::core {

class Dataset {
 public:
  Dataset() = default;
  explicit Dataset(Vocabulary vocab, Json config = Json::object())
      : vocab_(std::move(vocab)), config_(std::move(config)) {}

  const Vocabulary& vocab() const { return vocab_; }
  Vocabulary& vocab() { return vocab_; }
  /// The generator's parameters and seed, as written to config.json.
  const Json& config() const { return config_; }
  Json& config() { return config_; }

  /// Adds (or replaces) the split `name`; its sequences are validated against the vocabulary.
  void set_split(const std::string& name, std::vector<Sequence> seqs) {
    require(!name.empty() && name.find_first_of("/\\ \t\n") == std::string::npos, "genlab::core::Dataset::set_split",
            "name", name, "a non-empty name without slashes or whitespace (it becomes a file name)");
    for (const auto& s : seqs) s.validate(vocab_.size());
    for (auto& [n, v] : splits_)
      if (n == name) {
        v = std::move(seqs);
        return;
      }
    splits_.emplace_back(name, std::move(seqs));
  }
  bool has_split(const std::string& name) const {
    for (const auto& [n, v] : splits_)
      if (n == name) return true;
    return false;
  }
  /// The split `name`; throws std::out_of_range listing the splits there are.
  const std::vector<Sequence>& split(const std::string& name) const {
    for (const auto& [n, v] : splits_)
      if (n == name) return v;
    std::string names;
    for (const auto& [n, v] : splits_) names += (names.empty() ? "" : ", ") + n;
    throw std::out_of_range("genlab::core::Dataset::split: no split \"" + name + "\" (have: " + names + ")");
  }
  std::vector<std::string> split_names() const {
    std::vector<std::string> names;
    for (const auto& [n, v] : splits_) names.push_back(n);
    return names;
  }
  const std::vector<std::pair<std::string, std::vector<Sequence>>>& splits() const { return splits_; }

 private:
  Vocabulary vocab_;
  Json config_ = Json::object();
  std::vector<std::pair<std::string, std::vector<Sequence>>> splits_;
};

/// One sequence as a JSON object (see the file comment for the fields).
inline Json to_json(const Sequence& s, const Vocabulary& vocab) {
  Json j;
  j["tokens"] = s.tokens;
  j["text"] = vocab.decode(s.tokens);
  j["loss_mask"] = s.loss_mask;
  j["group"] = s.group;
  const std::size_t a = answer_start(s);
  if (a != std::string::npos) {
    j["prompt"] = vocab.decode({s.tokens.begin(), s.tokens.begin() + static_cast<std::ptrdiff_t>(a)});
    j["answer"] = vocab.decode({s.tokens.begin() + static_cast<std::ptrdiff_t>(a), s.tokens.end()});
  }
  return j;
}

namespace detail {

// JSON text in an error message, unquoted (describe() quotes strings).
struct JsonText {
  std::string text;
  friend std::ostream& operator<<(std::ostream& os, const JsonText& j) { return os << j.text; }
};

/// The integer `v` if it is a JSON integer in [lo, hi]; throws std::invalid_argument naming
/// `param` otherwise. nlohmann's get<int>() would truncate 2.7 to 2 and wrap 2^32 + 1 to 1.
inline std::int64_t json_integer_in(const Json& v, std::string_view param, std::int64_t lo, std::int64_t hi,
                                    std::string_view expected) {
  bool ok = false;
  std::int64_t x = 0;
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    ok = u <= static_cast<std::uint64_t>(hi);
    x = ok ? static_cast<std::int64_t>(u) : 0;
  } else if (v.is_number_integer()) {
    x = v.get<std::int64_t>();
    ok = true;
  }
  require(ok && x >= lo && x <= hi, "genlab::core::sequence_from_json", param, JsonText{v.dump()}, expected);
  return x;
}

}  // namespace detail

/// A sequence from the JSON object written by to_json (only tokens, loss_mask, group are read).
/// Refuses, with std::invalid_argument naming the field and index, anything it would otherwise
/// have to coerce: a token that is not an integer id in 0..2^31-1 (Token's range), a loss-mask
/// value other than 0 or 1, a group that is not a 64-bit integer, or a missing field.
inline Sequence sequence_from_json(const Json& j) {
  const char* where = "genlab::core::sequence_from_json";
  require(j.is_object(), where, "record", detail::JsonText{j.dump()}, "a JSON object with \"tokens\" and \"loss_mask\"");
  for (const char* key : {"tokens", "loss_mask"})
    require(j.contains(key) && j[key].is_array(), where, key, detail::JsonText{j.contains(key) ? j[key].dump() : "missing"},
            "an array");
  Sequence s;
  const Json& tokens = j["tokens"];
  const Json& mask = j["loss_mask"];
  s.tokens.reserve(tokens.size());
  s.loss_mask.reserve(mask.size());
  const std::string token_range = "an integer token id in 0.." + std::to_string(std::numeric_limits<Token>::max());
  for (std::size_t i = 0; i < tokens.size(); ++i)
    s.tokens.push_back(static_cast<Token>(detail::json_integer_in(tokens[i], "tokens[" + std::to_string(i) + "]", 0,
                                                                  std::numeric_limits<Token>::max(), token_range)));
  for (std::size_t i = 0; i < mask.size(); ++i)
    s.loss_mask.push_back(static_cast<std::uint8_t>(
        detail::json_integer_in(mask[i], "loss_mask[" + std::to_string(i) + "]", 0, 1, "0 or 1 (1 = graded)")));
  if (j.contains("group"))
    s.group = detail::json_integer_in(j["group"], "group", std::numeric_limits<std::int64_t>::min(),
                                      std::numeric_limits<std::int64_t>::max(), "a 64-bit integer");
  s.validate();
  return s;
}

/// Writes sequences as JSON Lines, atomically.
inline void write_sequences_jsonl(const std::filesystem::path& path, const std::vector<Sequence>& seqs,
                                  const Vocabulary& vocab) {
  AtomicFile f(path);
  for (const auto& s : seqs) f.stream() << to_json(s, vocab).dump() << '\n';
  f.commit();
}

/// Reads sequences written by write_sequences_jsonl; a bad record throws FileFormatError naming
/// the file and line.
inline std::vector<Sequence> read_sequences_jsonl(const std::filesystem::path& path) {
  std::vector<Sequence> seqs;
  for_each_jsonl(path, [&](const Json& j, std::size_t line) {
    try {
      seqs.push_back(sequence_from_json(j));
    } catch (const std::invalid_argument& e) {
      throw FileFormatError(path.string(), "line " + std::to_string(line) + ": " + e.what());
    }
  });
  return seqs;
}

/// Writes one sequence per line as "<prompt>\t<answer>" (whole text when there is no answer suffix).
inline void write_sequences_text(const std::filesystem::path& path, const std::vector<Sequence>& seqs,
                                 const Vocabulary& vocab) {
  AtomicFile f(path);
  for (const auto& s : seqs) {
    const Json j = to_json(s, vocab);
    if (j.contains("prompt")) f.stream() << j["prompt"].get<std::string>() << '\t' << j["answer"].get<std::string>() << '\n';
    else f.stream() << j["text"].get<std::string>() << '\n';
  }
  f.commit();
}

/// Writes the dataset to folder `dir`: vocab.json, config.json and <split>.jsonl for each split.
inline void write_dataset(const std::filesystem::path& dir, const Dataset& ds) {
  write_json(dir / "vocab.json", Json(ds.vocab().tokens()));
  write_json(dir / "config.json", Json{{"config", ds.config()}, {"splits", ds.split_names()}});
  for (const auto& [name, seqs] : ds.splits()) write_sequences_jsonl(dir / (name + ".jsonl"), seqs, ds.vocab());
}

/// Reads a folder written by write_dataset. Throws IoError for a missing file and
/// FileFormatError naming the file for contents that do not fit: config.json without "splits"
/// (a list of split names), vocab.json that is not a list of distinct strings, a bad record
/// (file and line), a token outside the vocabulary (file).
inline Dataset read_dataset(const std::filesystem::path& dir) {
  const std::filesystem::path meta_path = dir / "config.json", vocab_path = dir / "vocab.json";
  const Json meta = read_json(meta_path);
  if (!meta.is_object()) throw FileFormatError(meta_path.string(), "expected a JSON object with keys \"config\" and \"splits\"");
  if (!meta.contains("splits")) throw FileFormatError(meta_path.string(), "missing key \"splits\" (the list of split names)");
  const Json& split_list = meta["splits"];
  if (!split_list.is_array()) throw FileFormatError(meta_path.string(), "key \"splits\" is not a list of split names");
  std::vector<std::string> names;
  for (const auto& n : split_list) {
    // A name becomes a file name: refuse "../x" before reading anything outside the folder.
    if (!n.is_string() || n.get<std::string>().empty() ||
        n.get<std::string>().find_first_of("/\\ \t\n") != std::string::npos)
      throw FileFormatError(meta_path.string(), "key \"splits\" holds " + n.dump() +
                                                    "; expected non-empty names without slashes or whitespace");
    names.push_back(n.get<std::string>());
  }
  // "config" is optional: folders without it read with an empty config.
  Json config = meta.value("config", Json::object());
  const Json vocab_json = read_json(vocab_path);
  if (!vocab_json.is_array()) throw FileFormatError(vocab_path.string(), "expected a JSON list of token strings");
  std::vector<std::string> tokens;
  for (const auto& t : vocab_json) {
    if (!t.is_string())
      throw FileFormatError(vocab_path.string(), "token " + std::to_string(tokens.size()) + " is " + t.dump() + "; expected a string");
    tokens.push_back(t.get<std::string>());
  }
  Vocabulary vocab;
  try {
    vocab = Vocabulary(tokens);
  } catch (const std::invalid_argument& e) {
    throw FileFormatError(vocab_path.string(), e.what());
  }
  Dataset ds(std::move(vocab), std::move(config));
  for (const auto& name : names) {
    const std::filesystem::path split_path = dir / (name + ".jsonl");
    auto seqs = read_sequences_jsonl(split_path);
    try {
      ds.set_split(name, std::move(seqs));
    } catch (const std::invalid_argument& e) {
      throw FileFormatError(split_path.string(), e.what());
    }
  }
  return ds;
}

}  // namespace genlab::core

#endif  // GENLAB_CORE_DATASET_HPP
