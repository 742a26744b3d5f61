#ifndef GENLAB_BIAS_KNN_HPP
#define GENLAB_BIAS_KNN_HPP
// Exact k-nearest-neighbour distances (Euclidean) for intrinsic-dimension estimation and the
// resolution δ of P1. Squared distances come from blocked GEMM, ‖q‖² + ‖x‖² − 2 q·x (norms
// precomputed), over (query block × reference block) tiles, parallel over query blocks with OpenMP,
// in single precision by default; the survivors of each query are then re-measured directly as
// ‖q − x‖ in double, so the cancellation of the GEMM form never reaches the log-ratios of the
// estimators, and a rigorous rounding bound certifies that single precision lost no neighbour (a
// query it cannot certify is searched again exactly). Exact duplicates are found by hashing rows.
// Rows of every matrix are points.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <unordered_map>
#include <vector>

#include <Eigen/Dense>

#include "genlab/core/error.hpp"
#include "genlab/core/parallel.hpp"
#include "genlab/core/random.hpp"

namespace genlab::bias {

/// The k nearest neighbours of each query, nearest first.
struct KnnResult {
  Eigen::MatrixXd distances;                                           ///< queries × k, ascending
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> indices;  ///< positions in the reference set
  std::int64_t exact_fallbacks = 0;  ///< queries the float search could not certify, searched again in double
};

/// float32_certified: tiles in single precision (twice the GEMM rate), k + extra_candidates kept per
/// query, re-measured in double, and certified by a rigorous rounding bound (else that query is
/// searched again exactly); the result equals the float64 search. float64: tiles in double.
enum class KnnPrecision { float32_certified, float64 };

/// Tile sizes and precision of the blocked search (results do not depend on them beyond ties).
struct KnnOptions {
  Eigen::Index query_block = 256;
  Eigen::Index reference_block = 2048;
  KnnPrecision precision = KnnPrecision::float32_certified;
  int extra_candidates = 8;
  void validate(const char* where) const {
    core::require(query_block >= 1, where, "query_block", query_block, ">= 1");
    core::require(reference_block >= 1, where, "reference_block", reference_block, ">= 1");
    core::require(extra_candidates >= 0, where, "extra_candidates", extra_candidates, ">= 0");
  }
};

namespace detail {
inline void require_all_finite(const Eigen::MatrixXd& x, const char* where, const char* name) {
  if (x.allFinite()) return;
  for (Eigen::Index i = 0; i < x.rows(); ++i)
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      if (!std::isfinite(x(i, j)))
        core::throw_invalid_argument(where, name, x(i, j),
                                     "finite values (row " + std::to_string(i) + ", column " +
                                         std::to_string(j) + " is not)");
}

// Keeps the `keep` smallest squared distances (ascending, by insertion) of each query of a block
// over all reference tiles: d² = ‖q‖² + ‖r‖² − 2 q·r with q·r from GEMM in Scalar.
template <class Scalar>
void knn_scan(const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& R, const Eigen::VectorXd& rnorm,
              const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& Q, const Eigen::VectorXd& qnorm, int keep,
              const std::int64_t* skip, Eigen::Index rblock, double* best_d, std::int64_t* best_i) {
  const Eigen::Index qb = Q.rows(), nr = R.rows();
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> G;
  for (Eigen::Index r0 = 0; r0 < nr; r0 += rblock) {
    const Eigen::Index rb = std::min(rblock, nr - r0);
    G.noalias() = Q * R.middleRows(r0, rb).transpose();
    for (Eigen::Index i = 0; i < qb; ++i) {
      double* bd = best_d + i * keep;
      std::int64_t* bi = best_i + i * keep;
      const double qn = qnorm(i);
      for (Eigen::Index j = 0; j < rb; ++j) {
        const double d2 = qn + rnorm(r0 + j) - 2 * static_cast<double>(G(i, j));
        if (d2 >= bd[keep - 1] || r0 + j == skip[i]) continue;
        int p = keep - 1;
        while (p > 0 && bd[p - 1] > d2) {
          bd[p] = bd[p - 1];
          bi[p] = bi[p - 1];
          --p;
        }
        bd[p] = d2;
        bi[p] = r0 + j;
      }
    }
  }
}

// The search behind knn() and knn_self(): the reference set is the rows `ref_rows` of `data` (all
// rows when empty; no copy in double is made), query i is query_row(i) (a pointer to d doubles)
// and skips reference position skip_of(i) (−1: none).
template <class QueryRow, class SkipOf>
KnnResult knn_core(const Eigen::MatrixXd& data, const std::vector<std::int64_t>& ref_rows, Eigen::Index nq,
                   QueryRow query_row, SkipOf skip_of, int k, const KnnOptions& opt) {
  const Eigen::Index d = data.cols();
  const bool subset = !ref_rows.empty();
  const Eigen::Index nr = subset ? static_cast<Eigen::Index>(ref_rows.size()) : data.rows();
  auto ref_row = [&](Eigen::Index j) { return data.row(subset ? ref_rows[static_cast<std::size_t>(j)] : j); };
  const bool f32 = opt.precision == KnnPrecision::float32_certified;
  // Single precision works on centred coordinates: smaller norms, smaller rounding bound.
  Eigen::RowVectorXd centre = Eigen::RowVectorXd::Zero(d);
  Eigen::MatrixXf Rf;
  Eigen::MatrixXd Rd;
  Eigen::VectorXd rnorm(nr);
  if (f32) {
    // Column by column: the matrices are column-major, so this reads memory in order.
    Rf.resize(nr, d);
    core::parallel_for(d, [&](std::int64_t c) {
      const double* col = data.col(c).data();
      double sum = 0;
      for (Eigen::Index j = 0; j < nr; ++j) sum += col[subset ? ref_rows[static_cast<std::size_t>(j)] : j];
      centre(c) = sum / static_cast<double>(nr);
      float* out = Rf.col(c).data();
      for (Eigen::Index j = 0; j < nr; ++j)
        out[j] = static_cast<float>(col[subset ? ref_rows[static_cast<std::size_t>(j)] : j] - centre(c));
    });
    rnorm = Rf.cast<double>().rowwise().squaredNorm();
  } else if (subset) {
    Rd.resize(nr, d);
    for (Eigen::Index j = 0; j < nr; ++j) Rd.row(j) = ref_row(j);
  }
  const Eigen::MatrixXd& R = subset ? Rd : data;
  if (!f32) rnorm = R.rowwise().squaredNorm();
  const double r_max = std::sqrt(rnorm.maxCoeff());
  // Rounding bound (Higham, Accuracy and Stability, Thm 3.5): |fl(q·r) − q·r| <= γ_d Σ|q_i r_i|.
  constexpr double u = 5.9604644775390625e-08;  // 2^-24
  const double gamma = static_cast<double>(d) * u / (1 - static_cast<double>(d) * u);
  const int keep = f32 ? static_cast<int>(std::min<Eigen::Index>(k + opt.extra_candidates, nr)) : k;

  KnnResult out;
  out.distances.resize(nq, k);
  out.indices.resize(nq, k);
  std::vector<std::int64_t> fallbacks(static_cast<std::size_t>((nq + opt.query_block - 1) / opt.query_block), 0);
  core::parallel_for(static_cast<std::int64_t>(fallbacks.size()), [&](std::int64_t b) {
    const Eigen::Index q0 = b * opt.query_block;
    const Eigen::Index qb = std::min(opt.query_block, nq - q0);
    Eigen::MatrixXd Q(qb, d);
    std::vector<std::int64_t> skip(static_cast<std::size_t>(qb));
    for (Eigen::Index i = 0; i < qb; ++i) {
      Q.row(i) = Eigen::Map<const Eigen::RowVectorXd>(query_row(q0 + i), d);
      skip[static_cast<std::size_t>(i)] = skip_of(q0 + i);
    }
    std::vector<double> best_d(static_cast<std::size_t>(qb * keep), std::numeric_limits<double>::infinity());
    std::vector<std::int64_t> best_i(static_cast<std::size_t>(qb * keep), -1);
    Eigen::VectorXd qnorm(qb);
    if (f32) {
      const Eigen::MatrixXf Qf = (Q.rowwise() - centre).cast<float>();
      for (Eigen::Index i = 0; i < qb; ++i) qnorm(i) = Qf.row(i).cast<double>().squaredNorm();
      knn_scan<float>(Rf, rnorm, Qf, qnorm, keep, skip.data(), opt.reference_block, best_d.data(), best_i.data());
    } else {
      qnorm = Q.rowwise().squaredNorm();
      knn_scan<double>(R, rnorm, Q, qnorm, keep, skip.data(), opt.reference_block, best_d.data(), best_i.data());
    }
    // Re-measure the survivors exactly and re-sort (ties by index for determinism).
    std::vector<std::pair<double, std::int64_t>> row;
    for (Eigen::Index i = 0; i < qb; ++i) {
      row.clear();
      for (int c = 0; c < keep; ++c) {
        const std::int64_t j = best_i[static_cast<std::size_t>(i * keep + c)];
        if (j >= 0) row.push_back({(Q.row(i) - ref_row(j)).norm(), j});
      }
      std::sort(row.begin(), row.end());
      if (f32 && keep < nr - (skip[static_cast<std::size_t>(i)] >= 0 ? 1 : 0)) {
        // Every reference point left out has float d² >= c, so its exact squared distance to the
        // float-rounded points is >= c − 2γ‖q‖‖r‖, and rounding to float moved each point by at most
        // u‖·‖. If that lower bound exceeds the exact k-th distance, the k found are the k nearest.
        const double c = best_d[static_cast<std::size_t>(i * keep + keep - 1)];
        const double qn = std::sqrt(qnorm(i));
        const double e2 = 1.01 * 2 * gamma * qn * r_max + 1e-14 * (qnorm(i) + r_max * r_max);
        const double lower = std::sqrt(std::max(0.0, c - e2)) - 1.01 * u * (qn + r_max);
        if (!(lower > row[static_cast<std::size_t>(k - 1)].first)) {
          ++fallbacks[static_cast<std::size_t>(b)];
          row.clear();
          for (Eigen::Index j = 0; j < nr; ++j)
            if (j != skip[static_cast<std::size_t>(i)]) row.push_back({(Q.row(i) - ref_row(j)).norm(), j});
          std::partial_sort(row.begin(), row.begin() + k, row.end());
        }
      }
      for (int c = 0; c < k; ++c) {
        out.distances(q0 + i, c) = row[static_cast<std::size_t>(c)].first;
        out.indices(q0 + i, c) = row[static_cast<std::size_t>(c)].second;
      }
    }
  });
  for (std::int64_t f : fallbacks) out.exact_fallbacks += f;
  return out;
}
}  // namespace detail

/// k nearest reference rows of each query row. `query_ids[i]`, when given (same length as the
/// query rows), is the reference row that query i *is*; that row is skipped so a point is not its
/// own neighbour (other exact duplicates are kept, at distance 0). Distances are exact (re-measured
/// as ‖q − x‖ in double); the search tiles (query block × reference block) through GEMM, in single
/// precision with a certified rounding bound by default (KnnOptions::precision), parallel over query
/// blocks. O(Q·N·d) flops, O(N·d) floats for the single-precision copy. Throws if k < 1, k exceeds
/// the usable reference rows, the dimensions differ or any value is not finite.
inline KnnResult knn(const Eigen::MatrixXd& reference, const Eigen::MatrixXd& queries, int k,
                     const std::vector<std::int64_t>& query_ids = {}, const KnnOptions& opt = {}) {
  const char* where = "genlab::bias::knn";
  opt.validate(where);
  core::require(k >= 1, where, "k", k, ">= 1");
  core::require(queries.cols() == reference.cols(), where, "queries.cols()", queries.cols(),
                "the reference's column count " + std::to_string(reference.cols()));
  const bool self = !query_ids.empty();
  if (self)
    core::require(static_cast<Eigen::Index>(query_ids.size()) == queries.rows(), where, "query_ids.size()",
                  query_ids.size(), "one id per query row");
  const Eigen::Index usable = reference.rows() - (self ? 1 : 0);
  core::require(k <= usable, where, "k", k,
                "<= the number of candidate neighbours (" + std::to_string(usable) +
                    "): fewer points than neighbours");
  detail::require_all_finite(reference, where, "reference");
  detail::require_all_finite(queries, where, "queries");
  std::vector<double> qbuf(static_cast<std::size_t>(queries.size()));
  for (Eigen::Index i = 0; i < queries.rows(); ++i)
    for (Eigen::Index j = 0; j < queries.cols(); ++j) qbuf[static_cast<std::size_t>(i * queries.cols() + j)] = queries(i, j);
  return detail::knn_core(
      reference, {}, queries.rows(), [&](Eigen::Index i) { return qbuf.data() + i * queries.cols(); },
      [&](Eigen::Index i) { return self ? query_ids[static_cast<std::size_t>(i)] : std::int64_t{-1}; }, k, opt);
}

/// k nearest neighbours of the reference-set positions listed in `query_rows` (all when empty)
/// among the reference set, each excluding itself. The reference set is the rows `reference_rows`
/// of `data` (all rows when empty; e.g. the distinct rows from unique_rows()), taken in place.
inline KnnResult knn_self(const Eigen::MatrixXd& data, int k, const std::vector<std::int64_t>& query_rows = {},
                          const KnnOptions& opt = {}, const std::vector<std::int64_t>& reference_rows = {}) {
  const char* where = "genlab::bias::knn_self";
  opt.validate(where);
  const Eigen::Index nr = reference_rows.empty() ? data.rows() : static_cast<Eigen::Index>(reference_rows.size());
  for (std::int64_t r : reference_rows)
    core::require(r >= 0 && r < data.rows(), where, "reference_rows[i]", r,
                  "a row index in [0, " + std::to_string(data.rows()) + ")");
  core::require(k >= 1, where, "k", k, ">= 1");
  core::require(k <= nr - 1, where, "k", k,
                "<= the number of candidate neighbours (" + std::to_string(nr - 1) + "): fewer points than neighbours");
  for (std::int64_t q : query_rows)
    core::require(q >= 0 && q < nr, where, "query_rows[i]", q, "a position in [0, " + std::to_string(nr) + ")");
  detail::require_all_finite(data, where, "data");
  const Eigen::Index nq = query_rows.empty() ? nr : static_cast<Eigen::Index>(query_rows.size());
  auto position = [&](Eigen::Index i) { return query_rows.empty() ? static_cast<std::int64_t>(i) : query_rows[static_cast<std::size_t>(i)]; };
  // Rows of a column-major matrix are strided: gather each query row once.
  std::vector<double> qbuf(static_cast<std::size_t>(nq * data.cols()));
  for (Eigen::Index i = 0; i < nq; ++i) {
    const std::int64_t p = position(i);
    const Eigen::Index r = reference_rows.empty() ? p : reference_rows[static_cast<std::size_t>(p)];
    for (Eigen::Index j = 0; j < data.cols(); ++j) qbuf[static_cast<std::size_t>(i * data.cols() + j)] = data(r, j);
  }
  return detail::knn_core(
      data, reference_rows, nq, [&](Eigen::Index i) { return qbuf.data() + i * data.cols(); }, position, k, opt);
}

/// Indices of the first occurrence of every distinct row (exact equality; −0 equals +0), in
/// increasing order. O(N·d) expected.
inline std::vector<std::int64_t> unique_rows(const Eigen::MatrixXd& data) {
  const Eigen::Index n = data.rows(), d = data.cols();
  auto row_hash = [&](Eigen::Index i) {
    std::uint64_t h = 1469598103934665603ull;
    for (Eigen::Index j = 0; j < d; ++j) {
      double v = data(i, j);
      if (v == 0) v = 0;  // fold −0 into +0
      std::uint64_t bits;
      std::memcpy(&bits, &v, sizeof bits);
      h = (h ^ bits) * 1099511628211ull;
      h ^= h >> 29;
    }
    return h;
  };
  std::unordered_map<std::uint64_t, std::vector<std::int64_t>> seen;
  seen.reserve(static_cast<std::size_t>(n));
  std::vector<std::int64_t> keep;
  keep.reserve(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    auto& bucket = seen[row_hash(i)];
    bool dup = false;
    for (std::int64_t j : bucket)
      if (data.row(i) == data.row(j)) {
        dup = true;
        break;
      }
    if (!dup) {
      bucket.push_back(i);
      keep.push_back(i);
    }
  }
  return keep;
}

/// `count` distinct indices drawn uniformly from [0, n) with Philox stream (seed, 0); all of them,
/// in order, when count >= n. Same draw on every machine and thread count.
inline std::vector<std::int64_t> sample_without_replacement(std::int64_t n, std::int64_t count, std::uint64_t seed) {
  std::vector<std::int64_t> idx(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) idx[static_cast<std::size_t>(i)] = i;
  if (count >= n) return idx;
  core::Philox4x32 g = core::philox_stream(seed, 0);
  // Partial Fisher–Yates: the first `count` slots become the sample.
  for (std::int64_t i = 0; i < count; ++i) {
    const auto j = i + static_cast<std::int64_t>(core::uniform_index(g, static_cast<std::uint32_t>(n - i)));
    std::swap(idx[static_cast<std::size_t>(i)], idx[static_cast<std::size_t>(j)]);
  }
  idx.resize(static_cast<std::size_t>(count));
  return idx;
}

}  // namespace genlab::bias

#endif  // GENLAB_BIAS_KNN_HPP
