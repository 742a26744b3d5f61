#ifndef GENLAB_BIAS_KNN_HPP
#define GENLAB_BIAS_KNN_HPP
// Exact k-nearest-neighbour distances (Euclidean) for intrinsic-dimension estimation and the
// resolution δ of P1. Squared distances come from blocked GEMM, ‖q‖² + ‖x‖² − 2 q·x, over
// (query block × reference block) tiles, parallel over query blocks with OpenMP; the k survivors
// of each query are then re-measured directly as ‖q − x‖ so the cancellation of the GEMM form
// never reaches the log-ratios of the estimators. Exact duplicates are found by hashing rows.
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
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> indices;  ///< row indices into the reference
};

/// Tile sizes of the blocked search (tuning only; results do not depend on them beyond ties).
struct KnnOptions {
  Eigen::Index query_block = 128;
  Eigen::Index reference_block = 1024;
  void validate(const char* where) const {
    core::require(query_block >= 1, where, "query_block", query_block, ">= 1");
    core::require(reference_block >= 1, where, "reference_block", reference_block, ">= 1");
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
}  // namespace detail

/// k nearest reference rows of each query row. `query_ids[i]`, when given (same length as the
/// query rows), is the reference row that query i *is*; that row is skipped so a point is not its
/// own neighbour (other exact duplicates are kept, at distance 0). O(Q·N·d) flops through GEMM,
/// O(Q·k) memory beyond the tiles. Throws if k < 1, k exceeds the usable reference rows, the
/// dimensions differ or any value is not finite.
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

  const Eigen::Index nq = queries.rows(), nr = reference.rows();
  const Eigen::VectorXd rnorm = reference.rowwise().squaredNorm();
  KnnResult out;
  out.distances.resize(nq, k);
  out.indices.resize(nq, k);
  const Eigen::Index nblocks = (nq + opt.query_block - 1) / opt.query_block;
  core::parallel_for(nblocks, [&](std::int64_t b) {
    const Eigen::Index q0 = b * opt.query_block;
    const Eigen::Index qb = std::min(opt.query_block, nq - q0);
    const Eigen::MatrixXd Q = queries.middleRows(q0, qb);
    const Eigen::VectorXd qnorm = Q.rowwise().squaredNorm();
    // Per query: k best (squared distance, index), kept sorted ascending by insertion.
    std::vector<double> best_d(static_cast<std::size_t>(qb * k), std::numeric_limits<double>::infinity());
    std::vector<std::int64_t> best_i(static_cast<std::size_t>(qb * k), -1);
    Eigen::MatrixXd G;
    for (Eigen::Index r0 = 0; r0 < nr; r0 += opt.reference_block) {
      const Eigen::Index rb = std::min(opt.reference_block, nr - r0);
      G.noalias() = Q * reference.middleRows(r0, rb).transpose();
      for (Eigen::Index i = 0; i < qb; ++i) {
        double* bd = best_d.data() + i * k;
        std::int64_t* bi = best_i.data() + i * k;
        const std::int64_t skip = self ? query_ids[static_cast<std::size_t>(q0 + i)] : -1;
        for (Eigen::Index j = 0; j < rb; ++j) {
          const double d2 = std::max(0.0, qnorm(i) + rnorm(r0 + j) - 2 * G(i, j));
          if (d2 >= bd[k - 1] || r0 + j == skip) continue;
          int p = k - 1;
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
    // Re-measure the survivors exactly and re-sort (ties by index for determinism).
    std::vector<std::pair<double, std::int64_t>> row(static_cast<std::size_t>(k));
    for (Eigen::Index i = 0; i < qb; ++i) {
      for (int c = 0; c < k; ++c) {
        const std::int64_t j = best_i[static_cast<std::size_t>(i * k + c)];
        row[static_cast<std::size_t>(c)] = {(Q.row(i) - reference.row(j)).norm(), j};
      }
      std::sort(row.begin(), row.end());
      for (int c = 0; c < k; ++c) {
        out.distances(q0 + i, c) = row[static_cast<std::size_t>(c)].first;
        out.indices(q0 + i, c) = row[static_cast<std::size_t>(c)].second;
      }
    }
  });
  return out;
}

/// k nearest neighbours of the data rows listed in `query_rows` (all rows when empty) among all
/// rows of `data`, each excluding itself.
inline KnnResult knn_self(const Eigen::MatrixXd& data, int k, const std::vector<std::int64_t>& query_rows = {},
                          const KnnOptions& opt = {}) {
  std::vector<std::int64_t> ids = query_rows;
  if (ids.empty()) {
    ids.resize(static_cast<std::size_t>(data.rows()));
    for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::int64_t>(i);
  }
  Eigen::MatrixXd q(static_cast<Eigen::Index>(ids.size()), data.cols());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    core::require(ids[i] >= 0 && ids[i] < data.rows(), "genlab::bias::knn_self", "query_rows[i]", ids[i],
                  "a row index in [0, " + std::to_string(data.rows()) + ")");
    q.row(static_cast<Eigen::Index>(i)) = data.row(ids[i]);
  }
  return knn(data, q, k, ids, opt);
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
