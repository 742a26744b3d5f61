#ifndef GENLAB_STATS_NONCENTRAL_CHI_SQUARED_MLE_HPP
#define GENLAB_STATS_NONCENTRAL_CHI_SQUARED_MLE_HPP
// Maximum-likelihood fit of a scaled noncentral χ² s·χ'²_ν(λ) (location 0) to a sample, and the
// log-likelihood with its analytic gradient and Hessian:
//   log_likelihood(law, sample), log_likelihood_derivatives(law, sample),
//   maximum_likelihood_fit(sample[, options[, start]]).
//
// Behavioural peer: scipy.stats.ncx2.fit(sample, floc=0), which maximises the same likelihood by
// Nelder–Mead from ν = λ = 1 (as the reference code of Boopathy, Yue, Hwang, Iyer, Fiete, "Towards
// Exact Computation of Inductive Bias", IJCAI 2024, does for its loss model). Here: damped Newton
// in the log parameters θ = (ln ν, ln λ, ln s) with the exact gradient and Hessian, started from
// the cumulant fit (stats/noncentral_chi_squared_fit.hpp), which lands on the same maximum in a few
// steps and avoids the far-off points where the (1, 1) start can stall.
//
// Derivatives. The density is the Poisson mixture f(x) = Σ_j Pois(j; λ/2)·g_{ν/2+j}(x/s)/s, g_h
// the χ²_{2h} density (Johnson, Kotz & Balakrishnan, "Continuous Univariate Distributions" vol. 2,
// eq. 29.4). With component log terms ℓ_j and responsibilities r_j ∝ e^{ℓ_j},
//   ∇ ln f = E_r[∇ℓ_j],   ∇² ln f = E_r[∇²ℓ_j] + Cov_r[∇ℓ_j]
// (the mixture identities of Louis, "Finding the observed information matrix when using the EM
// algorithm", JRSS B 44:226, 1982). In θ with x = L/s, a = ν/2, μ = λ/2:
//   ∂ℓ_j/∂ln ν = a(ln x − ln 2 − ψ(a+j)),  ∂ℓ_j/∂ln λ = j − μ,  ∂ℓ_j/∂ln s = x/2 − a − j,
//   ∂²ℓ_j/∂(ln ν)² = ∂ℓ_j/∂ln ν − a²ψ'(a+j),  ∂²ℓ_j/∂ln ν ∂ln s = −a,  ∂²ℓ_j/∂(ln λ)² = −μ,
//   ∂²ℓ_j/∂(ln s)² = −x/2, the others 0;
// so each point needs only the r-moments of j, ψ(a+j) and ψ'(a+j), summed around the largest term.
// At λ = 0 the ln λ row and column are 0 (the boundary).
//
// Newton: the Hessian's eigenvalues are made positive (|·|, floored) so every step ascends; steps
// are capped at 2 in θ and backtracked (Armijo). Each step is taken on a straight line in
// φ = (ln κ1, ln κ2/2, ln λ/ν) (mean, variance, shape): the likelihood's ridge, where mean and
// variance stay fixed while the shape trades ν against λ, is nearly straight in φ and strongly
// curved in θ, so straight θ steps zigzag across it (hundreds of iterations on a GP loss sample)
// where φ steps do not. When λ heads below 1e-3·ν and the boundary λ = 0 is at least as likely,
// the fit continues there in (ν, s) (ln λ is flat to first order near λ = 0, where Newton would
// only creep) and keeps the better of the two ends.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>

#include "genlab/core/error.hpp"
#include "genlab/core/parallel.hpp"
#include "genlab/stats/constants.hpp"
#include "genlab/stats/noncentral_chi_squared.hpp"
#include "genlab/stats/noncentral_chi_squared_fit.hpp"
#include "genlab/stats/scaled_noncentral_chi_squared.hpp"

namespace genlab::stats {

/// Value, gradient and Hessian of the total log-likelihood Σ_i ln[f(L_i/s; ν, λ)/s] in the log
/// parameters θ = (ln ν, ln λ, ln s). With λ = 0 the ln λ row and column are 0 (the boundary).
struct Ncx2LogLikelihoodDerivatives {
  double value = 0;
  std::array<double, 3> gradient{};
  std::array<std::array<double, 3>, 3> hessian{};
};

/// Settings of maximum_likelihood_fit (damped Newton in (ln ν, ln λ, ln s)).
struct Ncx2MleOptions {
  int max_iterations = 200;  ///< Newton steps (>= 1)
  double tolerance = 1e-12;  ///< stop when the predicted gain in ln L (Newton decrement / 2) is below tolerance·n (> 0)
};

/// The maximum-likelihood law and what the fit cost.
struct Ncx2MleFit {
  ScaledNoncentralChiSquared law;
  double log_likelihood = 0;  ///< Σ_i ln f(L_i) at law
  int evaluations = 0;        ///< evaluations of the likelihood and its derivatives
  int iterations = 0;         ///< Newton steps taken
};

namespace detail {

// Throws std::invalid_argument naming sample[i] unless every point is finite and > 0.
inline void require_positive_sample(const std::vector<double>& sample, std::size_t min_size, const char* where) {
  core::require(sample.size() >= min_size, where, "sample.size()", sample.size(), ">= " + std::to_string(min_size));
  for (std::size_t i = 0; i < sample.size(); ++i)
    if (!(std::isfinite(sample[i]) && sample[i] > 0))
      core::throw_invalid_argument(where, "sample[" + std::to_string(i) + "]", sample[i],
                                   "finite and > 0 (the law has location 0)");
}

// Per-point sums over the Poisson mixture (see the file comment): value, gradient and Hessian of
// ln f at one point from the r-moments of j, ψ(a+j), ψ'(a+j). lgamma/ψ/ψ' of the largest term come
// from tables built once for x <= x_max (lgamma is slow and, in glibc, writes a global).
class Ncx2MixtureMoments {
 public:
  Ncx2MixtureMoments(double df, double nc, double x_max) : a_(0.5 * df), mu_(0.5 * nc) {
    log_mu_ = mu_ > 0 ? std::log(mu_) : 0.0;
    const std::size_t top = mu_ > 0 ? static_cast<std::size_t>(peak(0.5 * x_max)) + 2 : 1;
    lg_j_.resize(top);
    lg_aj_.resize(top);
    psi_.resize(top);
    tri_.resize(top);
    for (std::size_t j = 0; j < top; ++j) {
      const double aj = a_ + static_cast<double>(j);
      lg_j_[j] = std::lgamma(static_cast<double>(j) + 1);
      lg_aj_[j] = std::lgamma(aj);
      psi_[j] = boost::math::digamma(aj);
      tri_[j] = boost::math::trigamma(aj);
    }
  }

  // Adds point L's contribution (scale s and ln s given) to d.
  void add(double L, double scale, double log_scale, Ncx2LogLikelihoodDerivatives& d) const {
    constexpr double ln2 = constants::ln2;
    const double x = L / scale, y = 0.5 * x, lx = std::log(x);
    const double jm = mu_ > 0 ? peak(y) : 0.0;
    const auto ji = static_cast<std::size_t>(jm);
    const bool tab = ji < lg_j_.size();
    const double lg_j = tab ? lg_j_[ji] : std::lgamma(jm + 1);
    const double lg_aj = tab ? lg_aj_[ji] : std::lgamma(a_ + jm);
    const double psi0 = tab ? psi_[ji] : boost::math::digamma(a_ + jm);
    const double tri0 = tab ? tri_[ji] : boost::math::trigamma(a_ + jm);
    const double h = a_ + jm;
    const double t0 = -mu_ + jm * log_mu_ - lg_j + (h - 1) * lx - y - h * ln2 - lg_aj;
    // Moments relative to the peak component (weight 1): u = j − jm, p = ψ(a+j) − ψ(a+jm); terms
    // below e^-40 of the peak are dropped.
    double s0 = 1, su = 0, suu = 0, sp = 0, spp = 0, sup = 0, sq = tri0;
    if (mu_ > 0) {
      const double my = mu_ * y, drop = 4.248354255291589e-18;  // e^-40
      double t = 1, p = 0, q = tri0;
      for (double j = jm; j > 0; --j) {  // down: term j−1 from term j
        t *= j * (a_ + j - 1) / my;
        p -= 1 / (a_ + j - 1);
        q += 1 / ((a_ + j - 1) * (a_ + j - 1));
        const double u = j - 1 - jm;
        s0 += t, su += t * u, suu += t * u * u, sp += t * p, spp += t * p * p, sup += t * u * p, sq += t * q;
        if (t < drop) break;
      }
      t = 1, p = 0, q = tri0;
      for (double j = jm;; ++j) {  // up: term j+1 from term j
        t *= my / ((j + 1) * (a_ + j));
        p += 1 / (a_ + j);
        q -= 1 / ((a_ + j) * (a_ + j));
        const double u = j + 1 - jm;
        s0 += t, su += t * u, suu += t * u * u, sp += t * p, spp += t * p * p, sup += t * u * p, sq += t * q;
        if (t < drop) break;
      }
    }
    const double eu = su / s0, ep = sp / s0;
    const double var_j = std::max(0.0, suu / s0 - eu * eu), var_psi = std::max(0.0, spp / s0 - ep * ep);
    const double cov = sup / s0 - eu * ep;
    const double ej = jm + eu, epsi = psi0 + ep, etri = sq / s0;
    const double ga = a_ * (lx - ln2 - epsi);
    d.value += t0 + std::log(s0) - log_scale;
    d.gradient[0] += ga;
    d.gradient[2] += y - a_ - ej;
    d.hessian[0][0] += ga - a_ * a_ * etri + a_ * a_ * var_psi;
    d.hessian[0][2] += -a_ + a_ * cov;
    d.hessian[2][2] += -y + var_j;
    if (mu_ > 0) {
      d.gradient[1] += ej - mu_;
      d.hessian[0][1] += -a_ * cov;
      d.hessian[1][1] += -mu_ + var_j;
      d.hessian[1][2] += -var_j;
    }
  }

 private:
  double peak(double y) const {  // as NoncentralChiSquaredLogPdf: index of the largest mixture term
    const double b = a_ + 1, c = a_ - mu_ * y;
    const double jr = 0.5 * (-b + std::sqrt(b * b - 4 * c));
    return jr > 0 ? std::floor(jr) : 0.0;
  }
  double a_, mu_, log_mu_ = 0;
  std::vector<double> lg_j_, lg_aj_, psi_, tri_;
};

// Derivatives without re-checking the sample (the fit checks it once).
inline Ncx2LogLikelihoodDerivatives ncx2_log_likelihood_derivatives(const std::vector<double>& sample, double df,
                                                                     double nc, double scale) {
  constexpr std::int64_t chunk = 1024;  // fixed chunks: the sum does not depend on the thread count
  const auto n = static_cast<std::int64_t>(sample.size());
  const std::int64_t chunks = (n + chunk - 1) / chunk;
  std::vector<Ncx2LogLikelihoodDerivatives> part(static_cast<std::size_t>(chunks));
  const double log_scale = std::log(scale);
  const double x_max = *std::max_element(sample.begin(), sample.end()) / scale;
  const Ncx2MixtureMoments mom(df, nc, x_max);
  core::parallel_for(chunks, [&](std::int64_t c) {
    auto& d = part[static_cast<std::size_t>(c)];
    const std::int64_t end = std::min(n, (c + 1) * chunk);
    for (std::int64_t i = c * chunk; i < end; ++i) mom.add(sample[static_cast<std::size_t>(i)], scale, log_scale, d);
  });
  Ncx2LogLikelihoodDerivatives total;
  for (const auto& d : part) {
    total.value += d.value;
    for (int a = 0; a < 3; ++a) {
      total.gradient[a] += d.gradient[a];
      for (int b = a; b < 3; ++b) total.hessian[a][b] += d.hessian[a][b];
    }
  }
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < a; ++b) total.hessian[a][b] = total.hessian[b][a];
  return total;
}

// φ = (ln s(ν+λ), ln s²(ν+2λ), ln λ/ν) from θ = (ln ν, ln λ, ln s), its inverse and ∂φ/∂θ.
inline std::array<double, 3> ncx2_shape_coordinates(const std::array<double, 3>& th) {
  const double r = std::exp(th[1] - th[0]);
  return {th[2] + th[0] + std::log1p(r), 2 * th[2] + th[0] + std::log1p(2 * r), th[1] - th[0]};
}
inline std::array<double, 3> ncx2_from_shape_coordinates(const std::array<double, 3>& f) {
  const double r = std::exp(f[2]);
  const double t = f[1] - f[0] + std::log1p(r) - std::log1p(2 * r);
  const double a = f[0] - t - std::log1p(r);
  return {a, a + f[2], t};
}
inline Eigen::Matrix3d ncx2_shape_jacobian(const std::array<double, 3>& th) {
  const double r = std::exp(th[1] - th[0]);  // λ/ν
  Eigen::Matrix3d J;
  J << 1 / (1 + r), r / (1 + r), 1, 1 / (1 + 2 * r), 2 * r / (1 + 2 * r), 2, -1, 1, 0;
  return J;
}

}  // namespace detail

/// Σ_i ln f(sample_i), f the density of `law`; summed in fixed chunks so the value does not depend
/// on the thread count. Sample points finite and > 0 (else std::invalid_argument naming the point).
/// O(n · terms of the density series); parallel over the sample.
inline double log_likelihood(const ScaledNoncentralChiSquared& law, const std::vector<double>& sample) {
  const char* where = "genlab::stats::log_likelihood(ScaledNoncentralChiSquared)";
  law.validate(where);
  detail::require_positive_sample(sample, 1, where);
  constexpr std::int64_t chunk = 2048;
  const auto n = static_cast<std::int64_t>(sample.size());
  const std::int64_t chunks = (n + chunk - 1) / chunk;
  std::vector<double> part(static_cast<std::size_t>(chunks), 0.0);
  const double log_scale = std::log(law.scale);
  const double x_max = *std::max_element(sample.begin(), sample.end()) / law.scale;
  const NoncentralChiSquaredLogPdf log_pdf(law.df, law.nc, x_max);
  core::parallel_for(chunks, [&](std::int64_t c) {
    double s = 0;
    const std::int64_t end = std::min(n, (c + 1) * chunk);
    for (std::int64_t i = c * chunk; i < end; ++i) s += log_pdf(sample[static_cast<std::size_t>(i)] / law.scale) - log_scale;
    part[static_cast<std::size_t>(c)] = s;
  });
  double total = 0;
  for (double p : part) total += p;
  return total;
}

/// Value, gradient and Hessian of log_likelihood(law, sample) in (ln ν, ln λ, ln s), analytic (see
/// the file comment); summed in fixed chunks so the result does not depend on the thread count.
/// O(n · density terms); parallel over the sample.
inline Ncx2LogLikelihoodDerivatives log_likelihood_derivatives(const ScaledNoncentralChiSquared& law,
                                                               const std::vector<double>& sample) {
  const char* where = "genlab::stats::log_likelihood_derivatives(ScaledNoncentralChiSquared)";
  law.validate(where);
  detail::require_positive_sample(sample, 1, where);
  return detail::ncx2_log_likelihood_derivatives(sample, law.df, law.nc, law.scale);
}

/// Maximum-likelihood s·χ'²_ν(λ), location 0 (scipy.stats.ncx2.fit(sample, floc=0) without its
/// start-point dependence), by damped Newton from `start` (default: cumulant_fit(sample); see the
/// file comment). Sample: >= 3 points, finite and > 0. Typically 5–20 iterations;
/// O(iterations · n · density terms), parallel over the sample. Throws std::invalid_argument on a
/// bad sample, options or start.
inline Ncx2MleFit maximum_likelihood_fit(const std::vector<double>& sample, const Ncx2MleOptions& options = {},
                                         const std::optional<ScaledNoncentralChiSquared>& start = std::nullopt) {
  const char* where = "genlab::stats::maximum_likelihood_fit";
  detail::require_positive_sample(sample, 3, where);
  core::require(options.max_iterations >= 1, where, "max_iterations", options.max_iterations, ">= 1");
  core::require(std::isfinite(options.tolerance) && options.tolerance > 0, where, "tolerance", options.tolerance,
                "finite and > 0");
  if (start) start->validate(where);
  const ScaledNoncentralChiSquared init = start ? *start : cumulant_fit(sample).law;
  constexpr double kLogNcFloor = -30;                      // λ < e^-30 is λ = 0 for any purpose
  constexpr double kLogNearBoundary = -6.907755278982137;  // λ/ν < 1e-3
  bool boundary = false;                                   // λ fixed at 0
  std::array<double, 3> interior{};                        // where the fit left the interior for the boundary
  double interior_value = -std::numeric_limits<double>::infinity();
  auto params = [&](const std::array<double, 3>& t, double& df, double& nc, double& s) {
    if (!(t[0] < 30 && t[1] < 30 && std::abs(t[2]) < 700)) return false;
    df = std::exp(t[0]), nc = boundary ? 0.0 : std::exp(t[1]), s = std::exp(t[2]);
    return df > 0 && s > 0;
  };
  int evals = 0;
  auto evaluate = [&](const std::array<double, 3>& t, Ncx2LogLikelihoodDerivatives& d) {
    double df, nc, s;
    if (!params(t, df, nc, s)) return false;
    ++evals;
    d = detail::ncx2_log_likelihood_derivatives(sample, df, nc, s);
    return std::isfinite(d.value);
  };
  std::array<double, 3> th = {std::log(init.df), std::log(std::max(init.nc, 1e-3 * init.df + 1e-6)),
                              std::log(init.scale)};
  Ncx2LogLikelihoodDerivatives cur;
  if (!evaluate(th, cur))
    core::throw_invalid_argument(where, "start.df", init.df,
                                 "a start (df, nc, scale) with a finite likelihood (default: the cumulant fit)");
  const double tol = options.tolerance * static_cast<double>(sample.size());
  int iterations = 0;
  for (; iterations < options.max_iterations; ++iterations) {
    // Ascent direction p = M⁻¹ g on the free coordinates, M = −H with eigenvalues |·|, floored.
    const int free_n = boundary ? 2 : 3;
    const int idx[3] = {0, boundary ? 2 : 1, 2};
    Eigen::Matrix3d M = Eigen::Matrix3d::Identity();
    Eigen::Vector3d g = Eigen::Vector3d::Zero();
    for (int a = 0; a < free_n; ++a) {
      g(a) = cur.gradient[idx[a]];
      for (int b = 0; b < free_n; ++b) M(a, b) = -cur.hessian[idx[a]][idx[b]];
    }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(M.topLeftCorner(free_n, free_n));
    Eigen::VectorXd ev = eig.eigenvalues().cwiseAbs();
    const double floor = std::max(1e-12, 1e-10 * ev.maxCoeff());
    for (Eigen::Index i = 0; i < ev.size(); ++i) ev(i) = std::max(ev(i), floor);
    const Eigen::VectorXd gf = g.head(free_n);
    Eigen::VectorXd p = eig.eigenvectors() * (eig.eigenvectors().transpose() * gf).cwiseQuotient(ev);
    const double decrement = gf.dot(p);
    if (0.5 * decrement < tol) break;
    const double cap = p.cwiseAbs().maxCoeff();
    if (cap > 2) p *= 2 / cap;
    const double slope = gf.dot(p);
    // Interior steps go straight in φ (see the file comment), boundary steps straight in θ.
    Eigen::Vector3d pt = Eigen::Vector3d::Zero();
    for (int a = 0; a < free_n; ++a) pt(idx[a]) = p(a);
    const std::array<double, 3> phi = detail::ncx2_shape_coordinates(th);
    const Eigen::Vector3d pphi = detail::ncx2_shape_jacobian(th) * pt;
    bool moved = false;
    for (double step = 1; step > 1e-10; step *= 0.5) {
      std::array<double, 3> trial = th;
      if (boundary) {
        for (int a = 0; a < free_n; ++a) trial[idx[a]] += step * p(a);
      } else {
        std::array<double, 3> f = phi;
        for (int a = 0; a < 3; ++a) f[a] += step * pphi(a);
        trial = detail::ncx2_from_shape_coordinates(f);
      }
      Ncx2LogLikelihoodDerivatives d;
      if (evaluate(trial, d) && d.value >= cur.value + 1e-4 * step * slope) {  // Armijo
        th = trial, cur = d, moved = true;
        break;
      }
    }
    if (!moved) break;  // no ascent left at double precision
    if (!boundary && (th[1] < kLogNcFloor || (th[1] - th[0] < kLogNearBoundary && pt(1) < 0))) {
      // Heading for λ = 0: try the boundary point with the same mean and variance (φ1, φ2) and
      // continue there in (ν, s) if it is at least as likely.
      boundary = true;
      const std::array<double, 3> f = detail::ncx2_shape_coordinates(th);
      const std::array<double, 3> th0 = {2 * f[0] - f[1], th[1], f[1] - f[0]};
      Ncx2LogLikelihoodDerivatives at0;
      if (evaluate(th0, at0) && (at0.value >= cur.value - tol || th[1] < kLogNcFloor)) {
        interior = th, interior_value = cur.value;
        th = th0, cur = at0;
      } else {
        boundary = false;
      }
    }
  }
  if (boundary && interior_value > cur.value) {  // the boundary fit ended below the interior point
    boundary = false;
    th = interior;
    evaluate(th, cur);
  }
  Ncx2MleFit fit;
  fit.law = ScaledNoncentralChiSquared(std::exp(th[2]), std::exp(th[0]), boundary ? 0.0 : std::exp(th[1]));
  fit.log_likelihood = cur.value;
  fit.evaluations = evals;
  fit.iterations = iterations;
  return fit;
}

}  // namespace genlab::stats

#endif  // GENLAB_STATS_NONCENTRAL_CHI_SQUARED_MLE_HPP
