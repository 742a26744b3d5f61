#ifndef GENLAB_SAMPLE_MLP_HPP
#define GENLAB_SAMPLE_MLP_HPP
// Neural-network hypotheses: MLPs drawn from their initialization (the prior) and MLPs trained
// from those inits to fit the training set — the network hypothesis space of exact inductive
// bias (Boopathy, Yue, Hwang, Iyer, Fiete, "Towards Exact Computation of Inductive Bias", IJCAI
// 2024, Algorithm 1 with the neural-network hypothesis space of FieteLab/Exact-Inductive-Bias
// nn_inductive_bias.py: Linear(in, w)
// → depth × Linear(w, w) → Linear(w, out), ReLU between, PyTorch's default init, Adam on MSE
// against one-hot targets).
//
// Hypothesis i: every parameter drawn from philox_stream(seed, i), layer by layer, weight
// (out × in, column-major) then bias, as (2u − 1)/√fan_in with u = curand_uniform_double's
// value (core::uniform_double) — PyTorch's U(−1/√fan_in, 1/√fan_in). Training is deterministic
// full-batch Adam (no shuffling), so a hypothesis is a function of (seed, i) alone.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "genlab/core/parallel.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/philox.hpp"
#include "genlab/core/progress.hpp"
#include "genlab/core/random.hpp"
#include "genlab/sample/detail/parallel.hpp"
#include "genlab/sample/loss_sample.hpp"

namespace genlab::sample {

/// Architecture and training of the MLP hypothesis space. epochs = 0 samples the prior.
struct MlpSpace {
  int width = 32;        // hidden units per layer
  int depth = 1;         // number of width x width layers (hidden layers = depth + 1)
  int epochs = 0;        // full-batch Adam steps on the training MSE
  double learning_rate = 1e-2;
  double beta1 = 0.9, beta2 = 0.999, adam_eps = 1e-8;

  void validate() const {
    constexpr const char* where = "genlab::sample::MlpSpace";
    core::require(width >= 1, where, "width", width, ">= 1");
    core::require(depth >= 0, where, "depth", depth, ">= 0");
    core::require(epochs >= 0, where, "epochs", epochs, ">= 0 (0 = the untrained prior)");
    core::require(learning_rate > 0 && std::isfinite(learning_rate), where, "learning_rate", learning_rate, "finite and > 0");
    core::require(beta1 >= 0 && beta1 < 1, where, "beta1", beta1, "in [0, 1)");
    core::require(beta2 >= 0 && beta2 < 1, where, "beta2", beta2, "in [0, 1)");
    core::require(adam_eps > 0, where, "adam_eps", adam_eps, "> 0");
  }
};

/// Training and test data: rows are examples; targets one-hot for classification.
struct MlpData {
  Eigen::MatrixXd train_inputs, train_targets, test_inputs, test_targets;

  void validate() const {
    constexpr const char* where = "genlab::sample::MlpData";
    core::require(train_inputs.rows() >= 1 && train_inputs.cols() >= 1, where, "train_inputs.size()", train_inputs.size(), ">= 1");
    core::require(train_targets.rows() == train_inputs.rows(), where, "train_targets.rows()", train_targets.rows(),
                  "train_inputs.rows() = " + std::to_string(train_inputs.rows()));
    core::require(train_targets.cols() >= 1, where, "train_targets.cols()", train_targets.cols(), ">= 1");
    core::require(test_inputs.rows() >= 1, where, "test_inputs.rows()", test_inputs.rows(), ">= 1");
    core::require(test_inputs.cols() == train_inputs.cols(), where, "test_inputs.cols()", test_inputs.cols(),
                  "train_inputs.cols() = " + std::to_string(train_inputs.cols()));
    core::require(test_targets.rows() == test_inputs.rows() && test_targets.cols() == train_targets.cols(), where,
                  "test_targets shape", std::to_string(test_targets.rows()) + " x " + std::to_string(test_targets.cols()),
                  "test_inputs.rows() x train_targets.cols()");
    core::require(train_inputs.allFinite() && train_targets.allFinite() && test_inputs.allFinite() && test_targets.allFinite(),
                  where, "data", "non-finite entry", "finite entries");
  }
};

/// One MLP: weights[l] is out_l x in_l, biases[l] has out_l entries.
struct Mlp {
  std::vector<Eigen::MatrixXd> weights;
  std::vector<Eigen::VectorXd> biases;

  /// Outputs for inputs given as columns (d x n): k x n. O(n · parameters).
  Eigen::MatrixXd forward(const Eigen::MatrixXd& x_columns) const {
    Eigen::MatrixXd a = x_columns;
    for (std::size_t l = 0; l < weights.size(); ++l) {
      Eigen::MatrixXd z = weights[l] * a;
      z.colwise() += biases[l];
      a = l + 1 < weights.size() ? Eigen::MatrixXd(z.cwiseMax(0.0)) : z;
    }
    return a;
  }
};

/// Layer sizes [d, w, ..., w, k] of the space for d inputs and k outputs.
inline std::vector<int> mlp_layer_sizes(const MlpSpace& s, int inputs, int outputs) {
  std::vector<int> sizes{inputs};
  for (int l = 0; l <= s.depth; ++l) sizes.push_back(s.width);
  sizes.push_back(outputs);
  return sizes;
}

/// Hypothesis `index`'s initial network (see the header comment for the draw order). O(params).
inline Mlp mlp_init(const MlpSpace& s, int inputs, int outputs, std::uint64_t seed, std::uint64_t index) {
  s.validate();
  const auto sizes = mlp_layer_sizes(s, inputs, outputs);
  core::Philox4x32 g = core::philox_stream(seed, index);
  Mlp m;
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(sizes[l]));
    Eigen::MatrixXd w(sizes[l + 1], sizes[l]);
    Eigen::VectorXd b(sizes[l + 1]);
    for (Eigen::Index i = 0; i < w.size(); ++i) w.data()[i] = (2.0 * core::uniform_double(g) - 1.0) * bound;
    for (Eigen::Index i = 0; i < b.size(); ++i) b[i] = (2.0 * core::uniform_double(g) - 1.0) * bound;
    m.weights.push_back(std::move(w));
    m.biases.push_back(std::move(b));
  }
  return m;
}

namespace detail {
inline double mse_of(const Eigen::MatrixXd& out, const Eigen::MatrixXd& y_columns) {
  return (out - y_columns).squaredNorm() / static_cast<double>(out.size());
}
inline double argmax_error_of(const Eigen::MatrixXd& out, const Eigen::MatrixXd& y_columns) {
  if (out.rows() < 2) return 0.0;
  std::size_t wrong = 0;
  for (Eigen::Index c = 0; c < out.cols(); ++c) {
    Eigen::Index po, py;
    out.col(c).maxCoeff(&po);
    y_columns.col(c).maxCoeff(&py);
    wrong += po != py;
  }
  return static_cast<double>(wrong) / static_cast<double>(out.cols());
}
}  // namespace detail

/// Gradients of MSE(m(X), Y) = ‖m(X) − Y‖² / (k n) with respect to every weight and bias, by
/// backpropagation; inputs and targets as columns (d x n, k x n). Returns the loss. O(n · params).
inline double mlp_gradients(const Mlp& m, const Eigen::MatrixXd& x, const Eigen::MatrixXd& y,
                            std::vector<Eigen::MatrixXd>& grad_w, std::vector<Eigen::VectorXd>& grad_b) {
  const core::SingleThreadedProducts one_thread;  // bits independent of the thread count (core/parallel.hpp)
  const std::size_t layers = m.weights.size();
  std::vector<Eigen::MatrixXd> acts(layers + 1), pre(layers);
  acts[0] = x;
  for (std::size_t l = 0; l < layers; ++l) {
    pre[l].noalias() = m.weights[l] * acts[l];
    pre[l].colwise() += m.biases[l];
    acts[l + 1] = l + 1 < layers ? Eigen::MatrixXd(pre[l].cwiseMax(0.0)) : pre[l];
  }
  const double loss = detail::mse_of(acts[layers], y);
  Eigen::MatrixXd delta = (2.0 / static_cast<double>(y.size())) * (acts[layers] - y);
  grad_w.resize(layers);
  grad_b.resize(layers);
  for (std::size_t l = layers; l-- > 0;) {
    grad_w[l].noalias() = delta * acts[l].transpose();
    grad_b[l] = delta.rowwise().sum();
    if (l > 0) {
      const Eigen::MatrixXd back = m.weights[l].transpose() * delta;
      delta = back.cwiseProduct((pre[l - 1].array() > 0.0).cast<double>().matrix());
    }
  }
  return loss;
}

/// Trains `m` in place by full-batch Adam (Kingma & Ba 2015, Algorithm 1) on the training MSE
/// for s.epochs steps; inputs and targets as columns. O(epochs · n · params).
inline void mlp_train(Mlp& m, const MlpSpace& s, const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
  const core::SingleThreadedProducts one_thread;  // bits independent of the thread count (core/parallel.hpp)
  const std::size_t layers = m.weights.size();
  std::vector<Eigen::MatrixXd> mw(layers), vw(layers), gw;
  std::vector<Eigen::VectorXd> mb(layers), vb(layers), gb;
  for (std::size_t l = 0; l < layers; ++l) {
    mw[l] = vw[l] = Eigen::MatrixXd::Zero(m.weights[l].rows(), m.weights[l].cols());
    mb[l] = vb[l] = Eigen::VectorXd::Zero(m.biases[l].size());
  }
  double b1t = 1.0, b2t = 1.0;
  auto adam = [&](auto& p, auto& mom, auto& vel, const auto& grad) {
    mom = s.beta1 * mom + (1.0 - s.beta1) * grad;
    vel = s.beta2 * vel + (1.0 - s.beta2) * grad.cwiseAbs2();
    p.array() -= s.learning_rate * (mom.array() / (1.0 - b1t)) / ((vel.array() / (1.0 - b2t)).sqrt() + s.adam_eps);
  };
  for (int epoch = 0; epoch < s.epochs; ++epoch) {
    mlp_gradients(m, x, y, gw, gb);
    b1t *= s.beta1;
    b2t *= s.beta2;
    for (std::size_t l = 0; l < layers; ++l) {
      adam(m.weights[l], mw[l], vw[l], gw[l]);
      adam(m.biases[l], mb[l], vb[l], gb[l]);
    }
  }
}

/// Test and training losses of MLP hypotheses [begin, end).
struct MlpLossSample {
  LossSample test;                 // test MSE and argmax error (error empty if k = 1)
  std::vector<double> train_mse;   // after training
  std::vector<double> train_error;
};

namespace detail {

/// Scores hypotheses [begin, end) of any space whose hypothesis h is made by `predict(h)`, which
/// returns its (train, test) outputs as k × N matrices. Blocks of options.block hypotheses run in
/// parallel, each writing only its own slots, so the thread count and sharding never change a bit.
template <class Predict>
MlpLossSample score_hypotheses(const char* label, std::uint64_t seed, std::uint64_t begin, std::uint64_t end,
                               const Eigen::MatrixXd& ytr, const Eigen::MatrixXd& yte, bool classification,
                               const SampleOptions& options, Predict&& predict) {
  MlpLossSample out;
  out.test.seed = seed, out.test.begin = begin, out.test.end = end;
  const std::size_t n = static_cast<std::size_t>(end - begin);
  out.test.mse.assign(n, 0.0);
  out.train_mse.assign(n, 0.0);
  out.train_error.assign(n, 0.0);
  if (classification) out.test.error.assign(n, 0.0);
  core::ProgressOptions popt;
  popt.quiet = options.quiet;
  core::Progress progress(label, n, popt);
  for (std::uint64_t b0 = begin; b0 < end; b0 += std::min<std::uint64_t>(options.block, end - b0)) {
    const std::uint64_t b1 = std::min<std::uint64_t>(end, b0 + options.block);
    parallel_for_scratch(
        static_cast<std::int64_t>(b1 - b0), options.threads, [] { return 0; },
        [&](std::int64_t j, int&) {
          const std::uint64_t h = b0 + static_cast<std::uint64_t>(j);
          const std::size_t at = static_cast<std::size_t>(h - begin);
          const auto [otr, ote] = predict(h);
          out.train_mse[at] = mse_of(otr, ytr);
          out.train_error[at] = argmax_error_of(otr, ytr);
          out.test.mse[at] = mse_of(ote, yte);
          if (classification) out.test.error[at] = argmax_error_of(ote, yte);
        });
    progress.add(static_cast<std::size_t>(b1 - b0));
  }
  progress.finish();
  return out;
}

}  // namespace detail

/// Draws and trains hypotheses [begin, end) under `seed` (each on its own thread, identical
/// arithmetic to training it alone, so thread count and sharding do not change a bit) and
/// scores them. O((end − begin) · epochs · n · params).
inline MlpLossSample sample_mlp_losses(const MlpSpace& s, const MlpData& data, std::uint64_t seed, std::uint64_t begin,
                                       std::uint64_t end, const SampleOptions& options = {}) {
  constexpr const char* where = "genlab::sample::sample_mlp_losses";
  s.validate();
  data.validate();
  options.validate(where);
  core::require(begin <= end, where, "end", end, ">= begin = " + std::to_string(begin));
  const Eigen::MatrixXd xtr = data.train_inputs.transpose(), ytr = data.train_targets.transpose();
  const Eigen::MatrixXd xte = data.test_inputs.transpose(), yte = data.test_targets.transpose();
  const int d = static_cast<int>(xtr.rows()), k = static_cast<int>(ytr.rows());
  const bool cls = options.classification_error && k >= 2;
  return detail::score_hypotheses("sample_mlp_losses", seed, begin, end, ytr, yte, cls, options, [&](std::uint64_t h) {
    Mlp m = mlp_init(s, d, k, seed, h);
    mlp_train(m, s, xtr, ytr);
    return std::make_pair(m.forward(xtr), m.forward(xte));
  });
}

}  // namespace genlab::sample

#endif  // GENLAB_SAMPLE_MLP_HPP
