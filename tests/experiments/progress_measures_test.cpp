// Nanda's progress measures on synthetic circuits whose answers are known in closed form.
#include <catch2/catch.hpp>

#include <cmath>

#include "genlab/experiments/progress_measures.hpp"

using namespace genlab::experiments;

namespace {
constexpr double kTwoPi = 2.0 * 3.14159265358979323846;
// Logits of the ideal circuit: Σ_k cos(w_k (a + b − c)), scaled.
Eigen::MatrixXd circuit_logits(std::int64_t P, const std::vector<std::int64_t>& ks, double scale) {
  Eigen::MatrixXd L(P * P, P);
  for (std::int64_t a = 0; a < P; ++a)
    for (std::int64_t b = 0; b < P; ++b)
      for (std::int64_t c = 0; c < P; ++c) {
        double v = 0;
        for (auto k : ks) v += std::cos(kTwoPi * static_cast<double>(k * (a + b - c)) / static_cast<double>(P));
        L(a * P + b, c) = scale * v;
      }
  return L;
}
}  // namespace

TEST_CASE("the Fourier basis is orthonormal", "[experiments][progress]") {
  const Eigen::MatrixXd F = fourier_basis(13);
  CHECK((F * F.transpose() - Eigen::MatrixXd::Identity(13, 13)).cwiseAbs().maxCoeff() < 1e-12);
  CHECK_THROWS_WITH(fourier_basis(12), Catch::Contains("'P' = 12"));
}

TEST_CASE("restricted and excluded loss on an ideal circuit", "[experiments][progress]") {
  const std::int64_t P = 11;
  const std::vector<std::int64_t> keys = {2, 5};
  const Eigen::MatrixXd L = circuit_logits(P, keys, 4.0);
  const double full = modular_cross_entropy(L, P);
  // The circuit lies entirely along the key directions: restricting changes nothing ...
  CHECK(restricted_loss(L, P, keys) == Approx(full).epsilon(1e-10));
  // ... and excluding leaves constant logits: cross-entropy log P exactly.
  std::vector<std::int64_t> train = {0, 5, 17, 40, 99, 120};
  CHECK(excluded_loss(L, P, keys, train) == Approx(std::log(static_cast<double>(P))).epsilon(1e-10));
  // Restricting to the wrong frequency destroys the signal: loss log P.
  CHECK(restricted_loss(L, P, {1}) == Approx(std::log(static_cast<double>(P))).epsilon(1e-10));
  // The circuit predicts correctly: loss well below log P and falling with scale.
  CHECK(full < 0.5 * std::log(static_cast<double>(P)));
  CHECK(modular_cross_entropy(circuit_logits(P, keys, 8.0), P) < full);
}

TEST_CASE("key frequencies are recovered from neurons", "[experiments][progress]") {
  const std::int64_t P = 13;
  // 6 neurons: cos(w_3(a+b) + φ) for three, w_5 for two, and one noise-like product neuron.
  Eigen::MatrixXd acts(P * P, 6);
  for (std::int64_t a = 0; a < P; ++a)
    for (std::int64_t b = 0; b < P; ++b) {
      const double x3 = kTwoPi * 3 * static_cast<double>(a + b) / static_cast<double>(P);
      const double x5 = kTwoPi * 5 * static_cast<double>(a + b) / static_cast<double>(P);
      acts(a * P + b, 0) = std::cos(x3);
      acts(a * P + b, 1) = std::cos(x3 + 1.0) + 0.5;
      acts(a * P + b, 2) = 2 * std::sin(x3);
      acts(a * P + b, 3) = std::cos(x5 + 0.3);
      acts(a * P + b, 4) = std::sin(x5);
      acts(a * P + b, 5) = static_cast<double>((a * 7 + b * b * 3) % P);
    }
  const NeuronFrequencies nf = key_frequencies(acts, P, 0.85);
  CHECK(nf.frequency[0] == 3);
  CHECK(nf.fraction[0] == Approx(1.0).epsilon(1e-12));
  CHECK(nf.key_freqs == std::vector<std::int64_t>{3, 5});
  CHECK(nf.neurons_per_key.at(3) == 3);
  CHECK(nf.fraction[5] < 0.85);
}

TEST_CASE("Gini and frequency norms", "[experiments][progress]") {
  CHECK(gini({1, 1, 1, 1}) == Approx(0.0).margin(1e-15));
  CHECK(gini({0, 0, 0, 1}) == Approx(0.75));
  CHECK(gini({1, 2, 3}) == Approx(2.0 / 9.0));  // Σ|xi−xj| / (2 n² mean) = 8 / 36
  CHECK_THROWS_WITH(gini({1, -1}), Catch::Contains("'value' = -1"));
  // An embedding that is exactly frequency 4: all its norm sits at k = 4.
  const std::int64_t P = 11;
  Eigen::MatrixXd W(P, 2);
  for (std::int64_t t = 0; t < P; ++t) {
    W(t, 0) = std::cos(kTwoPi * 4 * static_cast<double>(t) / static_cast<double>(P));
    W(t, 1) = std::sin(kTwoPi * 4 * static_cast<double>(t) / static_cast<double>(P));
  }
  const auto norms = frequency_norms(W, P);
  for (std::size_t k = 0; k < norms.size(); ++k) CHECK(norms[k] == Approx(k == 3 ? std::sqrt(11.0) : 0.0).margin(1e-10));
  CHECK(gini(norms) == Approx(0.8).margin(1e-9));
}
