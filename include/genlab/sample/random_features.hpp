#ifndef GENLAB_SAMPLE_RANDOM_FEATURES_HPP
#define GENLAB_SAMPLE_RANDOM_FEATURES_HPP
// Random-feature and random-linear hypothesis spaces: f(x) = φ(x)ᵀ θ with random features φ and
// Gaussian weights θ ~ N(0, I) (one column per output), and the interpolating hypotheses among
// them, found by least squares (the minimum-norm correction of θ that fits the training set).
//
//   Fourier: φ(x) = √(2/D) cos(Ω x + β), Ω_jl ~ N(0, 1/σ²), β_j ~ U(0, 2π]: random Fourier
//            features of the RBF kernel exp(−‖x − x'‖²/(2σ²)) (Rahimi & Recht, NIPS 2007), so
//            E[f(x) f(x')] → k(x, x') — the kernel space of exact IB, finite-dimensional.
//   Linear:  φ(x) = W x / √d, W_jl ~ N(0, 1): a random linear map of the inputs.
//   Interpolating: θ* = θ + Φᵀ (Φ Φᵀ)⁻¹ (Y − Φ θ) (Φ = φ(X_train), needs D >= n), which is a
//            draw of θ conditioned on fitting the training data exactly (noise-free GP posterior
//            in feature space).
//
// Hypothesis i draws, from philox_stream(seed, i) with core::normal_double /
// core::uniform_double: Ω (or W) column-major, then β (Fourier only), then θ column-major.

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "genlab/core/parallel.hpp"
#include "genlab/core/constants.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/philox.hpp"
#include "genlab/core/progress.hpp"
#include "genlab/core/random.hpp"
#include "genlab/sample/detail/parallel.hpp"
#include "genlab/sample/loss_sample.hpp"
#include "genlab/sample/mlp.hpp"

namespace genlab::sample {

enum class FeatureKind { fourier, linear };

struct RandomFeatureSpace {
  FeatureKind kind = FeatureKind::fourier;
  int features = 256;          // D
  double lengthscale = 1.0;    // σ of the RBF kernel (Fourier only)
  bool interpolate = true;     // condition on fitting the training set exactly
  double jitter = 1e-10;       // added to the diagonal of Φ Φᵀ, relative to its mean diagonal

  void validate() const {
    constexpr const char* where = "genlab::sample::RandomFeatureSpace";
    core::require(features >= 1, where, "features", features, ">= 1");
    core::require(lengthscale > 0 && std::isfinite(lengthscale), where, "lengthscale", lengthscale, "finite and > 0");
    core::require(jitter >= 0, where, "jitter", jitter, ">= 0");
  }
};

/// Hypothesis `index`'s features and weights.
struct RandomFeatureHypothesis {
  Eigen::MatrixXd projection;  // Ω or W, D x d
  Eigen::VectorXd phase;       // β (Fourier), D
  Eigen::MatrixXd weights;     // θ (after interpolation if asked), D x k
  FeatureKind kind = FeatureKind::fourier;

  /// φ(X) for inputs as rows (n x d): n x D.
  Eigen::MatrixXd features(const Eigen::MatrixXd& x) const {
    const double D = static_cast<double>(projection.rows());
    Eigen::MatrixXd z = x * projection.transpose();
    if (kind == FeatureKind::linear) return z / std::sqrt(static_cast<double>(projection.cols()));
    z.rowwise() += phase.transpose();
    return std::sqrt(2.0 / D) * z.array().cos().matrix();
  }
  /// Predictions for inputs as rows: n x k.
  Eigen::MatrixXd predict(const Eigen::MatrixXd& x) const { return features(x) * weights; }
};

/// Draws hypothesis `index` and, if s.interpolate, conditions it on the training data (rows).
/// O(D d + D k) draws; interpolation O(n² D + n³).
inline RandomFeatureHypothesis random_feature_hypothesis(const RandomFeatureSpace& s, const MlpData& data,
                                                         std::uint64_t seed, std::uint64_t index) {
  const core::SingleThreadedProducts one_thread;  // bits independent of the thread count (core/parallel.hpp)
  const Eigen::Index d = data.train_inputs.cols(), k = data.train_targets.cols(), D = s.features;
  core::Philox4x32 g = core::philox_stream(seed, index);
  RandomFeatureHypothesis h;
  h.kind = s.kind;
  h.projection.resize(D, d);
  const double scale = s.kind == FeatureKind::fourier ? 1.0 / s.lengthscale : 1.0;
  for (Eigen::Index i = 0; i < h.projection.size(); ++i) h.projection.data()[i] = scale * core::normal_double(g);
  if (s.kind == FeatureKind::fourier) {
    h.phase.resize(D);
    for (Eigen::Index j = 0; j < D; ++j) h.phase[j] = core::two_pi * core::uniform_double(g);
  }
  h.weights.resize(D, k);
  for (Eigen::Index i = 0; i < h.weights.size(); ++i) h.weights.data()[i] = core::normal_double(g);
  if (s.interpolate) {
    const Eigen::MatrixXd phi = h.features(data.train_inputs);
    Eigen::MatrixXd gram = phi * phi.transpose();
    gram.diagonal().array() += s.jitter * std::max(gram.diagonal().mean(), 1e-300);
    const Eigen::MatrixXd residual = data.train_targets - phi * h.weights;
    h.weights += phi.transpose() * gram.ldlt().solve(residual);
  }
  return h;
}

/// Losses of random-feature hypotheses [begin, end): test MSE and argmax error (k >= 2), plus
/// training MSE (≈ 0 when interpolating). Parallel over hypotheses; results independent of
/// threads and sharding. O((end − begin) · (n² D + (n + N_t) D d)).
inline MlpLossSample sample_random_feature_losses(const RandomFeatureSpace& s, const MlpData& data, std::uint64_t seed,
                                                  std::uint64_t begin, std::uint64_t end,
                                                  const SampleOptions& options = {}) {
  constexpr const char* where = "genlab::sample::sample_random_feature_losses";
  s.validate();
  data.validate();
  options.validate(where);
  core::require(begin <= end, where, "end", end, ">= begin = " + std::to_string(begin));
  if (s.interpolate)
    core::require(s.features >= data.train_inputs.rows(), where, "features", s.features,
                  ">= the number of training points " + std::to_string(data.train_inputs.rows()) +
                      " (fewer features cannot interpolate)");
  const bool cls = options.classification_error && data.train_targets.cols() >= 2;
  const Eigen::MatrixXd ytr = data.train_targets.transpose(), yte = data.test_targets.transpose();
  return detail::score_hypotheses("sample_random_feature_losses", seed, begin, end, ytr, yte, cls, options,
                                  [&](std::uint64_t h) {
                                    const auto hyp = random_feature_hypothesis(s, data, seed, h);
                                    return std::make_pair(Eigen::MatrixXd(hyp.predict(data.train_inputs).transpose()),
                                                          Eigen::MatrixXd(hyp.predict(data.test_inputs).transpose()));
                                  });
}

}  // namespace genlab::sample

#endif  // GENLAB_SAMPLE_RANDOM_FEATURES_HPP
