#ifndef GENLAB_SAMPLE_GENERALIZED_CHI_SQUARE_HPP
#define GENLAB_SAMPLE_GENERALIZED_CHI_SQUARE_HPP
// The generalized chi-square law Q = offset + Σ_j w_j χ'²_{h_j}(δ_j): a weighted sum of
// independent noncentral chi-squares (weight w_j > 0, degrees of freedom h_j, noncentrality δ_j =
// sum of squared means). It is the exact law of a GP hypothesis's test MSE (Boopathy et al.,
// "Towards Exact Computation of Inductive Bias", IJCAI 2024, §3.3; /work/shared/papers/
// inductive_bias.md §2.3), which the paper approximates by a scaled noncentral χ².

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <boost/math/distributions/non_central_chi_squared.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include "genlab/core/error.hpp"

namespace genlab::sample {

namespace detail {
/// ∫_a^b f by Gauss–Kronrod 15, bisected until each piece's error estimate is below
/// tol_per_length · its length (an absolute tolerance, unlike Boost's relative one).
template <class F>
double adaptive_gk(const F& f, double a, double b, double tol_per_length, int depth) {
  double err = 0.0;
  const double v = boost::math::quadrature::gauss_kronrod<double, 15>::integrate(f, a, b, 0, 0.0, &err);
  if (err <= tol_per_length * (b - a) || depth == 0) return v;
  const double m = 0.5 * (a + b);
  return adaptive_gk(f, a, m, tol_per_length, depth - 1) + adaptive_gk(f, m, b, tol_per_length, depth - 1);
}
}  // namespace detail

/// Q = offset + Σ_j w_j χ'²_{h_j}(δ_j) with independent terms.
struct GeneralizedChiSquare {
  std::vector<double> weights;        // w_j > 0
  std::vector<double> dof;            // h_j > 0
  std::vector<double> noncentrality;  // δ_j >= 0
  double offset = 0.0;

  void validate() const {
    constexpr const char* where = "genlab::sample::GeneralizedChiSquare";
    core::require(dof.size() == weights.size(), where, "dof.size()", dof.size(), "weights.size()");
    core::require(noncentrality.size() == weights.size(), where, "noncentrality.size()", noncentrality.size(),
                  "weights.size()");
    for (std::size_t j = 0; j < weights.size(); ++j) {
      core::require(std::isfinite(weights[j]) && weights[j] > 0, where, "weights[j]", weights[j], "finite and > 0");
      core::require(std::isfinite(dof[j]) && dof[j] > 0, where, "dof[j]", dof[j], "finite and > 0");
      core::require(std::isfinite(noncentrality[j]) && noncentrality[j] >= 0, where, "noncentrality[j]",
                    noncentrality[j], "finite and >= 0");
    }
    core::require(std::isfinite(offset), where, "offset", offset, "finite");
  }

  /// r-th cumulant: κ_r = 2^{r-1}(r-1)! Σ w_j^r (h_j + r δ_j) (+ offset for r = 1). O(terms).
  double cumulant(int r) const {
    core::require(r >= 1 && r <= 20, "genlab::sample::GeneralizedChiSquare::cumulant", "r", r, "in [1, 20]");
    double factor = 1.0;  // 2^{r-1} (r-1)!
    for (int q = 1; q < r; ++q) factor *= 2.0 * q;
    double s = 0.0;
    for (std::size_t j = 0; j < weights.size(); ++j) s += std::pow(weights[j], r) * (dof[j] + r * noncentrality[j]);
    return factor * s + (r == 1 ? offset : 0.0);
  }
  double mean() const { return cumulant(1); }
  double variance() const { return cumulant(2); }

  /// P(Q <= x). When all weights are equal Q − offset is a scaled noncentral χ² and Boost's
  /// exact CDF is used; otherwise Imhof's formula (cdf_imhof).
  double cdf(double x) const {
    validate();
    core::require(!std::isnan(x), "genlab::sample::GeneralizedChiSquare::cdf", "x", x, "a number");
    if (weights.empty()) return x >= offset ? 1.0 : 0.0;
    if (x <= offset) return 0.0;
    const double w0 = weights.front();
    bool equal = true;
    double h = 0.0, delta = 0.0;
    for (std::size_t j = 0; j < weights.size(); ++j) {
      equal = equal && std::abs(weights[j] - w0) <= 1e-13 * w0;
      h += dof[j];
      delta += noncentrality[j];
    }
    if (!equal) return cdf_imhof(x);
    if (delta == 0.0) return boost::math::gamma_p(0.5 * h, 0.5 * (x - offset) / w0);
    return boost::math::cdf(boost::math::non_central_chi_squared_distribution<double>(h, delta), (x - offset) / w0);
  }

  /// P(Q <= x) by Imhof's inversion formula (Imhof 1961, Biometrika 48:419, eq. 3.2):
  ///   P(Q > x) = 1/2 + (1/π) ∫_0^∞ sin θ(u) / (u ρ(u)) du,
  ///   θ(u) = ½ Σ [h_j atan(w_j u) + δ_j w_j u / (1 + w_j² u²)] − ½ (x − offset) u,
  ///   ρ(u) = Π (1 + w_j² u²)^{h_j/4} exp(½ Σ δ_j w_j² u² / (1 + w_j² u²)),
  /// integrated by adaptive Gauss–Kronrod (absolute tolerance 1e-11) up to where the tail
  /// bound 2/(H ρ(U)) < 1e-11 (H = Σ h_j). Accurate to ~1e-9 for H >= 2; meant for the
  /// many-term laws of GP losses (H = N_t k). Cost: O(terms) per integrand evaluation.
  double cdf_imhof(double x) const {
    validate();
    core::require(!std::isnan(x), "genlab::sample::GeneralizedChiSquare::cdf_imhof", "x", x, "a number");
    if (weights.empty()) return x >= offset ? 1.0 : 0.0;
    if (x <= offset) return 0.0;
    constexpr double kPi = 3.14159265358979323846;
    const double y = x - offset;
    auto log_rho = [&](double u) {
      double s = 0.0;
      for (std::size_t j = 0; j < weights.size(); ++j) {
        const double wu2 = weights[j] * weights[j] * u * u;
        s += 0.25 * dof[j] * std::log1p(wu2) + 0.5 * noncentrality[j] * wu2 / (1.0 + wu2);
      }
      return s;
    };
    auto integrand = [&](double u) {
      double theta = -0.5 * y * u;
      for (std::size_t j = 0; j < weights.size(); ++j) {
        const double wu = weights[j] * u;
        theta += 0.5 * (dof[j] * std::atan(wu) + noncentrality[j] * wu / (1.0 + wu * wu));
      }
      return std::sin(theta) * std::exp(-log_rho(u)) / u;
    };
    double w_max = 0.0, h_total = 0.0;
    for (std::size_t j = 0; j < weights.size(); ++j) w_max = std::max(w_max, weights[j]), h_total += dof[j];
    const double target = std::log(2.0 / (h_total * 1e-11));
    double upper = 1.0 / w_max;
    while (log_rho(upper) < target && upper < 1e300) upper *= 2.0;
    // Pieces of about one period of the −y u/2 oscillation, each refined until its error
    // estimate is below its share of the absolute tolerance.
    const double period = 4.0 * kPi / y;
    const int pieces = static_cast<int>(std::min(2048.0, std::max(8.0, std::ceil(upper / period))));
    const double tol_per_length = 1e-11 / upper;
    double integral = 0.0;
    for (int p = 0; p < pieces; ++p)
      integral += detail::adaptive_gk(integrand, upper * p / pieces, upper * (p + 1) / pieces, tol_per_length, 18);
    const double survival = 0.5 + integral / kPi;
    return std::min(1.0, std::max(0.0, 1.0 - survival));
  }
};

}  // namespace genlab::sample

#endif  // GENLAB_SAMPLE_GENERALIZED_CHI_SQUARE_HPP
