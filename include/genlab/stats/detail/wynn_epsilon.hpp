#ifndef GENLAB_STATS_DETAIL_WYNN_EPSILON_HPP
#define GENLAB_STATS_DETAIL_WYNN_EPSILON_HPP
// Wynn's epsilon algorithm (P. Wynn, "On a device for computing the e_m(S_n) transformation",
// MTAC 10:91, 1956): accelerates the partial sums of an oscillatory integral taken over successive
// half periods, as QUADPACK's QAWF does (Piessens et al., "QUADPACK", 1983, §2.2.2).

#include <cmath>
#include <vector>

namespace genlab::stats::detail {

class WynnEpsilon {
 public:
  /// Adds the next partial sum; returns the current best estimate (the highest even column).
  double push(double s) {
    std::vector<double> next;
    next.reserve(diag_.size() + 1);
    next.push_back(s);
    for (std::size_t k = 0; k < diag_.size(); ++k) {
      const double prev = k == 0 ? 0.0 : diag_[k - 1];  // ε_{k−1} of the previous anti-diagonal
      const double diff = next[k] - diag_[k];
      if (diff == 0 || !std::isfinite(diff)) break;  // converged (or degenerate) column: stop here
      const double v = prev + 1 / diff;
      if (!std::isfinite(v)) break;
      next.push_back(v);
    }
    diag_ = std::move(next);
    if (diag_.size() > kMaxColumns) diag_.resize(kMaxColumns);
    const std::size_t top = (diag_.size() - 1) & ~std::size_t{1};
    return diag_[top];
  }

 private:
  static constexpr std::size_t kMaxColumns = 41;
  std::vector<double> diag_;  // ε_k^{(n−k)}, k = 0..: the latest anti-diagonal of the table
};

}  // namespace genlab::stats::detail

#endif  // GENLAB_STATS_DETAIL_WYNN_EPSILON_HPP
