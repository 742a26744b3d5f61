#ifndef GENLAB_SAMPLE_GAUSSIAN_PROCESS_HPP
#define GENLAB_SAMPLE_GAUSSIAN_PROCESS_HPP
// Gaussian-process posterior hypotheses: the kernel hypothesis space of exact inductive bias
// (Boopathy et al., "Towards Exact Computation of Inductive Bias", IJCAI 2024, Algorithm 1 and
// §3.3).
//
// A hypothesis is the test-set prediction F = μ + A Z, Z ∈ R^{N_t×k} i.i.d. N(0, 1), with the
// factor A = U Λ^{1/2} of the posterior covariance Σ = U Λ Uᵀ (eigenvalues below zero, from
// rounding, clipped to 0). Any A with AAᵀ = Σ gives the same law; this one makes the MSE of the
// very same hypothesis computable in the eigenbasis in O(N_t k):
//     MSE = ‖A Z + μ − Y‖² / (N_t k) = Σ_{i,c} (√λ_i z_ic + d_ic)² / (N_t k),  D = Uᵀ(μ − Y),
// because U is orthogonal. Its law is the generalized χ² of gp_loss_law().
//
// Hypothesis i's Z is the first N_t·k normals of philox_stream(seed, i), column-major (column c
// of Z is output c) — exactly the values curand_normal_double gives after curand_init(seed, i, 0).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "genlab/core/parallel.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/progress.hpp"
#include "genlab/sample/detail/parallel.hpp"
#include "genlab/sample/generalized_chi_square.hpp"
#include "genlab/sample/loss_sample.hpp"
#include "genlab/sample/normals.hpp"

namespace genlab::sample {

/// The test-set predictive law of a GP posterior with k output columns.
struct GpHypothesisSpace {
  Eigen::MatrixXd mean;        // N_t x k posterior mean at the test points
  Eigen::MatrixXd covariance;  // N_t x N_t posterior covariance, shared by the k columns
  Eigen::MatrixXd targets;     // N_t x k test targets (one-hot rows for classification)

  Eigen::Index test_points() const { return mean.rows(); }
  Eigen::Index outputs() const { return mean.cols(); }

  /// Throws std::invalid_argument on inconsistent shapes, non-finite entries or a covariance
  /// that is not symmetric (relative 1e-8).
  void validate() const {
    constexpr const char* where = "genlab::sample::GpHypothesisSpace";
    core::require(mean.rows() >= 1 && mean.cols() >= 1, where, "mean.rows() * mean.cols()", mean.size(),
                  ">= 1 (at least one test point and one output)");
    core::require(covariance.rows() == mean.rows() && covariance.cols() == mean.rows(), where,
                  "covariance.rows() x covariance.cols()",
                  std::to_string(covariance.rows()) + " x " + std::to_string(covariance.cols()),
                  "N_t x N_t with N_t = mean.rows() = " + std::to_string(mean.rows()));
    core::require(targets.rows() == mean.rows() && targets.cols() == mean.cols(), where,
                  "targets.rows() x targets.cols()", std::to_string(targets.rows()) + " x " + std::to_string(targets.cols()),
                  "the shape of mean, " + std::to_string(mean.rows()) + " x " + std::to_string(mean.cols()));
    core::require(mean.allFinite(), where, "mean", "non-finite entry", "finite entries");
    core::require(covariance.allFinite(), where, "covariance", "non-finite entry", "finite entries");
    core::require(targets.allFinite(), where, "targets", "non-finite entry", "finite entries");
    const double scale = std::max(covariance.cwiseAbs().maxCoeff(), 1e-300);
    const double asym = (covariance - covariance.transpose()).cwiseAbs().maxCoeff();
    core::require(asym <= 1e-8 * scale, where, "max |covariance - covariance^T|", asym,
                  "<= 1e-8 * max |covariance| (a symmetric matrix)");
  }
};

/// The precomputed factorization every GP sampler (CPU, CUDA, MPI) works from.
struct GpFactor {
  Eigen::MatrixXd factor;            // A = U diag(√λ), N_t x N_t
  Eigen::VectorXd sqrt_eigenvalues;  // √λ_i (clipped at 0), ascending
  Eigen::MatrixXd eigenvectors;      // U
  Eigen::MatrixXd mean;              // μ, N_t x k
  Eigen::MatrixXd residual;          // R = μ − Y, N_t x k
  Eigen::MatrixXd rotated_residual;  // D = Uᵀ R, N_t x k
  std::vector<int> target_labels;    // argmax of each target row (first maximum)
  double clipped_eigenvalue = 0.0;   // most negative eigenvalue that was clipped to 0 (0 if none)

  Eigen::Index test_points() const { return mean.rows(); }
  Eigen::Index outputs() const { return mean.cols(); }
};

namespace detail {
inline int row_argmax(const double* row, Eigen::Index k, Eigen::Index stride) {
  int best = 0;
  for (Eigen::Index c = 1; c < k; ++c)
    if (row[c * stride] > row[best * stride]) best = static_cast<int>(c);
  return best;
}
}  // namespace detail

/// Eigendecomposes the posterior covariance (O(N_t³)) and precomputes A, D and the target
/// labels. Throws std::invalid_argument if Σ has an eigenvalue below −1e-6·λ_max (not a
/// covariance, beyond rounding).
inline GpFactor factor_gp(const GpHypothesisSpace& space) {
  const core::SingleThreadedProducts one_thread;  // bits independent of the thread count (core/parallel.hpp)
  space.validate();
  const Eigen::MatrixXd sym = 0.5 * (space.covariance + space.covariance.transpose());
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(sym);
  core::require(eig.info() == Eigen::Success, "genlab::sample::factor_gp", "covariance", "eigensolver failure",
                "a symmetric matrix the eigensolver converges on");
  const Eigen::VectorXd& lambda = eig.eigenvalues();
  const double lambda_max = std::max(lambda.maxCoeff(), 0.0);
  core::require(lambda.minCoeff() >= -1e-6 * std::max(lambda_max, 1e-300), "genlab::sample::factor_gp",
                "min eigenvalue of covariance", lambda.minCoeff(),
                ">= -1e-6 * max eigenvalue (a positive semidefinite covariance up to rounding)");
  GpFactor f;
  f.eigenvectors = eig.eigenvectors();
  f.sqrt_eigenvalues = lambda.cwiseMax(0.0).cwiseSqrt();
  f.clipped_eigenvalue = std::min(lambda.minCoeff(), 0.0);
  f.factor = f.eigenvectors * f.sqrt_eigenvalues.asDiagonal();
  f.mean = space.mean;
  f.residual = space.mean - space.targets;
  f.rotated_residual = f.eigenvectors.transpose() * f.residual;
  f.target_labels.resize(static_cast<std::size_t>(space.targets.rows()));
  for (Eigen::Index r = 0; r < space.targets.rows(); ++r)
    f.target_labels[static_cast<std::size_t>(r)] =
        detail::row_argmax(space.targets.data() + r, space.targets.cols(), space.targets.rows());
  return f;
}

/// One eigen-direction i of the posterior covariance Σ = U Λ Uᵀ in the law of the test MSE:
/// Σ_c (√λ_i z_ic + d_ic)²/(N_t k) = w_i χ'²_k(δ_i), or the constant Σ_c d_ic²/(N_t k) when λ_i is
/// negligible (λ_i <= 1e-14·λ_max, or 0 after clipping).
struct GpLossTerm {
  Eigen::Index eigen_index = 0;  ///< i: column of GpFactor::eigenvectors (ascending eigenvalue)
  double eigenvalue = 0;         ///< λ_i, clipped at 0
  bool in_offset = false;        ///< λ_i negligible: the term is the constant `offset`, not a χ² term
  double weight = 0;             ///< w_i = λ_i/(N_t k) (0 when in_offset)
  double dof = 0;                ///< h_i = k, the number of output columns (0 when in_offset)
  double noncentrality = 0;      ///< δ_i = Σ_c d_ic²/λ_i, d = Uᵀ(μ − Y) (0 when in_offset)
  double offset = 0;             ///< Σ_c d_ic²/(N_t k) when in_offset, else 0
};

/// Every eigen-direction's term of the GP loss law, in the documented order: i = 0, 1, ..., N_t − 1,
/// ascending eigenvalue λ_i (GpFactor::sqrt_eigenvalues' order, Eigen's SelfAdjointEigenSolver's).
/// gp_loss_law() is exactly these terms: its j-th χ² term is the j-th term with in_offset = false,
/// its offset the sum of the in_offset terms' offsets in this order. O(N_t k).
inline std::vector<GpLossTerm> gp_loss_terms(const GpFactor& f) {
  std::vector<GpLossTerm> terms;
  terms.reserve(static_cast<std::size_t>(f.sqrt_eigenvalues.size()));
  const double scale = static_cast<double>(f.test_points() * f.outputs());
  const double lambda_max = f.sqrt_eigenvalues.size() ? f.sqrt_eigenvalues.maxCoeff() * f.sqrt_eigenvalues.maxCoeff() : 0.0;
  for (Eigen::Index i = 0; i < f.sqrt_eigenvalues.size(); ++i) {
    GpLossTerm t;
    t.eigen_index = i;
    t.eigenvalue = f.sqrt_eigenvalues[i] * f.sqrt_eigenvalues[i];
    const double d2 = f.rotated_residual.row(i).squaredNorm();
    if (t.eigenvalue > 1e-14 * lambda_max && t.eigenvalue > 0.0) {
      t.weight = t.eigenvalue / scale;
      t.dof = static_cast<double>(f.outputs());
      t.noncentrality = d2 / t.eigenvalue;
    } else {
      t.in_offset = true;
      t.offset = d2 / scale;
    }
    terms.push_back(t);
  }
  return terms;
}

/// The exact law of a GP hypothesis's test MSE (IJCAI 2024, §3.3): L = offset + Σ_i w_i χ'²_k(δ_i) with
/// w_i = λ_i/(N_t k), δ_i = Σ_c d_ic²/λ_i; eigen-directions with λ_i <= 1e-14·λ_max contribute
/// the constant Σ_c d_ic²/(N_t k) to the offset instead. Terms in gp_loss_terms()' order
/// (ascending λ_i). O(N_t k).
inline GeneralizedChiSquare gp_loss_law(const GpFactor& f) {
  GeneralizedChiSquare law;
  for (const GpLossTerm& t : gp_loss_terms(f)) {
    if (t.in_offset) {
      law.offset += t.offset;
    } else {
      law.weights.push_back(t.weight);
      law.dof.push_back(t.dof);
      law.noncentrality.push_back(t.noncentrality);
    }
  }
  return law;
}
inline GeneralizedChiSquare gp_loss_law(const GpHypothesisSpace& space) { return gp_loss_law(factor_gp(space)); }

/// Hypotheses per GEMM tile: tiles are aligned to absolute hypothesis indices and always have
/// this many column groups (unused ones are zero), so every hypothesis goes through a GEMM of
/// the same shape wherever it is computed — shards, blocks and thread counts agree bit for bit.
inline Eigen::Index gp_tile_hypotheses(Eigen::Index outputs) {
  return std::max<Eigen::Index>(1, (64 + outputs - 1) / outputs);
}

/// Losses of GP hypotheses [begin, end) under `seed` (see the header comment for hypothesis i).
/// With options.classification_error (default) it forms the predictions F = μ + A Z
/// (GEMM-bound, O(N_t² k) per hypothesis) and returns MSE and argmax error (needs k >= 2);
/// otherwise it returns the MSE of the same hypotheses in the eigenbasis, O(N_t k) each.
/// Memory: O(threads · N_t · k · tile) scratch plus the results. Results do not depend on
/// options.threads or options.block.
inline LossSample sample_gp_losses(const GpFactor& f, std::uint64_t seed, std::uint64_t begin, std::uint64_t end,
                                   const SampleOptions& options = {}) {
  constexpr const char* where = "genlab::sample::sample_gp_losses";
  options.validate(where);
  core::require(begin <= end, where, "end", end, ">= begin = " + std::to_string(begin));
  const Eigen::Index nt = f.test_points(), k = f.outputs();
  if (options.classification_error)
    core::require(k >= 2, where, "outputs (k)", k,
                  ">= 2 for classification error (one-hot targets); set options.classification_error = false for regression");
  LossSample out;
  out.seed = seed;
  out.begin = begin;
  out.end = end;
  const std::size_t n = static_cast<std::size_t>(end - begin);
  out.mse.assign(n, 0.0);
  if (options.classification_error) out.error.assign(n, 0.0);
  if (n == 0) return out;
  const double inv_scale = 1.0 / static_cast<double>(nt * k);
  core::ProgressOptions popt;
  popt.quiet = options.quiet;
  core::Progress progress("sample_gp_losses", n, popt);

  if (!options.classification_error) {
    // Eigenbasis path: L = Σ (s_i z_ic + d_ic)² / (N_t k), one hypothesis per task, the normals
    // generated in L1-sized chunks and consumed at once (weighted_normal_square_sum).
    std::vector<double> w(static_cast<std::size_t>(nt * k));  // √λ tiled over the k columns
    for (Eigen::Index c = 0; c < k; ++c)
      for (Eigen::Index i = 0; i < nt; ++i) w[static_cast<std::size_t>(c * nt + i)] = f.sqrt_eigenvalues[i];
    for (std::uint64_t b0 = begin; b0 < end; b0 += std::min<std::uint64_t>(options.block, end - b0)) {
      const std::uint64_t b1 = std::min<std::uint64_t>(end, b0 + options.block);
      detail::parallel_for_scratch(
          static_cast<std::int64_t>(b1 - b0), options.threads, [] { return 0; },
          [&](std::int64_t j, int&) {
            const std::uint64_t h = b0 + static_cast<std::uint64_t>(j);
            out.mse[static_cast<std::size_t>(h - begin)] =
                weighted_normal_square_sum(seed, h, w.data(), f.rotated_residual.data(), w.size()) * inv_scale;
          });
      progress.add(static_cast<std::size_t>(b1 - b0));
    }
    progress.finish();
    return out;
  }

  // Prediction path: tiles of `tile` hypotheses, G = A [Z_h ...] in one GEMM per tile.
  const auto tile = static_cast<std::uint64_t>(gp_tile_hypotheses(k));
  const Eigen::Index cols = static_cast<Eigen::Index>(tile) * k;
  struct Scratch {
    Eigen::MatrixXd z, g;
  };
  const std::uint64_t first_tile = begin / tile, last_tile = (end - 1) / tile + 1;
  const std::uint64_t tiles_per_block = std::max<std::uint64_t>(1, options.block / tile);
  for (std::uint64_t t0 = first_tile; t0 < last_tile; t0 += tiles_per_block) {
    const std::uint64_t t1 = std::min(last_tile, t0 + tiles_per_block);
    detail::parallel_for_scratch(
        static_cast<std::int64_t>(t1 - t0), options.threads,
        [&] { return Scratch{Eigen::MatrixXd::Zero(nt, cols), Eigen::MatrixXd(nt, cols)}; },
        [&](std::int64_t jt, Scratch& s) {
          const std::uint64_t t = t0 + static_cast<std::uint64_t>(jt);
          const std::uint64_t h0 = std::max(begin, t * tile), h1 = std::min(end, (t + 1) * tile);
          s.z.setZero();
          for (std::uint64_t h = h0; h < h1; ++h)
            fill_normals(seed, h, s.z.data() + static_cast<Eigen::Index>(h - t * tile) * k * nt,
                         static_cast<std::size_t>(nt * k));
          s.g.noalias() = f.factor * s.z;
          for (std::uint64_t h = h0; h < h1; ++h) {
            const Eigen::Index c0 = static_cast<Eigen::Index>(h - t * tile) * k;
            double sq = 0.0;
            std::size_t wrong = 0;
            for (Eigen::Index c = 0; c < k; ++c) {
              double* gc = s.g.data() + (c0 + c) * nt;
              const double* mc = f.mean.data() + c * nt;
              const double* rc = f.residual.data() + c * nt;
              for (Eigen::Index r = 0; r < nt; ++r) {
                const double e = gc[r] + rc[r];
                sq += e * e;
                gc[r] += mc[r];  // now F = μ + A Z
              }
            }
            for (Eigen::Index r = 0; r < nt; ++r)
              wrong += detail::row_argmax(s.g.data() + c0 * nt + r, k, nt) != f.target_labels[static_cast<std::size_t>(r)];
            out.mse[static_cast<std::size_t>(h - begin)] = sq * inv_scale;
            out.error[static_cast<std::size_t>(h - begin)] = static_cast<double>(wrong) / static_cast<double>(nt);
          }
        });
    progress.add(static_cast<std::size_t>(std::min(end, t1 * tile) - std::max(begin, t0 * tile)));
  }
  progress.finish();
  return out;
}

/// Same, from the space (factorizes it first: O(N_t³)).
inline LossSample sample_gp_losses(const GpHypothesisSpace& space, std::uint64_t seed, std::uint64_t begin,
                                   std::uint64_t end, const SampleOptions& options = {}) {
  return sample_gp_losses(factor_gp(space), seed, begin, end, options);
}

/// The predictions F = μ + A Z of hypothesis `index` (N_t x k), for inspection and tests. O(N_t² k).
inline Eigen::MatrixXd gp_hypothesis(const GpFactor& f, std::uint64_t seed, std::uint64_t index) {
  const core::SingleThreadedProducts one_thread;  // bits independent of the thread count (core/parallel.hpp)
  Eigen::MatrixXd z(f.test_points(), f.outputs());
  fill_normals(seed, index, z.data(), static_cast<std::size_t>(z.size()));
  return f.mean + f.factor * z;
}

}  // namespace genlab::sample

#endif  // GENLAB_SAMPLE_GAUSSIAN_PROCESS_HPP
