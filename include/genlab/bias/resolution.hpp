#ifndef GENLAB_BIAS_RESOLUTION_HPP
#define GENLAB_BIAS_RESOLUTION_HPP
// Inputs of P1's classification form estimated from labelled data (task_difficulty.py,
// classification_task_difficulty): the radius R = max ‖x‖₂ and the resolution δ = the minimum
// distance between points of different classes, by
//  * sample_delta: the exact minimum over S random points (pairs closer than `min_distance`,
//    near-duplicates, are masked, as in the reference: threshold 1);
//  * evt_delta: an extreme-value extrapolation (Dekkers–Einmahl–de Haan moment estimator) of
//    max 1/‖x_i − x_j‖ over all ≈ n²(1 − 1/C) pairs with different labels, from S sampled pairs:
//      y = 1/d sorted ascending, u = y_(S−k), Y_1..Y_k the top k,
//      M1 = mean ln(Y/u), M2 = mean ln²(Y/u), γ = M1 + 1 − ½/(1 − M1²/M2),
//      a = k·n²(1 − 1/C)/S, ŷ_max = u + u·M1·(a^γ − 1)/γ,  δ = min(1/ŷ_max, smallest sampled d).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <vector>

#include <Eigen/Dense>

#include "genlab/bias/knn.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/parallel.hpp"
#include "genlab/core/random.hpp"

namespace genlab::bias {

/// R = max_i ‖x_i‖₂ over the rows. O(N·d). Throws on empty or non-finite data.
inline double data_radius(const Eigen::MatrixXd& x) {
  core::require(x.rows() >= 1, "genlab::bias::data_radius", "data.rows()", x.rows(), ">= 1");
  detail::require_all_finite(x, "genlab::bias::data_radius", "data");
  return x.rowwise().norm().maxCoeff();
}

namespace detail {
inline void check_labels(const Eigen::MatrixXd& x, const std::vector<int>& labels, const char* where) {
  core::require(static_cast<Eigen::Index>(labels.size()) == x.rows(), where, "labels.size()", labels.size(),
                "data.rows() = " + std::to_string(x.rows()));
  detail::require_all_finite(x, where, "data");
  const std::set<int> distinct(labels.begin(), labels.end());
  core::require(distinct.size() >= 2, where, "distinct labels", distinct.size(), ">= 2 classes");
}
}  // namespace detail

struct SampleDeltaOptions {
  std::int64_t samples = 30000;  ///< S random points (all when S >= N)
  double min_distance = 1.0;     ///< pairs closer than this are near-duplicates and ignored
  std::uint64_t seed = 0;
  Eigen::Index block = 512;
};

/// sample_delta: min ‖x_i − x_j‖ over pairs of the S sampled points with different labels and
/// distance >= min_distance. O(S²·d) through blocked GEMM, parallel over row blocks.
/// Throws if no pair qualifies.
inline double sample_delta(const Eigen::MatrixXd& x, const std::vector<int>& labels, const SampleDeltaOptions& opt = {}) {
  const char* where = "genlab::bias::sample_delta";
  detail::check_labels(x, labels, where);
  core::require(opt.samples >= 2, where, "samples", opt.samples, ">= 2");
  core::require(opt.min_distance >= 0, where, "min_distance", opt.min_distance, ">= 0");
  core::require(opt.block >= 1, where, "block", opt.block, ">= 1");
  const auto idx = sample_without_replacement(x.rows(), opt.samples, opt.seed);
  const auto s = static_cast<Eigen::Index>(idx.size());
  Eigen::MatrixXd p(s, x.cols());
  std::vector<int> lab(idx.size());
  for (Eigen::Index i = 0; i < s; ++i) {
    p.row(i) = x.row(idx[static_cast<std::size_t>(i)]);
    lab[static_cast<std::size_t>(i)] = labels[static_cast<std::size_t>(idx[static_cast<std::size_t>(i)])];
  }
  const Eigen::VectorXd nrm = p.rowwise().squaredNorm();
  const Eigen::Index nb = (s + opt.block - 1) / opt.block;
  std::vector<double> best(static_cast<std::size_t>(nb), std::numeric_limits<double>::infinity());
  const double thr2 = opt.min_distance * opt.min_distance;
  core::parallel_for(nb, [&](std::int64_t b) {
    const Eigen::Index r0 = b * opt.block, rb = std::min(opt.block, s - r0);
    // Upper triangle only: columns from r0 on.
    const Eigen::MatrixXd G = p.middleRows(r0, rb) * p.bottomRows(s - r0).transpose();
    double m = std::numeric_limits<double>::infinity();
    for (Eigen::Index j = 0; j < G.cols(); ++j)
      for (Eigen::Index i = 0; i < rb; ++i) {
        const Eigen::Index a = r0 + i, c = r0 + j;
        if (c <= a || lab[static_cast<std::size_t>(a)] == lab[static_cast<std::size_t>(c)]) continue;
        const double d2 = nrm(a) + nrm(c) - 2 * G(i, j);
        // Re-measure candidates near the current minimum or the threshold exactly (GEMM cancellation).
        if (d2 < m * m * (1 + 1e-6) + 1e-9) {
          const double d = (p.row(a) - p.row(c)).norm();
          if (d * d >= thr2 && d < m) m = d;
        }
      }
    best[static_cast<std::size_t>(b)] = m;
  });
  const double m = *std::min_element(best.begin(), best.end());
  core::require(std::isfinite(m), where, "qualifying pairs", 0,
                ">= 1 pair with different labels at distance >= min_distance");
  return m;
}

struct EvtDeltaOptions {
  std::int64_t pairs = 4000000;  ///< S sampled pairs with different labels
  std::int64_t k = 2000;         ///< top order statistics used
  std::uint64_t seed = 0;
};

/// Result of evt_delta with its intermediates.
struct EvtDelta {
  double delta = 0;              ///< min(1/ŷ_max, smallest sampled distance)
  double gamma = 0;              ///< extreme-value index γ̂
  double y_max = 0;              ///< extrapolated max of 1/d
  double smallest_sampled = 0;   ///< min sampled distance
  double threshold = 0;          ///< u
};

/// evt_delta (see the file comment). Pairs (i, j), i != j with different labels, are drawn from
/// Philox stream (seed, pair index) so the draw is independent of the thread count; pairs at
/// distance 0 (exact duplicates) are redrawn. O(S·d + S log S).
inline EvtDelta evt_delta(const Eigen::MatrixXd& x, const std::vector<int>& labels, const EvtDeltaOptions& opt = {}) {
  const char* where = "genlab::bias::evt_delta";
  detail::check_labels(x, labels, where);
  core::require(opt.k >= 2, where, "k", opt.k, ">= 2");
  core::require(opt.pairs > opt.k + 1, where, "pairs", opt.pairs, "> k + 1");
  core::require(x.rows() <= 0xffffffffLL, where, "data.rows()", x.rows(), "< 2^32");
  const auto n = static_cast<std::uint32_t>(x.rows());
  std::vector<double> y(static_cast<std::size_t>(opt.pairs));
  core::parallel_for(opt.pairs, [&](std::int64_t s) {
    core::Philox4x32 g = core::philox_stream(opt.seed, static_cast<std::uint64_t>(s));
    y[static_cast<std::size_t>(s)] = std::numeric_limits<double>::quiet_NaN();  // no exceptions inside OpenMP
    for (int attempt = 0; attempt < 100000; ++attempt) {
      const auto i = core::uniform_index(g, n), j = core::uniform_index(g, n);
      if (i == j || labels[i] == labels[j]) continue;
      const double d = (x.row(i) - x.row(j)).norm();
      if (d == 0) continue;
      y[static_cast<std::size_t>(s)] = 1 / d;
      return;
    }
  });
  for (double v : y)
    core::require(!std::isnan(v), where, "data", "no usable pair in 100000 draws",
                  "pairs with different labels at distance > 0");
  std::sort(y.begin(), y.end());
  const std::size_t S = y.size(), k = static_cast<std::size_t>(opt.k);
  EvtDelta r;
  r.threshold = y[S - k - 1];
  double m1 = 0, m2 = 0;
  for (std::size_t i = S - k; i < S; ++i) {
    const double l = std::log(y[i] / r.threshold);
    m1 += l;
    m2 += l * l;
  }
  m1 /= static_cast<double>(k);
  m2 /= static_cast<double>(k);
  r.gamma = m1 + 1 - 0.5 / (1 - m1 * m1 / m2);
  // Class proportions for n²(1 − 1/C): the reference uses the number of classes C.
  const double C = static_cast<double>(std::set<int>(labels.begin(), labels.end()).size());
  const double a = static_cast<double>(k) * double(n) * double(n) * (1 - 1 / C) / static_cast<double>(S);
  r.y_max = r.gamma == 0 ? r.threshold + r.threshold * m1 * std::log(a)
                         : r.threshold + r.threshold * m1 * (std::pow(a, r.gamma) - 1) / r.gamma;
  r.smallest_sampled = 1 / y.back();
  r.delta = std::min(1 / r.y_max, r.smallest_sampled);
  return r;
}

}  // namespace genlab::bias

#endif  // GENLAB_BIAS_RESOLUTION_HPP
