#ifndef GENLAB_BIAS_LOSS_MODEL_HPP
#define GENLAB_BIAS_LOSS_MODEL_HPP
// The scaled noncentral χ² model s·χ'²_ν(λ) of sampled test losses (P2, Boopathy et al. IJCAI 2024;
// FieteLab/Exact-Inductive-Bias utils.py: scipy.stats.ncx2.fit(losses, floc=0)), fitted two ways:
//
//  * maximum likelihood (location 0): damped Newton on (ln ν, ln λ, ln s) with the analytic gradient
//    and Hessian of the Poisson-mixture density. The reference runs scipy's Nelder–Mead (fmin) from
//    ν = λ = 1; here the start is the cumulant fit below, which lands on the same maximum in a few
//    Newton steps and avoids the far-off points where the (1, 1) start can stall.
//  * cumulant matching: stats::cumulant_fit (stats/noncentral_chi_squared_fit.hpp) on the sample's
//    k-statistics, the one implementation of κ1 = s(ν+λ), κ2 = 2s²(ν+2λ), κ3 = 8s³(ν+3λ) →
//      s = [κ2 − sqrt(κ2² − κ1κ3/2)]/(2κ1), λ = κ2/(2s²) − κ1/s, ν = κ1/s − λ,
//    falling back to the 2-moment (Satterthwaite) match λ = 0, s = κ2/(2κ1), ν = 2κ1²/κ2 when the
//    discriminant is negative or λ would be < 0.
// The fit's method is the enum stats::Ncx2FitMethod; JSON writes it as the strings
// "maximum_likelihood", "cumulants", "satterthwaite" (stats::to_string).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>

#include "genlab/bias/noncentral_chi_squared.hpp"
#include "genlab/stats/constants.hpp"
#include "genlab/stats/noncentral_chi_squared_fit.hpp"
#include "genlab/stats/scaled_noncentral_chi_squared.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/parallel.hpp"

namespace genlab::bias {

/// L ~ scale · χ'²_df(nc), with how it was fitted.
struct ScaledNcx2 {
  double df = 1, nc = 0, scale = 1;
  /// cumulants, satterthwaite (the cumulant fit's fallback) or maximum_likelihood; written to JSON
  /// as that name (stats::to_string).
  stats::Ncx2FitMethod method = stats::Ncx2FitMethod::cumulants;
  double log_likelihood = 0;  ///< total, for maximum_likelihood (0 otherwise)
  int evaluations = 0;        ///< likelihood evaluations of the fit

  /// −ln P(L <= error) in nats (exact log-space CDF).
  double neg_log_cdf(double error) const { return ncx2_neg_log_cdf(error / scale, df, nc); }
  double mean() const { return scale * (df + nc); }
  /// The fitted law as a genlab::stats value type (validated: throws if df, nc, scale are bad).
  stats::ScaledNoncentralChiSquared law() const { return stats::ScaledNoncentralChiSquared(scale, df, nc); }
  core::Json to_json() const {
    return core::Json{{"df", df}, {"nc", nc}, {"scale", scale}, {"method", stats::to_string(method)},
                      {"log_likelihood", log_likelihood}, {"evaluations", evaluations}};
  }
};

/// The first three cumulants of a sample (unbiased k-statistics k1, k2, k3). O(n).
inline std::array<double, 3> sample_cumulants(const std::vector<double>& x) {
  const char* where = "genlab::bias::sample_cumulants";
  core::require(x.size() >= 3, where, "losses.size()", x.size(), ">= 3");
  const double n = static_cast<double>(x.size());
  double mean = 0;
  for (double v : x) {
    core::require(std::isfinite(v), where, "losses[i]", v, "finite");
    mean += v;
  }
  mean /= n;
  double m2 = 0, m3 = 0;
  for (double v : x) {
    const double d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  return {mean, n / (n - 1) * m2, n * n / ((n - 1) * (n - 2)) * m3};
}

/// Scaled ncx2 matching cumulants κ1 > 0, κ2 > 0, κ3 (with the Satterthwaite fallback): the
/// closed form of stats::cumulant_fit, as a ScaledNcx2 (method cumulants or satterthwaite). O(1).
inline ScaledNcx2 ncx2_from_cumulants(double k1, double k2, double k3) {
  const char* where = "genlab::bias::ncx2_from_cumulants";
  core::require(std::isfinite(k1) && k1 > 0, where, "k1", k1, "> 0 (losses must have a positive mean)");
  core::require(std::isfinite(k2) && k2 > 0, where, "k2", k2, "> 0 (losses must not all be equal)");
  const stats::Ncx2Fit f = stats::cumulant_fit(k1, k2, k3);
  ScaledNcx2 m;
  m.df = f.law.df;
  m.nc = f.law.nc;
  m.scale = f.law.scale;
  m.method = f.method;
  return m;
}

/// Cumulant-matching fit to sampled losses (all > 0). O(n).
inline ScaledNcx2 fit_ncx2_cumulants(const std::vector<double>& losses) {
  const auto k = sample_cumulants(losses);
  return ncx2_from_cumulants(k[0], k[1], k[2]);
}

/// Σ_i ln f(losses_i; ν, λ, s), summed in fixed chunks so the value does not depend on the
/// thread count. O(n · terms of the density series).
inline double ncx2_log_likelihood(const std::vector<double>& losses, double df, double nc, double scale) {
  core::require(!losses.empty(), "genlab::bias::ncx2_log_likelihood", "losses.size()", 0, ">= 1");
  core::require(df > 0 && nc >= 0 && scale > 0, "genlab::bias::ncx2_log_likelihood", "scale", scale,
                "> 0 with df > 0 and nc >= 0");
  constexpr std::int64_t chunk = 2048;
  const auto n = static_cast<std::int64_t>(losses.size());
  const std::int64_t chunks = (n + chunk - 1) / chunk;
  std::vector<double> part(static_cast<std::size_t>(chunks), 0.0);
  const double log_scale = std::log(scale);
  const double x_max = *std::max_element(losses.begin(), losses.end()) / scale;
  const Ncx2LogPdf log_pdf(df, nc, x_max);
  core::parallel_for(chunks, [&](std::int64_t c) {
    double s = 0;
    const std::int64_t end = std::min(n, (c + 1) * chunk);
    for (std::int64_t i = c * chunk; i < end; ++i)
      s += log_pdf(losses[static_cast<std::size_t>(i)] / scale) - log_scale;
    part[static_cast<std::size_t>(c)] = s;
  });
  double total = 0;
  for (double p : part) total += p;
  return total;
}

/// Value, gradient and Hessian of the total log-likelihood Σ_i ln[f(L_i/s; ν, λ)/s] in the log
/// parameters θ = (ln ν, ln λ, ln s). With λ = 0 the ln λ row and column are 0 (the boundary).
struct Ncx2LogLikelihoodDerivatives {
  double value = 0;
  std::array<double, 3> gradient{};
  std::array<std::array<double, 3>, 3> hessian{};
};

namespace detail {
// Per-point sums over the Poisson mixture f = Σ_j w_j g_{a+j} (w_j = Pois(j; μ), g_h the χ²_{2h}
// density). Each component j has log term ℓ_j, and ln f = ln Σ_j e^{ℓ_j}, so with the mixture
// responsibilities r_j ∝ e^{ℓ_j}:  ∇ ln f = E_r[∇ℓ_j],  ∇² ln f = E_r[∇²ℓ_j] + Cov_r[∇ℓ_j].
// In θ = (α, β, t) = (ln ν, ln λ, ln s), x = L e^{−t}, a = ν/2, μ = λ/2:
//   ∂ℓ_j/∂α = a(ln x − ln 2 − ψ(a+j)),  ∂ℓ_j/∂β = j − μ,  ∂ℓ_j/∂t = x/2 − a − j,
//   ∂²ℓ_j/∂α² = ∂ℓ_j/∂α − a²ψ'(a+j),  ∂²ℓ_j/∂α∂t = −a,  ∂²ℓ_j/∂β² = −μ,  ∂²ℓ_j/∂t² = −x/2,
// the other second derivatives 0. So each point needs only the r-moments of j, ψ(a+j), ψ'(a+j).
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

  // Adds point L's contribution (log scale ln s given) to d.
  void add(double L, double scale, double log_scale, Ncx2LogLikelihoodDerivatives& d) const {
    constexpr double ln2 = stats::constants::ln2;
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
    // Moments relative to the peak component (weight 1): u = j − jm, p = ψ(a+j) − ψ(a+jm).
    double s0 = 1, su = 0, suu = 0, sp = 0, spp = 0, sup = 0, sq = tri0;
    if (mu_ > 0) {
      const double my = mu_ * y, drop = std::exp(-kLogDrop);
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
  double peak(double y) const {  // as Ncx2LogPdf: index of the largest mixture term
    const double b = a_ + 1, c = a_ - mu_ * y;
    const double jr = 0.5 * (-b + std::sqrt(b * b - 4 * c));
    return jr > 0 ? std::floor(jr) : 0.0;
  }
  double a_, mu_, log_mu_ = 0;
  std::vector<double> lg_j_, lg_aj_, psi_, tri_;
};
}  // namespace detail

/// Value, gradient and Hessian of the log-likelihood of s·χ'²_ν(λ) (location 0) in (ln ν, ln λ, ln s),
/// analytic (see detail::Ncx2MixtureMoments), summed in fixed chunks so the result does not depend on
/// the thread count. O(n · density terms); parallel over losses.
inline Ncx2LogLikelihoodDerivatives ncx2_log_likelihood_derivatives(const std::vector<double>& losses, double df,
                                                                     double nc, double scale) {
  const char* where = "genlab::bias::ncx2_log_likelihood_derivatives";
  core::require(!losses.empty(), where, "losses.size()", 0, ">= 1");
  core::require(std::isfinite(df) && df > 0 && std::isfinite(nc) && nc >= 0 && std::isfinite(scale) && scale > 0,
                where, "scale", scale, "finite and > 0 with finite df > 0 and nc >= 0");
  constexpr std::int64_t chunk = 1024;
  const auto n = static_cast<std::int64_t>(losses.size());
  const std::int64_t chunks = (n + chunk - 1) / chunk;
  std::vector<Ncx2LogLikelihoodDerivatives> part(static_cast<std::size_t>(chunks));
  const double log_scale = std::log(scale);
  const double x_max = *std::max_element(losses.begin(), losses.end()) / scale;
  const detail::Ncx2MixtureMoments mom(df, nc, x_max);
  core::parallel_for(chunks, [&](std::int64_t c) {
    auto& d = part[static_cast<std::size_t>(c)];
    const std::int64_t end = std::min(n, (c + 1) * chunk);
    for (std::int64_t i = c * chunk; i < end; ++i) mom.add(losses[static_cast<std::size_t>(i)], scale, log_scale, d);
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

namespace detail {
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

/// Settings of the maximum-likelihood fit (damped Newton in (ln ν, ln λ, ln s)).
struct MleFitOptions {
  int max_iterations = 200;  ///< Newton steps
  double tolerance = 1e-12;  ///< stop when the predicted gain in ln L (Newton decrement / 2) is below tolerance·n
};

/// Maximum-likelihood fit of s·χ'²_ν(λ), location 0 (scipy ncx2.fit(losses, floc=0) without its
/// start-point dependence), started from `start` (by default the cumulant fit). Damped Newton on
/// θ = (ln ν, ln λ, ln s) with the analytic gradient and Hessian (ncx2_log_likelihood_derivatives):
/// the Hessian's eigenvalues are made positive (|·|, floored) so every step ascends, steps are
/// capped at 2 in θ and backtracked (Armijo). When λ heads below 1e-3·ν and the boundary λ = 0 is at
/// least as likely, the fit continues there in (ν, s) (ln λ is flat to first order near λ = 0, where
/// Newton would only creep) and keeps the better of the two ends. Losses must be finite and > 0.
/// O(iterations · n · density terms); parallel over losses; typically 5–20 iterations.
inline ScaledNcx2 fit_ncx2_mle(const std::vector<double>& losses, const MleFitOptions& opt = {},
                               const ScaledNcx2* start = nullptr) {
  const char* where = "genlab::bias::fit_ncx2_mle";
  core::require(losses.size() >= 3, where, "losses.size()", losses.size(), ">= 3");
  for (double v : losses) core::require(std::isfinite(v) && v > 0, where, "losses[i]", v, "finite and > 0");
  core::require(opt.max_iterations >= 1, where, "max_iterations", opt.max_iterations, ">= 1");
  core::require(opt.tolerance > 0, where, "tolerance", opt.tolerance, "> 0");
  const ScaledNcx2 init = start ? *start : fit_ncx2_cumulants(losses);
  constexpr double kLogNcFloor = -30;  // λ < e^-30 is λ = 0 for any purpose
  constexpr double kLogNearBoundary = -6.907755278982137;  // λ/ν < 1e-3
  bool boundary = false;               // λ fixed at 0
  std::array<double, 3> interior{};    // where the fit left the interior for the boundary
  double interior_value = -std::numeric_limits<double>::infinity();
  auto params = [&](const std::array<double, 3>& t, double& df, double& nc, double& s) {
    if (!(t[0] < 30 && t[1] < 30 && std::abs(t[2]) < 700)) return false;
    df = std::exp(t[0]), nc = boundary ? 0.0 : std::exp(t[1]), s = std::exp(t[2]);
    return true;
  };
  int evals = 0;
  auto evaluate = [&](const std::array<double, 3>& t, Ncx2LogLikelihoodDerivatives& d) {
    double df, nc, s;
    if (!params(t, df, nc, s)) return false;
    ++evals;
    d = ncx2_log_likelihood_derivatives(losses, df, nc, s);
    return std::isfinite(d.value);
  };
  std::array<double, 3> th = {std::log(init.df), std::log(std::max(init.nc, 1e-3 * init.df + 1e-6)),
                              std::log(init.scale)};
  Ncx2LogLikelihoodDerivatives cur;
  core::require(evaluate(th, cur), where, "start", init.df,
                "a start (df, nc, scale) with a finite likelihood (from the cumulant fit)");
  const double tol = opt.tolerance * static_cast<double>(losses.size());
  for (int it = 0; it < opt.max_iterations; ++it) {
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
    // The step is taken on a straight line in φ = (ln κ1, ln κ2/2, ln λ/ν) (mean, variance, shape),
    // i.e. along a curve in θ: the likelihood's ridge, where mean and variance stay fixed while the
    // shape trades ν against λ, is nearly straight in φ and strongly curved in θ, so straight θ
    // steps zigzag across it (hundreds of iterations on a GP loss sample) where φ steps do not.
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
      if (evaluate(trial, d) && d.value >= cur.value + 1e-4 * step * slope) {
        th = trial, cur = d, moved = true;
        break;
      }
    }
    if (!moved) break;  // no ascent left at double precision
    if (!boundary && (th[1] < kLogNcFloor || (th[1] - th[0] < kLogNearBoundary && pt(1) < 0))) {
      // Heading for λ = 0, where ln λ is flat to first order and Newton only creeps: try the
      // boundary itself and continue there in (ν, s) if it is at least as likely.
      // The boundary point keeps the mean and variance (φ1, φ2), so it differs only in shape.
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
  ScaledNcx2 m;
  m.df = std::exp(th[0]);
  m.nc = boundary ? 0.0 : std::exp(th[1]);
  m.scale = std::exp(th[2]);
  m.method = stats::Ncx2FitMethod::maximum_likelihood;
  m.log_likelihood = cur.value;
  m.evaluations = evals;
  return m;
}

}  // namespace genlab::bias

#endif  // GENLAB_BIAS_LOSS_MODEL_HPP
