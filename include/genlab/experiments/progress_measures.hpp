#ifndef GENLAB_EXPERIMENTS_PROGRESS_MEASURES_HPP
#define GENLAB_EXPERIMENTS_PROGRESS_MEASURES_HPP
// Nanda et al. 2023, "Progress measures for grokking via mechanistic interpretability"
// (arXiv 2301.05217, §4–5; recipe from progress-measures-paper/transformers.py and helpers.py).
// For (a + b) mod P the trained network computes cos/sin(w_k(a+b)) for a few key frequencies
// w_k = 2πk/P and reads the answer c off Σ_k cos(w_k(a+b−c)). The measures below watch that
// circuit form. All inputs are indexed x = a·P + b over the P² pairs.
//
//   fourier_basis(P)        F (P×P): rows 1/√P, then cos(2πik/P), sin(2πik/P) for k = 1..(P−1)/2, normalized
//   key_frequencies(...)    per MLP neuron, the k whose {1, cos k, sin k}² block of the 2-D Fourier
//                           transform of its (centred) activation over (a, b) explains most variance
//   restricted_loss(...)    cross-entropy of the logits projected onto the cos/sin(w_k(a+b)) directions
//                           of the key k's (plus the mean of what was removed, an input-independent bias)
//   excluded_loss(...)      cross-entropy of the logits with those projections removed (train inputs)
//   gini(...)               Gini coefficient of per-frequency norms (sparsity of the Fourier spectrum)

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include <Eigen/Dense>

#include "genlab/core/parallel.hpp"
#include "genlab/core/constants.hpp"
#include "genlab/core/error.hpp"

namespace genlab::experiments {

/// The real Fourier basis of Z_P as rows (P odd): row 0 constant, rows 2k−1 / 2k cos / sin of
/// frequency k. Orthonormal: F Fᵀ = I.
inline Eigen::MatrixXd fourier_basis(std::int64_t P) {
  core::require(P >= 3 && P % 2 == 1, "genlab::experiments::fourier_basis", "P", P, "an odd modulus >= 3");
  Eigen::MatrixXd F(P, P);
  const double two_pi = core::two_pi;
  for (std::int64_t x = 0; x < P; ++x) {
    F(0, x) = 1.0;
    for (std::int64_t k = 1; k <= (P - 1) / 2; ++k) {
      F(2 * k - 1, x) = std::cos(two_pi * static_cast<double>(k * x) / static_cast<double>(P));
      F(2 * k, x) = std::sin(two_pi * static_cast<double>(k * x) / static_cast<double>(P));
    }
  }
  F.rowwise().normalize();
  return F;
}

/// Mean cross-entropy in nats of rows `rows` of `logits` (P² × P) against labels (a + b) mod P,
/// by a stable log-sum-exp in double. rows empty = all rows.
inline double modular_cross_entropy(const Eigen::MatrixXd& logits, std::int64_t P, const std::vector<std::int64_t>& rows = {}) {
  const char* where = "genlab::experiments::modular_cross_entropy";
  core::require(logits.rows() == P * P && logits.cols() == P, where, "logits.rows()", logits.rows(),
                "P² = " + std::to_string(P * P) + " rows of P = " + std::to_string(P) + " columns");
  auto loss_of = [&](std::int64_t x) {
    core::require(x >= 0 && x < P * P, where, "row", x, "an input index in [0, P²)");
    const double m = logits.row(x).maxCoeff();
    const double lse = m + std::log((logits.row(x).array() - m).exp().sum());
    return lse - logits(x, (x / P + x % P) % P);
  };
  double s = 0;
  std::size_t n = 0;
  if (rows.empty()) {
    for (std::int64_t x = 0; x < P * P; ++x, ++n) s += loss_of(x);
  } else {
    for (auto x : rows) s += loss_of(x), ++n;
  }
  return s / static_cast<double>(n);
}

/// Unit vectors over the P² inputs along cos(w_k(a+b)) and sin(w_k(a+b)):
///   cos: (u_{cos k, cos k} − u_{sin k, sin k})/√2,  sin: (u_{sin k, cos k} + u_{cos k, sin k})/√2,
/// with u_{i,j}[a·P + b] = F_i[a]·F_j[b].
inline std::pair<Eigen::VectorXd, Eigen::VectorXd> sum_directions(const Eigen::MatrixXd& F, std::int64_t k) {
  const std::int64_t P = F.rows();
  core::require(k >= 1 && k <= (P - 1) / 2, "genlab::experiments::sum_directions", "k", k,
                "a frequency in 1.." + std::to_string((P - 1) / 2));
  Eigen::VectorXd c(P * P), s(P * P);
  const auto cos_k = F.row(2 * k - 1), sin_k = F.row(2 * k);
  for (std::int64_t a = 0; a < P; ++a)
    for (std::int64_t b = 0; b < P; ++b) {
      c(a * P + b) = (cos_k(a) * cos_k(b) - sin_k(a) * sin_k(b)) / std::sqrt(2.0);
      s(a * P + b) = (sin_k(a) * cos_k(b) + cos_k(a) * sin_k(b)) / std::sqrt(2.0);
    }
  return {c, s};
}

/// The part of `logits` (P² × P) in the span of the key frequencies' cos/sin(w_k(a+b)) directions.
inline Eigen::MatrixXd key_frequency_component(const Eigen::MatrixXd& logits, std::int64_t P,
                                               const std::vector<std::int64_t>& key_freqs) {
  const core::SingleThreadedProducts one_thread;  // bits independent of the thread count (core/parallel.hpp)
  const Eigen::MatrixXd F = fourier_basis(P);
  Eigen::MatrixXd part = Eigen::MatrixXd::Zero(logits.rows(), logits.cols());
  for (auto k : key_freqs) {
    const auto [c, s] = sum_directions(F, k);
    part += c * (c.transpose() * logits) + s * (s.transpose() * logits);
  }
  return part;
}

/// Restricted loss (Nanda §5.1): logits kept only along the key frequencies, plus the mean over
/// inputs of what was removed; cross-entropy (nats) over `rows` (empty = all P² inputs, the code's default).
inline double restricted_loss(const Eigen::MatrixXd& logits, std::int64_t P, const std::vector<std::int64_t>& key_freqs,
                              const std::vector<std::int64_t>& rows = {}) {
  const Eigen::MatrixXd kept = key_frequency_component(logits, P, key_freqs);
  const Eigen::RowVectorXd bias = (logits - kept).colwise().mean();
  return modular_cross_entropy(kept.rowwise() + bias, P, rows);
}

/// Excluded loss (Nanda §5.1): logits with the key frequencies' components removed; cross-entropy
/// (nats) over the training inputs `train_rows`. Rises while the circuit forms.
inline double excluded_loss(const Eigen::MatrixXd& logits, std::int64_t P, const std::vector<std::int64_t>& key_freqs,
                            const std::vector<std::int64_t>& train_rows) {
  return modular_cross_entropy(logits - key_frequency_component(logits, P, key_freqs), P, train_rows);
}

/// Gini coefficient of non-negative values: 0 when all equal, (n−1)/n when one holds everything.
inline double gini(std::vector<double> x) {
  core::require(!x.empty(), "genlab::experiments::gini", "x.size()", 0, ">= 1 value");
  double total = 0;
  for (double v : x) {
    core::require(v >= 0 && std::isfinite(v), "genlab::experiments::gini", "value", v, "finite and >= 0");
    total += v;
  }
  if (total == 0) return 0.0;
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double weighted = 0;
  for (std::size_t i = 0; i < x.size(); ++i) weighted += (n - static_cast<double>(i)) * x[i];  // (n+1−rank)·x
  return (n + 1 - 2 * weighted / total) / n;
}

/// Norm of each frequency k = 1..(P−1)/2 in the token dimension of a (P × d) matrix whose row t
/// is token t (e.g. W_E restricted to the residues): ‖F_{cos k}·W‖² + ‖F_{sin k}·W‖², square-rooted.
inline std::vector<double> frequency_norms(const Eigen::MatrixXd& W, std::int64_t P) {
  const core::SingleThreadedProducts one_thread;  // bits independent of the thread count (core/parallel.hpp)
  core::require(W.rows() == P, "genlab::experiments::frequency_norms", "W.rows()", W.rows(), "P = " + std::to_string(P));
  const Eigen::MatrixXd FW = fourier_basis(P) * W;
  std::vector<double> norms(static_cast<std::size_t>((P - 1) / 2));
  for (std::int64_t k = 1; k <= (P - 1) / 2; ++k)
    norms[static_cast<std::size_t>(k - 1)] = std::sqrt(FW.row(2 * k - 1).squaredNorm() + FW.row(2 * k).squaredNorm());
  return norms;
}

/// Per-neuron dominant frequencies of MLP activations `acts` (P² × neurons, rows x = a·P + b).
struct NeuronFrequencies {
  std::vector<std::int64_t> frequency;   // per neuron: k with the largest explained fraction
  std::vector<double> fraction;          // that fraction of the neuron's (centred) variance
  std::vector<std::int64_t> key_freqs;   // frequencies that dominate >= min_neurons neurons above threshold
  std::map<std::int64_t, std::int64_t> neurons_per_key;
};

/// Key frequencies (Nanda's helpers: 2-D Fourier transform F·A·Fᵀ of each centred neuron; the
/// fraction of its variance in rows/cols {0, cos k, sin k} minus the constant term). A neuron
/// votes for its best k if that fraction exceeds `threshold` (0.85 in the paper's neuron count).
inline NeuronFrequencies key_frequencies(const Eigen::MatrixXd& acts, std::int64_t P, double threshold = 0.85,
                                         std::int64_t min_neurons = 1) {
  const core::SingleThreadedProducts one_thread;  // bits independent of the thread count (core/parallel.hpp)
  core::require(acts.rows() == P * P, "genlab::experiments::key_frequencies", "acts.rows()", acts.rows(),
                "P² = " + std::to_string(P * P));
  core::require(threshold >= 0 && threshold <= 1, "genlab::experiments::key_frequencies", "threshold", threshold, "in [0, 1]");
  const Eigen::MatrixXd F = fourier_basis(P);
  NeuronFrequencies out;
  for (Eigen::Index n = 0; n < acts.cols(); ++n) {
    Eigen::MatrixXd A(P, P);
    for (std::int64_t a = 0; a < P; ++a)
      for (std::int64_t b = 0; b < P; ++b) A(a, b) = acts(a * P + b, n);
    A.array() -= A.mean();
    const Eigen::MatrixXd T = F * A * F.transpose();
    const double total = T.squaredNorm();
    std::int64_t best_k = 1;
    double best = -1;
    for (std::int64_t k = 1; k <= (P - 1) / 2; ++k) {
      const std::int64_t idx[3] = {0, 2 * k - 1, 2 * k};
      double s = 0;
      for (auto i : idx)
        for (auto j : idx) s += T(i, j) * T(i, j);
      s -= T(0, 0) * T(0, 0);
      if (s > best) best = s, best_k = k;
    }
    const double frac = total > 0 ? best / total : 0.0;
    out.frequency.push_back(best_k);
    out.fraction.push_back(frac);
    if (frac > threshold) ++out.neurons_per_key[best_k];
  }
  for (const auto& [k, count] : out.neurons_per_key)
    if (count >= min_neurons) out.key_freqs.push_back(k);
  return out;
}

}  // namespace genlab::experiments

#endif  // GENLAB_EXPERIMENTS_PROGRESS_MEASURES_HPP
