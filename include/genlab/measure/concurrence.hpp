#ifndef GENLAB_MEASURE_CONCURRENCE_HPP
#define GENLAB_MEASURE_CONCURRENCE_HPP
// Concurrence of benchmarks (Sun, Williams, Hupkes, "The Validity of Evaluation Results",
// CoNLL 2023, §3.2): do two splits rank a set of models the same way? Kendall's τ-b (ties
// corrected, as scipy.stats.kendalltau) over seed-paired accuracies, or Pearson's r.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"

namespace genlab::measure {

namespace detail {
inline void check_paired(const std::vector<double>& x, const std::vector<double>& y, const char* where) {
  core::require(x.size() == y.size(), where, "y.size()", y.size(), "x.size() = " + std::to_string(x.size()));
  core::require(x.size() >= 2, where, "x.size()", x.size(), ">= 2 (a correlation needs two pairs)");
  for (std::size_t i = 0; i < x.size(); ++i) {
    core::require(std::isfinite(x[i]), where, "x[" + std::to_string(i) + "]", x[i], "a finite number");
    core::require(std::isfinite(y[i]), where, "y[" + std::to_string(i) + "]", y[i], "a finite number");
  }
}

/// Inversions that merge sort needs to sort v (counts pairs i < j with v[i] > v[j]); sorts v.
inline std::uint64_t count_inversions(std::vector<double>& v, std::vector<double>& buf, std::size_t lo, std::size_t hi) {
  if (hi - lo < 2) return 0;
  const std::size_t mid = lo + (hi - lo) / 2;
  std::uint64_t inv = count_inversions(v, buf, lo, mid) + count_inversions(v, buf, mid, hi);
  std::size_t i = lo, j = mid, k = lo;
  while (i < mid && j < hi) {
    if (v[j] < v[i]) {
      inv += mid - i;
      buf[k++] = v[j++];
    } else {
      buf[k++] = v[i++];
    }
  }
  while (i < mid) buf[k++] = v[i++];
  while (j < hi) buf[k++] = v[j++];
  std::copy(buf.begin() + static_cast<std::ptrdiff_t>(lo), buf.begin() + static_cast<std::ptrdiff_t>(hi),
            v.begin() + static_cast<std::ptrdiff_t>(lo));
  return inv;
}

/// Σ t(t−1)/2 over runs of equal values in sorted v.
inline std::uint64_t tied_pairs(const std::vector<double>& sorted) {
  std::uint64_t s = 0, run = 1;
  for (std::size_t i = 1; i <= sorted.size(); ++i) {
    if (i < sorted.size() && sorted[i] == sorted[i - 1]) {
      ++run;
    } else {
      s += run * (run - 1) / 2;
      run = 1;
    }
  }
  return s;
}
}  // namespace detail

/// Kendall's τ-b = (n_c − n_d)/√((n_0 − n_1)(n_0 − n_2)), with n_0 = n(n−1)/2 and n_1, n_2 the
/// pairs tied in x and in y (Knight's O(n log n) algorithm, the one scipy uses). The spec's
/// example x = .9,.8,.7,.6,.5,.4, y = .85,.9,.6,.65,.3,.2 gives 0.7333. Throws
/// std::invalid_argument on mismatched lengths, fewer than 2 pairs or non-finite values, and
/// std::domain_error when x or y is constant (τ-b is 0/0 there; scipy returns NaN).
inline double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y) {
  constexpr const char* where = "genlab::measure::kendall_tau_b";
  detail::check_paired(x, y, where);
  const std::size_t n = x.size();
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return x[a] < x[b] || (x[a] == x[b] && y[a] < y[b]);
  });
  // Pairs tied in x, and tied in both x and y.
  std::uint64_t tx = 0, txy = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && x[order[j]] == x[order[i]]) ++j;
    tx += static_cast<std::uint64_t>(j - i) * (j - i - 1) / 2;
    for (std::size_t a = i; a < j;) {
      std::size_t b = a + 1;
      while (b < j && y[order[b]] == y[order[a]]) ++b;
      txy += static_cast<std::uint64_t>(b - a) * (b - a - 1) / 2;
      a = b;
    }
    i = j;
  }
  std::vector<double> ys(n), buf(n);
  for (std::size_t i = 0; i < n; ++i) ys[i] = y[order[i]];
  const std::uint64_t swaps = detail::count_inversions(ys, buf, 0, n);  // discordant pairs (x strictly ordered)
  const std::uint64_t ty = detail::tied_pairs(ys);
  const std::uint64_t n0 = static_cast<std::uint64_t>(n) * (n - 1) / 2;
  core::require_domain(tx < n0, where, "x", "constant", "at least two distinct values (tau-b is 0/0)");
  core::require_domain(ty < n0, where, "y", "constant", "at least two distinct values (tau-b is 0/0)");
  // Concordant − discordant = n0 − tx − ty + txy − 2·swaps.
  const double num = static_cast<double>(n0) - static_cast<double>(tx) - static_cast<double>(ty) +
                     static_cast<double>(txy) - 2.0 * static_cast<double>(swaps);
  const double den = std::sqrt(static_cast<double>(n0 - tx) * static_cast<double>(n0 - ty));
  return std::clamp(num / den, -1.0, 1.0);
}

/// Pearson's r. O(n). Same errors as kendall_tau_b (a constant list has no correlation).
inline double pearson_correlation(const std::vector<double>& x, const std::vector<double>& y) {
  constexpr const char* where = "genlab::measure::pearson_correlation";
  detail::check_paired(x, y, where);
  const double n = static_cast<double>(x.size());
  double mx = 0.0, my = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  core::require_domain(sxx > 0.0, where, "x", "constant", "at least two distinct values (r is 0/0)");
  core::require_domain(syy > 0.0, where, "y", "constant", "at least two distinct values (r is 0/0)");
  return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

enum class Correlation { kendall_tau_b, pearson };

NLOHMANN_JSON_SERIALIZE_ENUM(Correlation, {{Correlation::kendall_tau_b, "kendall_tau_b"}, {Correlation::pearson, "pearson"}})

/// Accuracy of each model on one split, one value per seed (seeds in a fixed order), keyed by
/// model name and kept in the caller's insertion order (a std::map would reorder the models by
/// name, and with them every list derived from the scores). Used like a map: `s["T5"] = {..}`,
/// `s["T5"].push_back(..)`, `s.at("T5")`, `s.find("T5")`, `for (auto& [model, acc] : s)`.
/// References to the values stay valid as models are added (the entries live in a deque).
class SplitScores {
 public:
  using key_type = std::string;
  using mapped_type = std::vector<double>;
  using value_type = std::pair<const std::string, std::vector<double>>;
  using iterator = std::deque<value_type>::iterator;
  using const_iterator = std::deque<value_type>::const_iterator;

  SplitScores() = default;
  SplitScores(std::initializer_list<value_type> entries) {
    for (const auto& e : entries) (*this)[e.first] = e.second;  // a repeated name keeps its first place, last value
  }

  /// The model's scores, inserted (empty, at the end) if absent. O(1) expected.
  std::vector<double>& operator[](const std::string& model) {
    const auto it = index_.find(model);
    if (it != index_.end()) return entries_[it->second].second;
    index_.emplace(model, entries_.size());
    entries_.emplace_back(model, std::vector<double>{});
    return entries_.back().second;
  }
  /// The model's scores; std::out_of_range naming the model if absent.
  const std::vector<double>& at(const std::string& model) const {
    const auto it = index_.find(model);
    if (it == index_.end()) throw std::out_of_range("genlab::measure::SplitScores::at: no model \"" + model + "\"");
    return entries_[it->second].second;
  }
  std::vector<double>& at(const std::string& model) {
    return const_cast<std::vector<double>&>(static_cast<const SplitScores&>(*this).at(model));
  }
  iterator find(const std::string& model) {
    const auto it = index_.find(model);
    return it == index_.end() ? entries_.end() : entries_.begin() + static_cast<std::ptrdiff_t>(it->second);
  }
  const_iterator find(const std::string& model) const {
    const auto it = index_.find(model);
    return it == index_.end() ? entries_.end() : entries_.begin() + static_cast<std::ptrdiff_t>(it->second);
  }
  std::size_t count(const std::string& model) const { return index_.count(model); }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }

 private:
  std::deque<value_type> entries_;
  std::unordered_map<std::string, std::size_t> index_;
};

/// The concurrence of two splits and the aligned lists it was computed from.
struct Concurrence {
  Correlation method = Correlation::kendall_tau_b;
  double value = 0.0;
  std::vector<double> first;   // acc(m, d1, s) for every model m and seed pair (s, s′)
  std::vector<double> second;  // acc(m, d2, s′)

  /// {"method", "value", "pairs"}: the lists themselves are left out (they can be long).
  core::Json to_json() const { return core::Json{{"method", method}, {"value", value}, {"pairs", first.size()}}; }
};

/// Seed-paired concurrence (compute_concurrence in the validity paper's code): for each model
/// m and every pair of seeds (s, s′), append acc(m, d1, s) to list 1 and acc(m, d2, s′) to list
/// 2 (6 models × 3 × 3 seeds = 54 pairs), then correlate the lists. Both splits must score the
/// same models; models may have different seed counts. The lists follow d1's model order
/// (the caller's), then seed order. Throws std::invalid_argument when a model lacks scores
/// (named) or has no seeds, and as kendall_tau_b / pearson_correlation on the lists (fewer than
/// 2 pairs, a non-finite accuracy, a constant list). O(P log P) for P pairs.
inline Concurrence seed_paired_concurrence(const SplitScores& d1, const SplitScores& d2,
                                           Correlation method = Correlation::kendall_tau_b) {
  constexpr const char* where = "genlab::measure::seed_paired_concurrence";
  core::require(!d1.empty(), where, "d1.size()", d1.size(), ">= 1 model");
  core::require(d1.size() == d2.size(), where, "d2.size()", d2.size(),
                "the number of models in d1 = " + std::to_string(d1.size()));
  Concurrence c;
  c.method = method;
  for (const auto& [model, acc1] : d1) {
    const auto it = d2.find(model);
    core::require(it != d2.end(), where, "d2", model, "scores for every model in d1");
    core::require(!acc1.empty() && !it->second.empty(), where, "seeds of model", model, "at least one seed per split");
    for (double a : acc1)
      for (double b : it->second) {
        c.first.push_back(a);
        c.second.push_back(b);
      }
  }
  c.value = method == Correlation::pearson ? pearson_correlation(c.first, c.second) : kendall_tau_b(c.first, c.second);
  return c;
}

}  // namespace genlab::measure

#endif  // GENLAB_MEASURE_CONCURRENCE_HPP
