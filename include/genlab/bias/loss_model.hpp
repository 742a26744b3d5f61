#ifndef GENLAB_BIAS_LOSS_MODEL_HPP
#define GENLAB_BIAS_LOSS_MODEL_HPP
// The scaled noncentral χ² model s·χ'²_ν(λ) of sampled test losses (P2, Boopathy et al. IJCAI 2024;
// FieteLab/Exact-Inductive-Bias utils.py: scipy.stats.ncx2.fit(losses, floc=0)), fitted two ways:
//
//  * maximum likelihood (location 0): Nelder–Mead on (ln ν, ln λ, ln s). The reference starts scipy's
//    fmin at ν = λ = 1; here the start is the cumulant fit below, which lands on the same maximum
//    faster and avoids the far-off local optima the (1, 1) start can stall in.
//  * cumulant matching (spec §2.3): κ1 = s(ν+λ), κ2 = 2s²(ν+2λ), κ3 = 8s³(ν+3λ) →
//      s = [κ2 − sqrt(κ2² − κ1κ3/2)]/(2κ1), λ = κ2/(2s²) − κ1/s, ν = κ1/s − λ,
//    falling back to the 2-moment (Satterthwaite) match λ = 0, s = κ2/(2κ1), ν = 2κ1²/κ2 when the
//    discriminant is negative or λ would be < 0.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "genlab/bias/noncentral_chi_squared.hpp"
#include "genlab/core/error.hpp"
#include "genlab/core/io/json.hpp"
#include "genlab/core/parallel.hpp"

namespace genlab::bias {

/// L ~ scale · χ'²_df(nc).
struct ScaledNcx2 {
  double df = 1, nc = 0, scale = 1;
  std::string method;  ///< "cumulants", "satterthwaite" (cumulant fallback) or "maximum_likelihood"
  double log_likelihood = 0;  ///< total, for maximum_likelihood (0 otherwise)
  int evaluations = 0;        ///< likelihood evaluations of the fit

  /// −ln P(L <= error) in nats (exact log-space CDF).
  double neg_log_cdf(double error) const { return ncx2_neg_log_cdf(error / scale, df, nc); }
  double mean() const { return scale * (df + nc); }
  core::Json to_json() const {
    return core::Json{{"df", df}, {"nc", nc}, {"scale", scale}, {"method", method},
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

/// Scaled ncx2 matching cumulants κ1 > 0, κ2 > 0, κ3 (with the Satterthwaite fallback).
inline ScaledNcx2 ncx2_from_cumulants(double k1, double k2, double k3) {
  const char* where = "genlab::bias::ncx2_from_cumulants";
  core::require(std::isfinite(k1) && k1 > 0, where, "k1", k1, "> 0 (losses must have a positive mean)");
  core::require(std::isfinite(k2) && k2 > 0, where, "k2", k2, "> 0 (losses must not all be equal)");
  ScaledNcx2 m;
  const double disc = k2 * k2 - 0.5 * k1 * k3;
  if (std::isfinite(k3) && disc >= 0) {
    const double s = (k2 - std::sqrt(disc)) / (2 * k1);
    if (s > 0) {
      const double nc = k2 / (2 * s * s) - k1 / s;
      const double df = k1 / s - nc;
      if (nc >= 0 && df > 0) {
        m.scale = s;
        m.nc = nc;
        m.df = df;
        m.method = "cumulants";
        return m;
      }
    }
  }
  m.scale = k2 / (2 * k1);
  m.nc = 0;
  m.df = 2 * k1 * k1 / k2;
  m.method = "satterthwaite";
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

/// Nelder–Mead settings of the maximum-likelihood fit.
struct MleFitOptions {
  int max_evaluations = 4000;
  double tolerance = 1e-10;  ///< on the spread of −ln L over the simplex, relative to n
};

namespace detail {
// Minimises f over R^3 from x0 with initial steps `step` (standard Nelder–Mead, adaptive off).
template <class F>
std::array<double, 3> nelder_mead3(F&& f, std::array<double, 3> x0, double step, double ftol, int max_eval, double& fbest,
                                   int& evals) {
  using P = std::array<double, 3>;
  std::array<P, 4> s;
  std::array<double, 4> v;
  s[0] = x0;
  for (int i = 0; i < 3; ++i) {
    s[i + 1] = x0;
    s[i + 1][i] += step;
  }
  evals = 0;
  for (int i = 0; i < 4; ++i) v[i] = f(s[i]), ++evals;
  while (evals < max_eval) {
    std::array<int, 4> o = {0, 1, 2, 3};
    std::sort(o.begin(), o.end(), [&](int a, int b) { return v[a] < v[b]; });
    const P best = s[o[0]], worst = s[o[3]];
    const double fb = v[o[0]], fw = v[o[3]], fs = v[o[2]];
    double size = 0;
    for (int i = 1; i < 4; ++i)
      for (int d = 0; d < 3; ++d) size = std::max(size, std::abs(s[o[i]][d] - best[d]));
    // Converged when the simplex is small and flat, or flat to 1e-3 of the tolerance: the latter
    // ends the drift along ln λ → −∞ where the likelihood no longer changes (λ ≈ 0).
    if (std::abs(fw - fb) <= ftol && (size < 1e-7 || std::abs(fw - fb) <= 1e-3 * ftol)) break;
    P cen{0, 0, 0};
    for (int i = 0; i < 3; ++i)
      for (int d = 0; d < 3; ++d) cen[d] += s[o[i]][d] / 3;
    auto along = [&](double t) {
      P p;
      for (int d = 0; d < 3; ++d) p[d] = cen[d] + t * (worst[d] - cen[d]);
      return p;
    };
    const P r = along(-1);
    const double fr = f(r);
    ++evals;
    if (fr < fb) {
      const P e = along(-2);
      const double fe = f(e);
      ++evals;
      if (fe < fr) s[o[3]] = e, v[o[3]] = fe;
      else s[o[3]] = r, v[o[3]] = fr;
    } else if (fr < fs) {
      s[o[3]] = r, v[o[3]] = fr;
    } else {
      const P c = fr < fw ? along(-0.5) : along(0.5);
      const double fc = f(c);
      ++evals;
      if (fc < std::min(fr, fw)) {
        s[o[3]] = c, v[o[3]] = fc;
      } else {
        for (int i = 1; i < 4; ++i) {
          for (int d = 0; d < 3; ++d) s[o[i]][d] = best[d] + 0.5 * (s[o[i]][d] - best[d]);
          v[o[i]] = f(s[o[i]]);
          ++evals;
        }
      }
    }
  }
  int b = 0;
  for (int i = 1; i < 4; ++i)
    if (v[i] < v[b]) b = i;
  fbest = v[b];
  return s[b];
}
}  // namespace detail

/// Maximum-likelihood fit of s·χ'²_ν(λ), location 0 (scipy ncx2.fit(losses, floc=0) without its
/// start-point dependence), started from `start` (by default the cumulant fit). Losses must be
/// finite and > 0. O(evaluations · n · density terms); parallel over losses.
inline ScaledNcx2 fit_ncx2_mle(const std::vector<double>& losses, const MleFitOptions& opt = {},
                               const ScaledNcx2* start = nullptr) {
  const char* where = "genlab::bias::fit_ncx2_mle";
  core::require(losses.size() >= 3, where, "losses.size()", losses.size(), ">= 3");
  for (double v : losses) core::require(std::isfinite(v) && v > 0, where, "losses[i]", v, "finite and > 0");
  core::require(opt.max_evaluations >= 10, where, "max_evaluations", opt.max_evaluations, ">= 10");
  const ScaledNcx2 init = start ? *start : fit_ncx2_cumulants(losses);
  // λ is kept off its boundary at e^-30 in the log parametrisation; that is λ = 0 for any purpose.
  auto nll = [&](const std::array<double, 3>& t) {
    if (t[0] > 30 || t[1] > 30 || std::abs(t[2]) > 700) return std::numeric_limits<double>::infinity();
    const double df = std::exp(t[0]), nc = t[1] < -30 ? 0.0 : std::exp(t[1]), s = std::exp(t[2]);
    const double ll = ncx2_log_likelihood(losses, df, nc, s);
    return std::isfinite(ll) ? -ll : std::numeric_limits<double>::infinity();
  };
  std::array<double, 3> x0 = {std::log(init.df), std::log(std::max(init.nc, 1e-3 * init.df + 1e-6)), std::log(init.scale)};
  double fbest = 0;
  int evals = 0;
  const double ftol = opt.tolerance * static_cast<double>(losses.size());
  std::array<double, 3> x = detail::nelder_mead3(nll, x0, 0.1, ftol, opt.max_evaluations, fbest, evals);
  // One restart from the optimum: Nelder–Mead can stop on a collapsed simplex.
  int evals2 = 0;
  x = detail::nelder_mead3(nll, x, 0.02, ftol, opt.max_evaluations, fbest, evals2);
  ScaledNcx2 m;
  m.df = std::exp(x[0]);
  m.nc = x[1] < -30 ? 0.0 : std::exp(x[1]);
  m.scale = std::exp(x[2]);
  m.method = "maximum_likelihood";
  m.log_likelihood = -fbest;
  m.evaluations = evals + evals2;
  return m;
}

}  // namespace genlab::bias

#endif  // GENLAB_BIAS_LOSS_MODEL_HPP
