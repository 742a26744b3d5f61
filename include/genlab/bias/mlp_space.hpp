#ifndef GENLAB_BIAS_MLP_SPACE_HPP
#define GENLAB_BIAS_MLP_SPACE_HPP
// Exact inductive bias of the neural-network hypothesis space (Boopathy et al., "Towards Exact
// Computation of Inductive Bias", IJCAI 2024; FieteLab/Exact-Inductive-Bias nn_inductive_bias.py):
// p_h = "MLP of a given width and depth from a random init, trained to fit the training set".
// Hypotheses come from genlab::sample::sample_mlp_losses (hypothesis i is a function of
// (seed, i) alone: Philox stream (seed, i) for the init, deterministic full-batch Adam), their test
// MSEs are fitted by the scaled ncx2 model and I(ε) = −ln F(ε/s; ν, λ) is read off, per
// architecture, so architectures can be compared at the same ε.
//
// Differences from the reference, on purpose: full-batch Adam without shuffling (the reference
// shuffles mini-batches through one global torch seed, so its trials depend on their order), and
// the test loss is the plain MSE over test points and outputs (the reference's carries a spurious
// 1/batch_size factor of the reference nn_inductive_bias.py). Hypotheses that do not fit the training set can be dropped
// (MlpIbOptions::max_train_error); the reference keeps every trial, which is the default here.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "genlab/bias/exact.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/sample/mlp.hpp"

namespace genlab::bias {

struct MlpIbOptions {
  std::uint64_t count = 1000;       ///< hypotheses sampled per architecture
  std::uint64_t seed = 0;           ///< hypothesis i uses Philox stream (seed, i)
  /// Keep only hypotheses whose training argmax error is <= this (1 = keep all, as the reference;
  /// 0 = only networks that classify every training point correctly) and training MSE <= max_train_mse.
  double max_train_error = 1;
  double max_train_mse = std::numeric_limits<double>::infinity();
  sample::SampleOptions sampling;   ///< threads and blocking of the sampler (results do not depend on them)
  ExactIbOptions ib;                ///< loss-model fit and intervals

  void validate(const char* where) const {
    core::require(count >= 3, where, "count", count, ">= 3 hypotheses");
    core::require(max_train_error >= 0 && max_train_error <= 1, where, "max_train_error", max_train_error, "in [0, 1]");
    core::require(max_train_mse >= 0, where, "max_train_mse", max_train_mse, ">= 0");
    ib.validate(where);
  }
};

/// I(ε) of one architecture, with what the sampled networks did on the training set.
struct MlpIbResult {
  sample::MlpSpace space;
  ExactIbResult ib;                 ///< fitted on the kept hypotheses' test MSEs (nats and bits)
  std::uint64_t sampled = 0, kept = 0;
  double mean_train_mse = 0, mean_train_error = 0;  ///< over all sampled hypotheses
  double mean_test_mse = 0;                          ///< over the kept hypotheses
  std::uint64_t seed = 0;

  double fit_fraction() const { return sampled ? static_cast<double>(kept) / static_cast<double>(sampled) : 0.0; }
  core::Json to_json() const {
    return core::Json{{"width", space.width}, {"depth", space.depth}, {"epochs", space.epochs},
                      {"learning_rate", space.learning_rate}, {"seed", seed}, {"sampled", sampled}, {"kept", kept},
                      {"fit_fraction", fit_fraction()}, {"mean_train_mse", mean_train_mse},
                      {"mean_train_error", mean_train_error}, {"mean_test_mse", mean_test_mse},
                      {"inductive_bias", ib.to_json()}};
  }
};

/// I(ε) at each target test MSE from already sampled networks (e.g. shards merged in order):
/// applies the training-fit filter, fits the loss model on the kept test MSEs and evaluates it.
/// Throws if fewer than 3 hypotheses pass the filter. O(S + fit).
inline MlpIbResult mlp_exact_inductive_bias_from_sample(const sample::MlpSpace& space, const sample::MlpLossSample& s,
                                                        const std::vector<double>& errors, const MlpIbOptions& opt = {}) {
  const char* where = "genlab::bias::mlp_exact_inductive_bias_from_sample";
  opt.validate(where);
  const std::size_t n = s.test.mse.size();
  core::require(s.train_mse.size() == n && s.train_error.size() == n, where, "train_mse.size()", s.train_mse.size(),
                "test.mse.size() = " + std::to_string(n));
  MlpIbResult r;
  r.space = space;
  r.seed = s.test.seed;
  r.sampled = n;
  std::vector<double> kept;
  for (std::size_t i = 0; i < n; ++i) {
    r.mean_train_mse += s.train_mse[i] / static_cast<double>(n);
    r.mean_train_error += s.train_error[i] / static_cast<double>(n);
    if (s.train_error[i] <= opt.max_train_error && s.train_mse[i] <= opt.max_train_mse) kept.push_back(s.test.mse[i]);
  }
  r.kept = kept.size();
  core::require(kept.size() >= 3, where, "hypotheses that fit the training set", kept.size(),
                ">= 3 of " + std::to_string(n) + " (train longer, or relax max_train_error / max_train_mse)");
  for (double v : kept) r.mean_test_mse += v / static_cast<double>(kept.size());
  r.ib = exact_inductive_bias(kept, errors, opt.ib);
  r.ib.seed = r.seed;
  return r;
}

/// Samples opt.count networks of `space` (init from Philox stream (opt.seed, i), then space.epochs
/// full-batch Adam steps on the training MSE), and estimates I(ε) at each target test MSE.
/// Bit-identical for any thread count. O(count · epochs · n_train · parameters).
inline MlpIbResult mlp_exact_inductive_bias(const sample::MlpSpace& space, const sample::MlpData& data,
                                            const std::vector<double>& errors, const MlpIbOptions& opt = {}) {
  opt.validate("genlab::bias::mlp_exact_inductive_bias");
  const sample::MlpLossSample s = sample::sample_mlp_losses(space, data, opt.seed, 0, opt.count, opt.sampling);
  return mlp_exact_inductive_bias_from_sample(space, s, errors, opt);
}

/// One result per architecture, all with the same seed, data and ε, so I(ε) compares directly:
/// the architecture with the smaller I needs less extra inductive bias to reach test MSE ε.
inline std::vector<MlpIbResult> compare_mlp_architectures(const std::vector<sample::MlpSpace>& spaces,
                                                          const sample::MlpData& data, const std::vector<double>& errors,
                                                          const MlpIbOptions& opt = {}) {
  core::require(!spaces.empty(), "genlab::bias::compare_mlp_architectures", "spaces.size()", 0, ">= 1");
  std::vector<MlpIbResult> out;
  for (const auto& s : spaces) out.push_back(mlp_exact_inductive_bias(s, data, errors, opt));
  return out;
}

}  // namespace genlab::bias

#endif  // GENLAB_BIAS_MLP_SPACE_HPP
