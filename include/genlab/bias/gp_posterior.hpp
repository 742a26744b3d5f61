#ifndef GENLAB_BIAS_GP_POSTERIOR_HPP
#define GENLAB_BIAS_GP_POSTERIOR_HPP
// Kernel (Gaussian-process) hypothesis space of the exact inductive bias (Boopathy, Yue, Hwang,
// Iyer, Fiete, "Towards Exact Computation of Inductive Bias", IJCAI 2024, Algorithm 1 and §3.3):
// hypotheses h(x) = φ(x)ᵀθ, θ ~ N(0, I), conditioned on fitting the training data exactly.
// The noise-free posterior at the test points is computed by Cholesky (never by the reference's
// Adam iterations):
//     K_XX + τI = L Lᵀ,  α = K_XX⁻¹ Y,  μ = K_*X α,  Σ = K_** − K_*X K_XX⁻¹ K_X*
// with the smallest jitter τ ∈ {0, 1e-12, 1e-11, …, 1e-6}·mean(diag K_XX) that makes the
// factorisation succeed. The result is the genlab::sample::GpHypothesisSpace the samplers draw from,
// with the weights α and the generalized χ² law of the test MSE (loss_terms(), loss_law()) exposed.

#include <cmath>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "genlab/core/parallel.hpp"
#include "genlab/bias/knn.hpp"
#include "genlab/core/error.hpp"
#include "genlab/sample/gaussian_process.hpp"
#include "genlab/stats/constants.hpp"
#include "genlab/stats/generalized_chi_squared.hpp"

namespace genlab::bias {

enum class KernelType { rbf, laplace, arc_cosine };

inline const char* to_string(KernelType k) {
  switch (k) {
    case KernelType::rbf: return "rbf";
    case KernelType::laplace: return "laplace";
    case KernelType::arc_cosine: return "arc_cosine";
  }
  return "?";
}

/// A covariance function.
///  rbf:        k(a,b) = v·exp(−‖a−b‖²/(2σ²))                (the reference's choice, σ = 1)
///  laplace:    k(a,b) = v·exp(−‖a−b‖/σ)
///  arc_cosine: k(a,b) = v·(1/π)‖a‖‖b‖(sin θ + (π − θ) cos θ), θ = angle(a, b): the NNGP kernel of an
///              infinitely wide one-hidden-layer ReLU network (Cho & Saul 2009, degree 1); σ unused.
struct Kernel {
  KernelType type = KernelType::rbf;
  double bandwidth = 1.0;  ///< σ
  double variance = 1.0;   ///< v
  void validate(const char* where) const {
    core::require(std::isfinite(bandwidth) && bandwidth > 0, where, "kernel.bandwidth", bandwidth, "> 0");
    core::require(std::isfinite(variance) && variance > 0, where, "kernel.variance", variance, "> 0");
  }
};

/// The kernel matrix K(A, B) (rows are points). O(|A|·|B|·d) through one GEMM.
inline Eigen::MatrixXd kernel_matrix(const Kernel& k, const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  const core::SingleThreadedProducts one_thread;  // bits independent of the thread count (core/parallel.hpp)
  const char* where = "genlab::bias::kernel_matrix";
  k.validate(where);
  core::require(a.cols() == b.cols(), where, "b.cols()", b.cols(), "a.cols() = " + std::to_string(a.cols()));
  detail::require_all_finite(a, where, "a");
  detail::require_all_finite(b, where, "b");
  const Eigen::MatrixXd G = a * b.transpose();
  const Eigen::VectorXd na = a.rowwise().squaredNorm(), nb = b.rowwise().squaredNorm();
  Eigen::MatrixXd K(a.rows(), b.rows());
  constexpr double pi = stats::constants::pi;
  for (Eigen::Index j = 0; j < b.rows(); ++j)
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
      const double d2 = std::max(0.0, na(i) + nb(j) - 2 * G(i, j));
      switch (k.type) {
        case KernelType::rbf: K(i, j) = std::exp(-d2 / (2 * k.bandwidth * k.bandwidth)); break;
        case KernelType::laplace: K(i, j) = std::exp(-std::sqrt(d2) / k.bandwidth); break;
        case KernelType::arc_cosine: {
          const double nn = std::sqrt(na(i) * nb(j));
          if (nn == 0) {
            K(i, j) = 0;
            break;
          }
          const double cs = std::max(-1.0, std::min(1.0, G(i, j) / nn));
          const double th = std::acos(cs);
          K(i, j) = nn / pi * (std::sin(th) + (pi - th) * cs);
          break;
        }
      }
      K(i, j) *= k.variance;
    }
  return K;
}

/// The GP posterior's test-set law plus how it was obtained.
struct GpPosterior {
  sample::GpHypothesisSpace space;  ///< mean, covariance, targets at the test points
  Kernel kernel;
  double jitter = 0;                ///< τ added to the diagonal of K_XX
  /// α = (K_XX + τI)⁻¹ Y_train, n_train × k: the posterior mean is μ(x) = Σ_i k(x, x_i) α_i, so
  /// space.mean = K_*X α (row i of α belongs to training point i, column c to output c).
  Eigen::MatrixXd alpha;

  /// The eigendecomposition of the test covariance every sampler and the loss law work from.
  sample::GpFactor factor() const { return sample::factor_gp(space); }
  /// The loss law's terms, one per eigen-direction of space.covariance in ascending eigenvalue
  /// order (sample::gp_loss_terms; in_offset terms are the constant part).
  std::vector<sample::GpLossTerm> loss_terms() const { return sample::gp_loss_terms(factor()); }
  /// The exact law of a posterior hypothesis's test MSE, Q = offset + Σ_j w_j χ'²_k(δ_j), terms in
  /// loss_terms()' order with the in_offset ones summed into offset: the same law
  /// gp_exact_inductive_bias(space, ...) evaluates for law_nats.
  stats::GeneralizedChiSquared loss_law() const { return sample::gp_loss_law(factor()).to_stats(); }
};

/// Noise-free GP posterior of the kernel hypothesis space at the test points, conditioned on
/// h(X_train) = Y_train (k columns, one-hot for classification). O(n³ + n²N_t + nN_t²).
/// Throws if shapes disagree, data hold NaN/inf, or K_XX is not positive definite even with jitter
/// 1e-6·mean(diag) (e.g. duplicate training inputs under the arc-cosine kernel's zero vector).
inline GpPosterior gp_posterior(const Kernel& kernel, const Eigen::MatrixXd& x_train, const Eigen::MatrixXd& y_train,
                                const Eigen::MatrixXd& x_test, const Eigen::MatrixXd& y_test) {
  const core::SingleThreadedProducts one_thread;  // bits independent of the thread count (core/parallel.hpp)
  const char* where = "genlab::bias::gp_posterior";
  kernel.validate(where);
  core::require(x_train.rows() >= 1, where, "x_train.rows()", x_train.rows(), ">= 1");
  core::require(x_test.rows() >= 1, where, "x_test.rows()", x_test.rows(), ">= 1");
  core::require(y_train.rows() == x_train.rows(), where, "y_train.rows()", y_train.rows(),
                "x_train.rows() = " + std::to_string(x_train.rows()));
  core::require(y_test.rows() == x_test.rows(), where, "y_test.rows()", y_test.rows(),
                "x_test.rows() = " + std::to_string(x_test.rows()));
  core::require(y_test.cols() == y_train.cols() && y_train.cols() >= 1, where, "y_test.cols()", y_test.cols(),
                "y_train.cols() = " + std::to_string(y_train.cols()) + " >= 1");
  detail::require_all_finite(y_train, where, "y_train");
  detail::require_all_finite(y_test, where, "y_test");
  const Eigen::MatrixXd Kxx = kernel_matrix(kernel, x_train, x_train);
  const Eigen::MatrixXd Kxs = kernel_matrix(kernel, x_train, x_test);
  const Eigen::MatrixXd Kss = kernel_matrix(kernel, x_test, x_test);
  const double diag = Kxx.diagonal().mean();
  GpPosterior post;
  post.kernel = kernel;
  Eigen::LLT<Eigen::MatrixXd> llt;
  bool ok = false;
  for (double rel : {0.0, 1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6}) {
    post.jitter = rel * diag;
    llt.compute(Kxx + post.jitter * Eigen::MatrixXd::Identity(Kxx.rows(), Kxx.cols()));
    if (llt.info() == Eigen::Success && llt.matrixLLT().diagonal().minCoeff() > 0) {
      ok = true;
      break;
    }
  }
  core::require(ok && diag > 0, where, "K_train_train", "not positive definite",
                "a positive definite kernel matrix with jitter <= 1e-6 * mean diagonal (duplicate or degenerate "
                "training inputs?)");
  const Eigen::MatrixXd V = llt.matrixL().solve(Kxs);  // L⁻¹ K_X*
  post.alpha = llt.solve(y_train);
  post.space.mean = Kxs.transpose() * post.alpha;
  post.space.covariance = Kss - V.transpose() * V;
  post.space.covariance = 0.5 * (post.space.covariance + post.space.covariance.transpose());
  post.space.targets = y_test;
  return post;
}

/// One-hot rows (n × classes) for integer labels in [0, classes).
inline Eigen::MatrixXd one_hot(const std::vector<int>& labels, int classes) {
  core::require(classes >= 1, "genlab::bias::one_hot", "classes", classes, ">= 1");
  Eigen::MatrixXd y = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(labels.size()), classes);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    core::require(labels[i] >= 0 && labels[i] < classes, "genlab::bias::one_hot", "labels[i]", labels[i],
                  "in [0, classes)");
    y(static_cast<Eigen::Index>(i), labels[i]) = 1;
  }
  return y;
}

}  // namespace genlab::bias

#endif  // GENLAB_BIAS_GP_POSTERIOR_HPP
