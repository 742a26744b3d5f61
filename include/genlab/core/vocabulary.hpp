#ifndef GENLAB_CORE_VOCABULARY_HPP
#define GENLAB_CORE_VOCABULARY_HPP
// A vocabulary: a bijection between token ids 0..size()-1 and their strings.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "genlab/core/error.hpp"

namespace genlab::core {

using Token = std::int32_t;

class Vocabulary {
 public:
  Vocabulary() = default;
  /// A vocabulary whose id i is tokens[i]; tokens must be distinct.
  explicit Vocabulary(const std::vector<std::string>& tokens) {
    for (const auto& t : tokens) add(t);
  }

  /// Adds a new token and returns its id; throws if it is already present.
  Token add(const std::string& token) {
    require(index_.find(token) == index_.end(), "genlab::core::Vocabulary::add", "token", token,
            "a token not already in the vocabulary");
    const auto id = static_cast<Token>(tokens_.size());
    tokens_.push_back(token);
    index_.emplace(token, id);
    return id;
  }
  /// The id of `token`, adding it if absent.
  Token intern(const std::string& token) {
    const auto it = index_.find(token);
    return it != index_.end() ? it->second : add(token);
  }

  std::size_t size() const { return tokens_.size(); }
  bool contains(const std::string& token) const { return index_.count(token) != 0; }

  /// The id of `token`; throws std::out_of_range naming it if absent.
  Token id(const std::string& token) const {
    const auto it = index_.find(token);
    if (it == index_.end()) throw std::out_of_range("genlab::core::Vocabulary::id: unknown token \"" + token + "\"");
    return it->second;
  }
  /// The string of `id`; throws std::out_of_range naming it if outside 0..size()-1.
  const std::string& token(Token id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= tokens_.size())
      throw std::out_of_range("genlab::core::Vocabulary::token: id " + std::to_string(id) + " outside 0.." +
                              std::to_string(static_cast<long long>(tokens_.size()) - 1));
    return tokens_[static_cast<std::size_t>(id)];
  }
  const std::vector<std::string>& tokens() const { return tokens_; }

  /// Ids of the whitespace-separated tokens of `text`.
  std::vector<Token> encode(std::string_view text) const {
    std::vector<Token> ids;
    std::size_t i = 0;
    while (i < text.size()) {
      while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
      std::size_t j = i;
      while (j < text.size() && text[j] != ' ' && text[j] != '\t' && text[j] != '\n') ++j;
      if (j > i) ids.push_back(id(std::string(text.substr(i, j - i))));
      i = j;
    }
    return ids;
  }
  /// The tokens of `ids` joined by `separator`.
  std::string decode(const std::vector<Token>& ids, std::string_view separator = " ") const {
    std::string out;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (i) out += separator;
      out += token(ids[i]);
    }
    return out;
  }

  friend bool operator==(const Vocabulary& a, const Vocabulary& b) { return a.tokens_ == b.tokens_; }
  friend bool operator!=(const Vocabulary& a, const Vocabulary& b) { return !(a == b); }

 private:
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, Token> index_;
};

}  // namespace genlab::core

#endif  // GENLAB_CORE_VOCABULARY_HPP
