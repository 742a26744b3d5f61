#ifndef GENLAB_BIAS_INTRINSIC_DIMENSION_HPP
#define GENLAB_BIAS_INTRINSIC_DIMENSION_HPP
// Intrinsic dimension m of a point cloud, the input of P1 that dominates Ĩ (E ~ M^m). Definitions
// follow scikit-dimension (skdim.id.MLE, skdim.id.TwoNN):
//
//  Levina & Bickel (NIPS 2004) MLE, T_j(x) = distance to the j-th neighbour (x excluded):
//     m̂_k(x) = (k−1) / Σ_{j=1}^{k−1} ln(T_k(x)/T_j(x))          ((k−2) for the unbiased variant)
//     comb = mean             : m̂_k = mean_x m̂_k(x)              (Levina–Bickel)
//     comb = inverse_of_mean  : m̂_k = [mean_x 1/m̂_k(x)]^{-1}     (MacKay–Ghahramani; skdim 'mle';
//                                                                  P1's intrinsic_dim with k = 5)
//     comb = median           : median_x m̂_k(x)
//  TwoNN (Facco et al., Sci. Rep. 7:12140, 2017), μ = T_2/T_1 ~ Pareto(1, d):
//     least squares : sort μ, keep the smallest ⌊(1−f)N⌋, x_i = ln μ_(i), y_i = −ln(1 − i/N) with N
//                     the full count, d̂ = Σxy/Σx² (a line through the origin; f = 0.1 in skdim)
//     mle           : d̂ = N/Σ ln μ_i  ((N−1)/Σ ln μ_i unbiased)
//
// Exact duplicate rows make T_1 = 0 and the logs infinite; by default they are removed first
// (DuplicatePolicy::remove), or rejected with an exception.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "genlab/bias/knn.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"

namespace genlab::bias {

/// How the pointwise MLE estimates are combined.
enum class MleCombine { inverse_of_mean, mean, median };
/// How TwoNN turns the ratios μ into a dimension.
enum class TwoNnFit { least_squares, mle };
/// What to do with exact duplicate rows (distance 0 breaks the logs).
enum class DuplicatePolicy { remove, reject };

inline const char* to_string(MleCombine c) {
  switch (c) {
    case MleCombine::inverse_of_mean: return "inverse_of_mean";
    case MleCombine::mean: return "mean";
    case MleCombine::median: return "median";
  }
  return "?";
}

/// Options of the Levina–Bickel / MacKay–Ghahramani estimator. Defaults = skdim.id.MLE()
/// (k = 20, comb 'mle'). P1's intrinsic_dim: k = 5, query_count = 10000.
struct MleOptions {
  int k = 20;                                   ///< neighbours (the point itself excluded), >= 2 (>= 3 unbiased)
  MleCombine combine = MleCombine::inverse_of_mean;
  bool unbiased = false;                        ///< divide by k−2 instead of k−1
  std::int64_t query_count = 0;                 ///< random query points (without replacement); 0 = all
  std::uint64_t seed = 0;                       ///< for the query subset
  DuplicatePolicy duplicates = DuplicatePolicy::remove;
  KnnOptions knn;

  void validate(const char* where) const {
    core::require(k >= (unbiased ? 3 : 2), where, "k", k, unbiased ? ">= 3 for the unbiased estimator" : ">= 2");
    core::require(query_count >= 0, where, "query_count", query_count, ">= 0 (0 = all points)");
    knn.validate(where);
  }
};

/// Options of TwoNN. Defaults = skdim.id.TwoNN() (discard_fraction 0.1, least squares).
struct TwoNnOptions {
  double discard_fraction = 0.1;  ///< largest ratios dropped before the least-squares fit, in [0, 1)
  TwoNnFit fit = TwoNnFit::least_squares;
  bool unbiased = false;          ///< mle fit only: (N−1)/Σ ln μ
  std::int64_t query_count = 0;
  std::uint64_t seed = 0;
  DuplicatePolicy duplicates = DuplicatePolicy::remove;
  KnnOptions knn;

  void validate(const char* where) const {
    core::require(discard_fraction >= 0 && discard_fraction < 1, where, "discard_fraction", discard_fraction,
                  "in [0, 1)");
    core::require(query_count >= 0, where, "query_count", query_count, ">= 0 (0 = all points)");
    knn.validate(where);
  }
};

/// An intrinsic-dimension estimate and how it was obtained.
struct IntrinsicDimensionResult {
  std::string estimator;            ///< "mle" or "twonn"
  double dimension = 0;             ///< the estimate m̂
  std::vector<double> pointwise;    ///< m̂_k(x) per query (MLE) or μ per query (TwoNN)
  std::int64_t points = 0;          ///< rows given
  std::int64_t unique_points = 0;   ///< rows after removing exact duplicates
  std::int64_t queries = 0;         ///< query points used
  int k = 0;
  std::uint64_t seed = 0;
  std::string combine;              ///< MLE combination or TwoNN fit

  core::Json to_json() const {
    return core::Json{{"estimator", estimator}, {"dimension", dimension}, {"points", points},
                      {"unique_points", unique_points}, {"queries", queries}, {"k", k},
                      {"seed", seed}, {"combine", combine}};
  }
};

/// Pointwise MLE m̂_k(x) from one row of sorted neighbour distances T_1..T_k (x excluded).
/// Throws on a non-positive or non-finite distance (an exact duplicate) or an unsorted row.
inline double mle_pointwise(const double* t, int k, bool unbiased) {
  const char* where = "genlab::bias::mle_pointwise";
  double s = 0;
  for (int j = 0; j + 1 < k; ++j) {
    core::require(std::isfinite(t[j]) && t[j] > 0, where, "distance", t[j],
                  "> 0 and finite (a zero distance is an exact duplicate: remove duplicates first)");
    core::require(t[j] <= t[k - 1], where, "distance", t[j], "sorted ascending (<= T_k)");
    s += std::log(t[k - 1] / t[j]);
  }
  // All k neighbours equidistant: the sum is 0 and the local dimension is unbounded.
  core::require(s > 0, where, "sum of log ratios", s, "> 0 (all k neighbours are equidistant)");
  return (unbiased ? k - 2 : k - 1) / s;
}

/// MLE intrinsic dimension from a (queries × k) matrix of sorted neighbour distances, each row
/// excluding the query itself. O(Q·k).
inline IntrinsicDimensionResult mle_from_distances(const Eigen::MatrixXd& distances, const MleOptions& opt = {}) {
  const char* where = "genlab::bias::mle_from_distances";
  core::require(distances.rows() >= 1, where, "distances.rows()", distances.rows(), ">= 1");
  core::require(distances.cols() >= (opt.unbiased ? 3 : 2), where, "distances.cols()", distances.cols(),
                opt.unbiased ? ">= 3 neighbours" : ">= 2 neighbours");
  const int k = static_cast<int>(distances.cols());
  IntrinsicDimensionResult r;
  r.estimator = "mle";
  r.k = k;
  r.seed = opt.seed;
  r.combine = to_string(opt.combine);
  r.queries = distances.rows();
  r.pointwise.resize(static_cast<std::size_t>(distances.rows()));
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> t = distances;
  for (Eigen::Index i = 0; i < t.rows(); ++i)
    r.pointwise[static_cast<std::size_t>(i)] = mle_pointwise(t.row(i).data(), k, opt.unbiased);
  const double n = static_cast<double>(r.pointwise.size());
  switch (opt.combine) {
    case MleCombine::inverse_of_mean: {
      double s = 0;
      for (double v : r.pointwise) s += 1 / v;
      r.dimension = n / s;
      break;
    }
    case MleCombine::mean: {
      double s = 0;
      for (double v : r.pointwise) s += v;
      r.dimension = s / n;
      break;
    }
    case MleCombine::median: {
      std::vector<double> v = r.pointwise;
      const std::size_t h = v.size() / 2;
      std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h), v.end());
      if (v.size() % 2) {
        r.dimension = v[h];
      } else {
        const double hi = v[h];
        r.dimension = 0.5 * (hi + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h)));
      }
      break;
    }
  }
  return r;
}

/// TwoNN from the ratios μ_i = T_2(x_i)/T_1(x_i) (each >= 1). O(N log N).
inline IntrinsicDimensionResult twonn_from_ratios(std::vector<double> mu, const TwoNnOptions& opt = {}) {
  const char* where = "genlab::bias::twonn_from_ratios";
  opt.validate(where);
  core::require(mu.size() >= 2, where, "mu.size()", mu.size(), ">= 2");
  for (double v : mu)
    core::require(std::isfinite(v) && v >= 1, where, "mu[i]", v, "a finite ratio T2/T1 >= 1");
  IntrinsicDimensionResult r;
  r.estimator = "twonn";
  r.k = 2;
  r.seed = opt.seed;
  r.queries = static_cast<std::int64_t>(mu.size());
  r.pointwise = mu;
  const double N = static_cast<double>(mu.size());
  if (opt.fit == TwoNnFit::mle) {
    double s = 0;
    for (double v : mu) s += std::log(v);
    core::require(s > 0, where, "sum of ln mu", s, "> 0 (every T2 equals T1)");
    r.dimension = (opt.unbiased ? N - 1 : N) / s;
    r.combine = opt.unbiased ? "mle_unbiased" : "mle";
    return r;
  }
  std::sort(mu.begin(), mu.end());
  // ⌊N(1−f)⌋ evaluated in double exactly as skdim's int(N * (1 - discard_fraction)).
  const auto keep = static_cast<std::size_t>(std::floor(N * (1.0 - opt.discard_fraction)));
  core::require(keep >= 1, where, "kept ratios", keep, ">= 1 (too few points for the discard fraction)");
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < keep; ++i) {
    const double x = std::log(mu[i]);
    const double y = -std::log1p(-static_cast<double>(i + 1) / N);
    sxy += x * y;
    sxx += x * x;
  }
  core::require(sxx > 0, where, "sum of ln^2 mu", sxx, "> 0 (every kept T2 equals T1)");
  r.dimension = sxy / sxx;
  r.combine = "least_squares";
  return r;
}

namespace detail {
// Rows to work on (duplicates removed or rejected) and the query subset among them. The data is
// not copied: `rows` lists the distinct rows of x (empty: all rows are distinct).
struct IdPrepared {
  std::vector<std::int64_t> rows;
  std::vector<std::int64_t> queries;  ///< positions among the distinct rows
  std::int64_t points = 0, unique_points = 0;
};

inline IdPrepared prepare_id_data(const Eigen::MatrixXd& x, DuplicatePolicy dup, std::int64_t query_count,
                                  std::uint64_t seed, int k, const char* where) {
  core::require(x.rows() >= 1 && x.cols() >= 1, where, "data.rows()", x.rows(), ">= 1 row and >= 1 column");
  require_all_finite(x, where, "data");
  IdPrepared p;
  p.points = x.rows();
  std::vector<std::int64_t> keep = unique_rows(x);
  if (dup == DuplicatePolicy::reject)
    core::require(static_cast<Eigen::Index>(keep.size()) == x.rows(), where, "duplicate rows",
                  x.rows() - static_cast<Eigen::Index>(keep.size()),
                  "0 (DuplicatePolicy::reject; use DuplicatePolicy::remove to drop them)");
  p.unique_points = static_cast<std::int64_t>(keep.size());
  if (p.unique_points < x.rows()) p.rows = std::move(keep);
  core::require(p.unique_points > k, where, "distinct points", p.unique_points,
                "> k = " + std::to_string(k) + " (fewer points than neighbours)");
  p.queries = sample_without_replacement(p.unique_points, query_count == 0 ? p.unique_points : query_count, seed);
  return p;
}
}  // namespace detail

/// Levina–Bickel / MacKay–Ghahramani MLE of the intrinsic dimension of the rows of `data`
/// (skdim.id.MLE(n_neighbors=k, comb=...)); queries are a random subset when query_count > 0, their
/// neighbours searched among all distinct rows (P1: k = 5, 10000 queries). O(Q·N·d) via knn().
/// Throws on NaN/inf data, k >= distinct points, or duplicates under DuplicatePolicy::reject.
inline IntrinsicDimensionResult mle_intrinsic_dimension(const Eigen::MatrixXd& data, const MleOptions& opt = {}) {
  const char* where = "genlab::bias::mle_intrinsic_dimension";
  opt.validate(where);
  detail::IdPrepared p = detail::prepare_id_data(data, opt.duplicates, opt.query_count, opt.seed, opt.k, where);
  const KnnResult nn = knn_self(data, opt.k, p.queries, opt.knn, p.rows);
  IntrinsicDimensionResult r = mle_from_distances(nn.distances, opt);
  r.points = p.points;
  r.unique_points = p.unique_points;
  r.seed = opt.seed;
  return r;
}

/// Levina & Bickel's averaged estimate over neighbourhood sizes k1..k2 (they suggest 10..20):
/// mean over k of m̂_k with combination `opt.combine`. One neighbour search with k2.
inline double mle_intrinsic_dimension_k_range(const Eigen::MatrixXd& data, int k1, int k2, MleOptions opt = {}) {
  const char* where = "genlab::bias::mle_intrinsic_dimension_k_range";
  core::require(k1 >= (opt.unbiased ? 3 : 2), where, "k1", k1, ">= 2 (>= 3 unbiased)");
  core::require(k2 >= k1, where, "k2", k2, ">= k1");
  opt.k = k2;
  opt.validate(where);
  detail::IdPrepared p = detail::prepare_id_data(data, opt.duplicates, opt.query_count, opt.seed, k2, where);
  const KnnResult nn = knn_self(data, k2, p.queries, opt.knn, p.rows);
  double s = 0;
  for (int k = k1; k <= k2; ++k) s += mle_from_distances(nn.distances.leftCols(k), opt).dimension;
  return s / (k2 - k1 + 1);
}

/// TwoNN intrinsic dimension of the rows of `data` (skdim.id.TwoNN(discard_fraction)). O(Q·N·d).
inline IntrinsicDimensionResult twonn_intrinsic_dimension(const Eigen::MatrixXd& data, const TwoNnOptions& opt = {}) {
  const char* where = "genlab::bias::twonn_intrinsic_dimension";
  opt.validate(where);
  detail::IdPrepared p = detail::prepare_id_data(data, opt.duplicates, opt.query_count, opt.seed, 2, where);
  const KnnResult nn = knn_self(data, 2, p.queries, opt.knn, p.rows);
  std::vector<double> mu(static_cast<std::size_t>(nn.distances.rows()));
  for (Eigen::Index i = 0; i < nn.distances.rows(); ++i) mu[static_cast<std::size_t>(i)] = nn.distances(i, 1) / nn.distances(i, 0);
  IntrinsicDimensionResult r = twonn_from_ratios(std::move(mu), opt);
  r.points = p.points;
  r.unique_points = p.unique_points;
  return r;
}

}  // namespace genlab::bias

#endif  // GENLAB_BIAS_INTRINSIC_DIMENSION_HPP
