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

#include <filesystem>
#include <string>
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

/// Index of the first graded token if the graded tokens form a non-empty suffix, else npos.
inline std::size_t answer_start(const Sequence& s) {
  std::size_t i = s.loss_mask.size();
  while (i > 0 && s.loss_mask[i - 1]) --i;
  if (i == s.loss_mask.size()) return std::string::npos;
  for (std::size_t j = 0; j < i; ++j)
    if (s.loss_mask[j]) return std::string::npos;
  return i;
}

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

/// A sequence from the JSON object written by to_json (only tokens, loss_mask, group are read).
inline Sequence sequence_from_json(const Json& j) {
  Sequence s;
  s.tokens = j.at("tokens").get<std::vector<Token>>();
  s.loss_mask = j.at("loss_mask").get<std::vector<std::uint8_t>>();
  s.group = j.value("group", std::int64_t{-1});
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

/// Reads sequences written by write_sequences_jsonl.
inline std::vector<Sequence> read_sequences_jsonl(const std::filesystem::path& path) {
  std::vector<Sequence> seqs;
  std::size_t line = 0;
  for (const auto& j : read_jsonl(path)) {
    ++line;
    try {
      seqs.push_back(sequence_from_json(j));
    } catch (const std::exception& e) {
      throw FileFormatError(path.string(), "record " + std::to_string(line) + ": " + e.what());
    }
  }
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

/// Reads a folder written by write_dataset.
inline Dataset read_dataset(const std::filesystem::path& dir) {
  const Json meta = read_json(dir / "config.json");
  Dataset ds(Vocabulary(read_json(dir / "vocab.json").get<std::vector<std::string>>()), meta.value("config", Json::object()));
  for (const auto& name : meta.at("splits").get<std::vector<std::string>>())
    ds.set_split(name, read_sequences_jsonl(dir / (name + ".jsonl")));
  return ds;
}

}  // namespace genlab::core

#endif  // GENLAB_CORE_DATASET_HPP
