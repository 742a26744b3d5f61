#ifndef GENLAB_MEASURE_IRT_HPP
#define GENLAB_MEASURE_IRT_HPP
// Item response theory: the 1PL/2PL model and its two fitters, as used for Easy2Hard-Bench's
// difficulty ratings (Ding et al., "Easy2Hard-Bench: Standardized Difficulty Labels for
// Profiling LLM Performance and Generalization", NeurIPS 2024 Datasets and Benchmarks, §3).
//  - irt/model.hpp: P(y = 1) = σ(a(θ − b)), ResponseMatrix, IrtConfig, IrtFit, simulation,
//    the joint likelihood, the per-item Newton step and the extreme-score adjustment;
//  - irt/jml.hpp: joint maximum likelihood, identifiability by mean θ = 0 (2PL: and sd θ = 1);
//  - irt/mml.hpp: marginal maximum likelihood (Bock & Aitkin 1981), EM over θ ~ N(0, 1) by
//    Gauss–Hermite quadrature, abilities as posterior means (EAP);
//  - irt/responses.hpp: response matrices from .npy arrays or long CSV/JSONL tables.
// An extreme response pattern (an item everyone answered correctly, a respondent who got every
// item wrong, ...) has no finite maximum-likelihood estimate; following Winsteps' extreme-score
// adjustment it is fitted as if its score were c = extreme_adjustment (0.3) points away from
// the extreme, and flagged in `extreme_item` / `extreme_respondent`. In 2PL fits an extreme item
// keeps discrimination 1 and only its difficulty is fitted: its adjusted responses are the same
// fraction at every ability, which a free discrimination would fit with a → 0 and |b| → ∞ (b of
// about ±320 after 500 iterations, never converging). JML 2PL fits with extreme items may still
// stop at max_iterations (`converged` false): the a = 1 items do not rescale with the abilities.

#include "genlab/measure/irt/jml.hpp"
#include "genlab/measure/irt/mml.hpp"
#include "genlab/measure/irt/model.hpp"
#include "genlab/measure/irt/responses.hpp"

namespace genlab::measure {

/// Fits a 1PL or 2PL model by JML or MML (config.method). Throws std::invalid_argument for an
/// invalid config or response matrix (wrong size, entries other than 0/1/-1, an item or
/// respondent without responses). Estimates are always finite (extreme patterns: see the
/// header comment); `converged` says whether `tolerance` was reached.
inline IrtFit fit_irt(const ResponseMatrix& data, const IrtConfig& config = {}) {
  config.validate();
  data.validate();
  return config.method == IrtMethod::joint_ml ? fit_irt_jml(data, config) : fit_irt_mml(data, config);
}

}  // namespace genlab::measure

#endif  // GENLAB_MEASURE_IRT_HPP
