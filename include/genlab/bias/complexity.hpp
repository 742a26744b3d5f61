#ifndef GENLAB_BIAS_COMPLEXITY_HPP
#define GENLAB_BIAS_COMPLEXITY_HPP
// Model-agnostic inductive bias complexity Ĩ (Boopathy, Liu, Hwang, Ge, Mohammedsaleh, Fiete,
// "Model-agnostic Measure of Generalization Difficulty", ICML 2023; code FieteLab/
// inductive-bias-complexity task_difficulty.py). Ĩ is the number of bits needed, beyond what the
// training data supplies, to pick a hypothesis that reaches test error ε from a band-limited
// hypothesis space on the data manifold:
//
//   M = 2πR/δ,  K = (sqrt((m−1)² + 4M²) − (m−1))/2          (K(K+m−1) = M², real-valued, not floored)
//   E = C(m+K, m) + C(m+K−1, m)                            (spherical harmonics on S^m of degree ≤ K)
//   L_f = K·sqrt(D)/R,  W = sqrt(m/6)·R·(P·|S^m|/n)^{1/m}, |S^m| = 2π^{(m+1)/2}/Γ((m+1)/2)
//   dimΘ = 2DPE,  dimΘ_q = dimΘ − nD
//   Ĩ = dimΘ_q · log2(B·sqrt(D)·sqrt(P)·L_f·W/ε)                                   [bits]
//
// Everything up to the final product is computed from logarithms (E reaches 1e122 for Omniglot;
// lgamma differences instead of Γ ratios), so the log fields stay finite even where a plain
// double would overflow. Formulas: Boopathy et al., "Model-agnostic Measure of Generalization
// Difficulty", ICML 2023, §3 and the official FieteLab/inductive-bias-complexity task_difficulty.py.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "genlab/bias/detail/constants.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"

namespace genlab::bias {

namespace detail {
// ln(e^a + e^b) without overflow.
inline double log_add_exp(double a, double b) {
  if (a == -std::numeric_limits<double>::infinity()) return b;
  if (b == -std::numeric_limits<double>::infinity()) return a;
  const double hi = a > b ? a : b, lo = a > b ? b : a;
  return hi + std::log1p(std::exp(lo - hi));
}

// ln C(a, b) for real a >= b >= 0 via lgamma; C(a, b) = 0 (ln = -inf) when a - b is a
// non-positive integer, which happens for C(m+K−1, m) at K = 0.
inline double log_binomial(double a, double b) {
  const double c = a - b;
  if (c <= 0 && c == std::floor(c)) return c == 0 ? 0.0 : -std::numeric_limits<double>::infinity();
  return std::lgamma(a + 1) - std::lgamma(b + 1) - std::lgamma(c + 1);
}

inline void require_finite_positive(double v, const char* where, std::string_view name) {
  core::require(std::isfinite(v) && v > 0, where, name, v, "a finite number > 0");
}
}  // namespace detail

/// Inputs of the general estimate (code names of task_difficulty.py's difficulty() in brackets).
struct ComplexityInputs {
  double error = 0.01;            ///< ε, desired test error already divided by the loss Lipschitz constant [error]
  double n = 1;                   ///< number of training points (real: Omniglot's n is ~7e40) [n]
  double m = 1;                   ///< intrinsic dimension of the data manifold, >= 1 [m]
  double radius = 1;              ///< R = max ‖x‖₂, radius of the m-sphere modelling the data [R]
  double discrete_combinations = 1;  ///< P = Π M(d_i), e.g. the number of classes [prod_d]
  double resolution = 1;          ///< δ, spatial resolution (minimum inter-class distance) [delta]
  double output_dim = 1;          ///< D, output dimension (classification: k−1) [D]
  double output_bound = 1;        ///< B >= ‖f‖_∞ [B]
  /// Negative control only: floor K to an integer as a textbook harmonic degree would. The
  /// reference keeps K real; flooring moves MNIST from 1.4848e16 to 1.0988e16 bits.
  bool floor_harmonic_degree = false;

  void validate(const char* where = "genlab::bias::ComplexityInputs") const {
    detail::require_finite_positive(error, where, "error");
    detail::require_finite_positive(n, where, "n");
    core::require(std::isfinite(m) && m >= 1, where, "m", m, "a finite intrinsic dimension >= 1");
    detail::require_finite_positive(radius, where, "radius");
    core::require(std::isfinite(discrete_combinations) && discrete_combinations >= 1, where,
                  "discrete_combinations", discrete_combinations, "a finite count >= 1");
    detail::require_finite_positive(resolution, where, "resolution");
    core::require(std::isfinite(output_dim) && output_dim >= 1, where, "output_dim", output_dim,
                  "a finite output dimension >= 1");
    detail::require_finite_positive(output_bound, where, "output_bound");
  }
};

/// Ĩ with every intermediate of the derivation, so a notebook can show it step by step.
/// Quantities that can overflow a double are also given as natural logs (log_E, log_dim_theta...).
struct ComplexityResult {
  ComplexityInputs inputs;
  std::string form = "general";  ///< "general", "classification", "rl", "cartpole", "omniglot", "union"
  double max_frequency = 0;      ///< M = 2πR/δ
  double harmonic_degree = 0;    ///< K (real unless floor_harmonic_degree)
  double log_E = 0;              ///< ln E, E = number of basis functions per (output, component)
  double E = 0;
  double lipschitz = 0;          ///< L_f = K·sqrt(D)/R
  double log_wasserstein = 0;    ///< ln W
  double wasserstein = 0;        ///< W = sqrt(m/6)·R·(P|S^m|/n)^{1/m}
  double log_sphere_area = 0;    ///< ln |S^m|
  double log_dim_theta = 0;      ///< ln dimΘ = ln(2DPE)
  double dim_theta = 0;
  double dim_theta_q = 0;        ///< dimΘ − nD (may be <= 0: the data pins the space down, Ĩ is vacuous)
  double log_term_bits = 0;      ///< log2(B·sqrt(D)·sqrt(P)·L_f·W/ε)
  double bits = 0;               ///< Ĩ = dimΘ_q · log_term_bits
  double log10_bits = 0;         ///< log10 |Ĩ| (finite even if bits overflows)

  double nats() const { return bits * detail::kLn2; }

  core::Json to_json() const {
    core::Json j;
    j["form"] = form;
    j["inputs"] = {{"error", inputs.error}, {"n", inputs.n}, {"m", inputs.m}, {"radius", inputs.radius},
                   {"discrete_combinations", inputs.discrete_combinations},
                   {"resolution", inputs.resolution}, {"output_dim", inputs.output_dim},
                   {"output_bound", inputs.output_bound},
                   {"floor_harmonic_degree", inputs.floor_harmonic_degree}};
    j["M"] = max_frequency;
    j["K"] = harmonic_degree;
    j["log_E"] = log_E;
    j["E"] = E;
    j["L_f"] = lipschitz;
    j["log_W"] = log_wasserstein;
    j["W"] = wasserstein;
    j["log_dim_theta"] = log_dim_theta;
    j["dim_theta"] = dim_theta;
    j["dim_theta_q"] = dim_theta_q;
    j["log_term_bits"] = log_term_bits;
    j["bits"] = bits;
    j["log10_bits"] = log10_bits;
    return j;
  }
};

/// K(m, M): the real harmonic degree with K(K+m−1) = M² (the largest Laplace–Beltrami eigenvalue
/// on S^m below frequency M). K(1, M) = M.
inline double harmonic_degree(double m, double max_frequency) {
  const double a = m - 1;
  // (sqrt(a² + 4M²) − a)/2 rewritten as 2M²/(sqrt(a² + 4M²) + a): no cancellation when M << m.
  return 2 * max_frequency * max_frequency / (std::sqrt(a * a + 4 * max_frequency * max_frequency) + a);
}

/// ln E(m, K), E = C(m+K, m) + C(m+K−1, m): number of spherical harmonics on S^m with degree <= K,
/// generalised to real K through Γ. E(1,K) = 2K+1, E(2,K) = (K+1)².
inline double log_harmonic_count(double m, double K) {
  return detail::log_add_exp(detail::log_binomial(m + K, m), detail::log_binomial(m + K - 1, m));
}

/// ln |S^m| = ln(2π^{(m+1)/2}/Γ((m+1)/2)), the surface area of the unit m-sphere.
inline double log_unit_sphere_area(double m) {
  return std::log(2.0) + 0.5 * (m + 1) * std::log(detail::kPi) - std::lgamma(0.5 * (m + 1));
}

namespace detail {
// Shared tail of every form: from ln E, K, L_f and ln W to dimΘ, dimΘ_q and Ĩ.
inline void finish_complexity(ComplexityResult& r) {
  const ComplexityInputs& in = r.inputs;
  r.E = std::exp(r.log_E);
  r.wasserstein = std::exp(r.log_wasserstein);
  r.log_dim_theta = std::log(2 * in.output_dim * in.discrete_combinations) + r.log_E;
  r.dim_theta = std::exp(r.log_dim_theta);
  // dimΘ − nD = dimΘ·(1 − nD/dimΘ), the ratio taken in log space so neither term overflows first.
  const double log_nD = std::log(in.n) + std::log(in.output_dim);
  const double ratio = std::exp(log_nD - r.log_dim_theta);
  r.dim_theta_q = r.dim_theta * (1 - ratio);
  r.log_term_bits = (std::log(in.output_bound) + 0.5 * std::log(in.output_dim) +
                     0.5 * std::log(in.discrete_combinations) + std::log(r.lipschitz) +
                     r.log_wasserstein - std::log(in.error)) / kLn2;
  r.bits = r.dim_theta_q * r.log_term_bits;
  const double log_abs_dq = r.log_dim_theta + std::log(std::abs(1 - ratio));
  r.log10_bits = (log_abs_dq + std::log(std::abs(r.log_term_bits))) / std::log(10.0);
}
}  // namespace detail

/// The general estimate Ĩ (bits) of P1 §3 / task_difficulty.py difficulty(). O(1).
/// Throws std::invalid_argument for ε <= 0, n <= 0, m < 1, non-finite or non-positive inputs.
inline ComplexityResult inductive_bias_complexity(const ComplexityInputs& in) {
  in.validate("genlab::bias::inductive_bias_complexity");
  ComplexityResult r;
  r.inputs = in;
  r.max_frequency = 2 * detail::kPi * in.radius / in.resolution;
  r.harmonic_degree = harmonic_degree(in.m, r.max_frequency);
  if (in.floor_harmonic_degree) r.harmonic_degree = std::floor(r.harmonic_degree);
  core::require(r.harmonic_degree > 0, "genlab::bias::inductive_bias_complexity", "harmonic_degree",
                r.harmonic_degree, "> 0 (floored K is 0: raise radius/resolution or keep K real)");
  r.log_E = log_harmonic_count(in.m, r.harmonic_degree);
  r.lipschitz = r.harmonic_degree * std::sqrt(in.output_dim) / in.radius;
  r.log_sphere_area = log_unit_sphere_area(in.m);
  r.log_wasserstein = 0.5 * std::log(in.m / 6) + std::log(in.radius) +
                      (std::log(in.discrete_combinations) + r.log_sphere_area - std::log(in.n)) / in.m;
  detail::finish_complexity(r);
  return r;
}

/// One classification task of Boopathy et al. (ICML 2023, §3; task_difficulty.py
/// classification_task_difficulty), each field named after the paper's symbol. Use it with
/// classification_complexity() and, as TaskUnion's parts, with task_union_complexity():
///   bias::ClassificationTask mnist;
///   mnist.error = 1e-3, mnist.n = 60000, mnist.m = 14, mnist.radius = 17.179045827183984;
///   mnist.classes = 10, mnist.resolution = 2.3987084824335305;
///   bias::classification_complexity(mnist).bits;  // 1.484804e16
struct ClassificationTask {
  double error = 0.01;     ///< ε: desired test error, already divided by the loss's Lipschitz constant L_L (> 0)
  double n = 1;            ///< n: number of training points (> 0; real-valued)
  double m = 1;            ///< m: intrinsic dimension of the data manifold (>= 1)
  double radius = 1;       ///< R = max ‖x‖₂, radius of the m-sphere modelling the data (> 0)
  double classes = 2;      ///< k: number of classes (>= 2); P = k, D = k − 1
  double resolution = 1;   ///< δ: spatial resolution, the minimum distance between classes (> 0)

  /// Throws std::invalid_argument naming the field (prefixed by `prefix`, e.g. "primary.") for a
  /// non-finite or out-of-range value.
  void validate(const char* where = "genlab::bias::ClassificationTask", const std::string& prefix = "") const {
    detail::require_finite_positive(error, where, prefix + "error");
    detail::require_finite_positive(n, where, prefix + "n");
    core::require(std::isfinite(m) && m >= 1, where, prefix + "m", m, "a finite intrinsic dimension >= 1");
    detail::require_finite_positive(radius, where, prefix + "radius");
    core::require(std::isfinite(classes) && classes >= 2, where, prefix + "classes", classes, "a finite count >= 2");
    detail::require_finite_positive(resolution, where, prefix + "resolution");
  }
};

/// Classification form (classification_task_difficulty with explicit inputs): P = k classes,
/// D = k−1, B = 1, the general estimate otherwise (Boopathy et al., ICML 2023, §3). Bits. The
/// paper's benchmark MNIST (ε 0.001, n 60000, m 14, R 17.179..., k 10, δ 2.3987...) gives
/// 1.484804e16 bits. Throws std::invalid_argument naming the bad field. O(1).
inline ComplexityResult classification_complexity(const ClassificationTask& t) {
  t.validate("genlab::bias::classification_complexity");
  ComplexityInputs in;
  in.error = t.error;
  in.n = t.n;
  in.m = t.m;
  in.radius = t.radius;
  in.discrete_combinations = t.classes;
  in.resolution = t.resolution;
  in.output_dim = t.classes - 1;
  in.output_bound = 1;
  ComplexityResult r = inductive_bias_complexity(in);
  r.form = "classification";
  return r;
}

/// One reinforcement-learning task of Boopathy et al. (ICML 2023, §3 and its RL experiments;
/// task_difficulty.py mujoco_difficulty / rl_difficulty), fields named after the paper's symbols.
/// Defaults are the MuJoCo settings (n = 1e6 steps, δ = ε = 0.001).
struct RlTask {
  double error = 1e-3;       ///< ε: desired error (> 0)
  double n = 1e6;            ///< n: number of training steps (> 0)
  double m = 1;              ///< m: dimension of the observation torus (>= 1)
  double action_dim = 1;     ///< D: action dimension (>= 1)
  double resolution = 1e-3;  ///< δ: angular resolution in radians (> 0)
};

/// Reinforcement-learning form (mujoco_difficulty / rl_difficulty): the observation space is an
/// m-torus of angles (R = 1, M = 2π/δ), E is replaced by the Weyl count V_m(M) = π^{m/2}M^m/Γ(m/2+1),
/// P = 1, B = 1, D = action dimension:
///   Ĩ = D(2V_m(2π/δ) − n)·[log2(4π²/√6) + log2 D + ½log2 m − log2 δ − (1/m)log2 n − log2 ε]  bits.
/// In the result K = M (a frequency, not a degree), L_f = 2π√D/δ and W = sqrt(m/6)·2π·n^{−1/m}.
/// Reacher (m 6, D 2) = 2.9142e25 bits. Throws std::invalid_argument naming the bad field. O(1).
inline ComplexityResult rl_complexity(const RlTask& t) {
  const char* where = "genlab::bias::rl_complexity";
  const double error = t.error, n = t.n, m = t.m, action_dim = t.action_dim, resolution = t.resolution;
  core::require(std::isfinite(action_dim) && action_dim >= 1, where, "action_dim", action_dim,
                "a finite action dimension >= 1");
  ComplexityInputs in;
  in.error = error;
  in.n = n;
  in.m = m;
  in.radius = 1;
  in.discrete_combinations = 1;
  in.resolution = resolution;
  in.output_dim = action_dim;
  in.output_bound = 1;
  in.validate(where);
  ComplexityResult r;
  r.inputs = in;
  r.form = "rl";
  r.max_frequency = 2 * detail::kPi / resolution;
  r.harmonic_degree = r.max_frequency;
  r.log_E = 0.5 * m * std::log(detail::kPi) + m * std::log(r.max_frequency) - std::lgamma(0.5 * m + 1);
  r.lipschitz = r.max_frequency * std::sqrt(action_dim);
  r.log_sphere_area = m * std::log(2 * detail::kPi);  // volume of the m-torus of angles
  r.log_wasserstein = 0.5 * std::log(m / 6) + (r.log_sphere_area - std::log(n)) / m;
  detail::finish_complexity(r);
  return r;
}

/// Simplified cartpole whose policy conditions on T observations (MDP vs POMDP comparison of P1):
/// rl_complexity with m = 2T, D = 1; defaults n = 1e4 steps, δ = 0.001 rad, ε = 0.001.
/// T = 1 gives 4.4147e9 bits, T = 5 gives 1.1873e40.
inline ComplexityResult cartpole_complexity(int observations, double n = 1e4, double resolution = 1e-3,
                                            double error = 1e-3) {
  core::require(observations >= 1, "genlab::bias::cartpole_complexity", "observations", observations, ">= 1");
  RlTask t;
  t.error = error, t.n = n, t.m = 2.0 * observations, t.action_dim = 1, t.resolution = resolution;
  ComplexityResult r = rl_complexity(t);
  r.form = "cartpole";
  return r;
}

/// Number of distinct N-way 1-shot training tasks (omniglot_difficulty): Σ_a C(max(c_a, N), N)·d^N,
/// c_a = characters of alphabet a, d = drawers per character. Returned as a natural log.
inline double log_few_shot_task_count(const std::vector<double>& characters_per_alphabet, int ways = 20,
                                      double drawers = 20) {
  const char* where = "genlab::bias::log_few_shot_task_count";
  core::require(!characters_per_alphabet.empty(), where, "characters_per_alphabet.size()", 0, ">= 1 alphabet");
  core::require(ways >= 1, where, "ways", ways, ">= 1");
  core::require(std::isfinite(drawers) && drawers >= 1, where, "drawers", drawers, ">= 1");
  double log_n = -std::numeric_limits<double>::infinity();
  for (double c : characters_per_alphabet) {
    core::require(std::isfinite(c) && c >= 1, where, "characters_per_alphabet[i]", c, ">= 1");
    const double top = c > ways ? c : ways;
    log_n = detail::log_add_exp(log_n, detail::log_binomial(top, ways) + ways * std::log(drawers));
  }
  return log_n;
}

/// Inputs of the Omniglot N-way 1-shot meta-learning form (omniglot_difficulty). Defaults are the
/// reference code's: m0 = 22 (within an alphabet), m1 = 29 (across), R and δ per image, ε = 0.01.
struct FewShotInputs {
  double error = 0.01;
  double n = 6.98e40;                        ///< number of distinct training tasks (log_few_shot_task_count)
  int ways = 20;
  double m_within = 22;                      ///< m0
  double m_across = 29;                      ///< m1
  double radius = 49.4064773081425;          ///< per-image R (scaled by sqrt(ways) for the task input)
  double resolution = 5.477225575051661;     ///< δ
};

/// Meta-learning form: one training point is a `ways`-way 1-shot task, the input manifold has
/// dimension m1 + (ways−1)·m0 and radius R·sqrt(ways), the output is a classifier on the m0-manifold
/// with dim_g = 2·ways·(ways−1)·E(m0, K(m0, 2πR/δ)) coefficients (per-image R), used as D, P = 1 and
/// B = sqrt(ways(ways−1)). Reference: 1.78944e145 bits for n ≈ 6.98e40 (dim_g = 7.9383e20).
inline ComplexityResult few_shot_complexity(const FewShotInputs& f) {
  const char* where = "genlab::bias::few_shot_complexity";
  core::require(f.ways >= 2, where, "ways", f.ways, ">= 2");
  core::require(std::isfinite(f.m_within) && f.m_within >= 1, where, "m_within", f.m_within, ">= 1");
  detail::require_finite_positive(f.radius, where, "radius");
  detail::require_finite_positive(f.resolution, where, "resolution");
  const double w = f.ways;
  const double M0 = 2 * detail::kPi * f.radius / f.resolution;
  const double log_dim_g = std::log(2 * w * (w - 1)) + log_harmonic_count(f.m_within, harmonic_degree(f.m_within, M0));
  ComplexityInputs in;
  in.error = f.error;
  in.n = f.n;
  in.m = f.m_across + (w - 1) * f.m_within;
  in.radius = f.radius * std::sqrt(w);
  in.discrete_combinations = 1;
  in.resolution = f.resolution;
  in.output_dim = std::exp(log_dim_g);
  in.output_bound = std::sqrt(w * (w - 1));
  ComplexityResult r = inductive_bias_complexity(in);
  r.form = "few_shot";
  return r;
}

/// Union of two classification tasks (combined_task_diff): the roles are not symmetric, so they
/// are named. `primary` sets ε, δ and D; `secondary` contributes only its n, m, R and k.
///   bias::TaskUnion u;
///   u.primary = mnist;      // ε, δ and D = k come from here
///   u.secondary = cifar10;
///   bias::task_union_complexity(u);
struct TaskUnion {
  ClassificationTask primary;    ///< sets ε = primary.error, δ = primary.resolution, D = primary.classes
  ClassificationTask secondary;  ///< contributes n, m, R and k only (its error and resolution are unused)
};

/// Ĩ of the product task (Boopathy et al., ICML 2023, §3; task_difficulty.py combined_task_diff):
/// n1·n2 points, dimension m1+m2, radius sqrt(R1²+R2²), P = k1·k2, δ = δ1, ε = ε1, B = 1 and — as in
/// the reference code, not k1−1 — D = k1 (1 = primary, 2 = secondary). Bits. Throws
/// std::invalid_argument naming the bad field ("primary.classes", ...). O(1).
inline ComplexityResult task_union_complexity(const TaskUnion& u) {
  const char* where = "genlab::bias::task_union_complexity";
  const ClassificationTask& a = u.primary;
  const ClassificationTask& b = u.secondary;
  a.validate(where, "primary.");
  b.validate(where, "secondary.");
  ComplexityInputs in;
  in.error = a.error;
  in.n = a.n * b.n;
  in.m = a.m + b.m;
  in.radius = std::sqrt(a.radius * a.radius + b.radius * b.radius);
  in.discrete_combinations = a.classes * b.classes;
  in.resolution = a.resolution;
  in.output_dim = a.classes;
  in.output_bound = 1;
  ComplexityResult r = inductive_bias_complexity(in);
  r.form = "union";
  return r;
}

}  // namespace genlab::bias

#endif  // GENLAB_BIAS_COMPLEXITY_HPP
