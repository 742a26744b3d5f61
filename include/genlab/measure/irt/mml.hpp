#ifndef GENLAB_MEASURE_IRT_MML_HPP
#define GENLAB_MEASURE_IRT_MML_HPP
// Marginal maximum likelihood (MML) for the 1PL/2PL model (irt/model.hpp) by EM over a
// standard-normal ability distribution (Bock & Aitkin, "Marginal maximum likelihood estimation
// of item parameters: application of an EM algorithm", Psychometrika 46, 1981, eqs. 5–9),
// integrated by Gauss–Hermite quadrature, with parameter-expanded EM (Liu, Rubin & Wu, "Parameter
// expansion to accelerate EM: the PX-EM algorithm", Biometrika 85, 1998).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

#include "genlab/core/error.hpp"
#include "genlab/core/parallel.hpp"
#include "genlab/measure/irt/model.hpp"

namespace genlab::measure {

/// Gauss–Hermite rule for E[f(θ)], θ ~ N(0, 1): nodes and weights (summing to 1) by the
/// Golub–Welsch eigenvalue method on the probabilists' Hermite Jacobi matrix (Golub & Welsch,
/// "Calculation of Gauss quadrature rules", Math. Comp. 23, 1969). O(Q³).
struct GaussHermite {
  std::vector<double> nodes;
  std::vector<double> weights;
};

inline GaussHermite gauss_hermite_normal(std::size_t points) {
  core::require(points >= 1 && points <= 400, "genlab::measure::gauss_hermite_normal", "points", points, "in 1..400");
  GaussHermite gh;
  if (points == 1) {
    gh.nodes = {0.0};
    gh.weights = {1.0};
    return gh;
  }
  Eigen::VectorXd diag = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(points));
  Eigen::VectorXd off(static_cast<Eigen::Index>(points - 1));
  for (Eigen::Index k = 0; k < off.size(); ++k) off[k] = std::sqrt(static_cast<double>(k + 1));
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es;
  es.computeFromTridiagonal(diag, off, Eigen::ComputeEigenvectors);
  gh.nodes.resize(points);
  gh.weights.resize(points);
  double total = 0.0;
  for (std::size_t k = 0; k < points; ++k) {
    const auto ek = static_cast<Eigen::Index>(k);
    gh.nodes[k] = es.eigenvalues()[ek];
    const double v = es.eigenvectors()(0, ek);
    gh.weights[k] = std::max(v * v, 1e-300);  // far-tail weights can underflow; keep logs finite
    total += gh.weights[k];
  }
  for (auto& w : gh.weights) w /= total;
  return gh;
}

namespace detail {

/// The state of one MML-EM fit: the data as dense matrices (respondents × items, so that the
/// E- and M-steps are matrix products), the quadrature, the current item parameters and the
/// posterior weights. Methods are the steps of fit_irt_mml, in the order it calls them.
struct MmlState {
  using Index = Eigen::Index;

  const ResponseMatrix& data;
  const IrtConfig& config;
  std::size_t I, J, Q;  // items, respondents, quadrature nodes
  bool two_pl;
  GaussHermite gh;
  Eigen::MatrixXd Y;  // J × I, 1 = correct
  Eigen::MatrixXd M;  // J × I, 1 = observed (only when some response is missing)
  bool missing = false;
  std::vector<std::size_t> n_item, r_item, n_resp, r_resp;  // observed and correct counts
  ExtremeScores ex_i, ex_j;
  std::vector<double> b, log_a;  // current item parameters
  Eigen::RowVectorXd log_w;      // log quadrature weights
  Eigen::MatrixXd LP, LQ;        // I × Q: log σ(z) and log σ(−z) at the nodes
  Eigen::MatrixXd W;             // J × Q posterior weights (after e_step)
  Eigen::VectorXd row_lse;       // J: log marginal likelihood of each respondent
  Eigen::MatrixXd R, N;          // I × Q expected correct and observed counts (m_step)
  std::vector<ItemStep> steps;

  MmlState(const ResponseMatrix& d, const IrtConfig& c)
      : data(d),
        config(c),
        I(d.items),
        J(d.respondents),
        Q(c.quadrature_points),
        two_pl(c.model == IrtModel::two_pl),
        gh(gauss_hermite_normal(Q)),
        Y(Eigen::MatrixXd::Zero(static_cast<Index>(J), static_cast<Index>(I))),
        n_item(I, 0),
        r_item(I, 0),
        n_resp(J, 0),
        r_resp(J, 0),
        b(I),
        log_a(I, 0.0),
        log_w(static_cast<Index>(Q)),
        LP(static_cast<Index>(I), static_cast<Index>(Q)),
        LQ(static_cast<Index>(I), static_cast<Index>(Q)),
        W(static_cast<Index>(J), static_cast<Index>(Q)),
        row_lse(static_cast<Index>(J)),
        steps(I) {
    for (std::size_t i = 0; i < I; ++i)
      for (std::size_t j = 0; j < J; ++j) {
        const auto y = data.at(i, j);
        if (y < 0) {
          missing = true;
          continue;
        }
        ++n_item[i], ++n_resp[j];
        r_item[i] += static_cast<std::size_t>(y);
        r_resp[j] += static_cast<std::size_t>(y);
        Y(static_cast<Index>(j), static_cast<Index>(i)) = y;
      }
    if (missing) {
      M = Eigen::MatrixXd::Zero(static_cast<Index>(J), static_cast<Index>(I));
      for (std::size_t i = 0; i < I; ++i)
        for (std::size_t j = 0; j < J; ++j) M(static_cast<Index>(j), static_cast<Index>(i)) = data.at(i, j) >= 0;
    }
    ex_i = extreme_scores(n_item, r_item, config.extreme_adjustment);
    ex_j = extreme_scores(n_resp, r_resp, config.extreme_adjustment);
    for (std::size_t i = 0; i < I; ++i)  // σ(θ − b) averaged over N(0,1) ≈ σ(−b/1.2)
      b[i] = -1.2 * logit_clamped((static_cast<double>(r_item[i]) + 0.5) / (static_cast<double>(n_item[i]) + 1.0));
    for (std::size_t q = 0; q < Q; ++q) log_w[static_cast<Index>(q)] = std::log(gh.weights[q]);
  }

  Eigen::Map<const Eigen::VectorXd> nodes() const { return {gh.nodes.data(), static_cast<Index>(Q)}; }

  /// E-step: W_jq ∝ w_q Π_i p_iq^y_ij (1 − p_iq)^(m_ij − y_ij), normalised per respondent in
  /// log space; row_lse_j = log Σ_q of the unnormalised row (Bock & Aitkin eq. 5).
  void e_step() {
    for (std::size_t i = 0; i < I; ++i) {
      const double a = std::exp(log_a[i]);
      for (std::size_t q = 0; q < Q; ++q) {
        const double z = a * (gh.nodes[q] - b[i]);
        LP(static_cast<Index>(i), static_cast<Index>(q)) = log_sigmoid(z);
        LQ(static_cast<Index>(i), static_cast<Index>(q)) = log_sigmoid(-z);
      }
    }
    // log L_jq = Σ_i y_ij LP_iq + (m_ij − y_ij) LQ_iq = Y (LP − LQ) + M LQ.
    {
      // The GEMMs run on one thread, so their bits do not depend on the thread count
      // (core/parallel.hpp); the per-item loops around them are genlab's parallel loops.
      const core::SingleThreadedProducts one_thread;
      W.noalias() = Y * (LP - LQ);
      if (missing)
        W.noalias() += M * LQ;
      else
        W.rowwise() += LQ.colwise().sum();
    }
    W.rowwise() += log_w;
    for (Index j = 0; j < W.rows(); ++j) {
      const double mx = W.row(j).maxCoeff();
      W.row(j) = (W.row(j).array() - mx).exp();
      const double s = W.row(j).sum();
      W.row(j) /= s;
      row_lse[j] = mx + std::log(s);
    }
  }

  /// M-step: Newton steps per item on the expected counts r_iq = Σ_j y_ij W_jq and
  /// n_iq = Σ_j m_ij W_jq (Bock & Aitkin eqs. 7–9). With `move` false only the information at
  /// the current parameters is computed (into `steps`). Returns the largest parameter change.
  double m_step(bool move) {
    {
      const core::SingleThreadedProducts one_thread;  // see e_step
      R.noalias() = Y.transpose() * W;  // items × Q expected correct counts
      if (missing)
        N.noalias() = M.transpose() * W;
      else
        N = W.colwise().sum().replicate(static_cast<Index>(I), 1);
    }
    double change = 0.0;
    core::parallel_for(static_cast<std::int64_t>(I), [&](std::int64_t ii) {
      const auto i = static_cast<std::size_t>(ii);
      const auto ei = static_cast<Index>(i);
      // Extreme items: counts shrunk toward the adjusted score (see ExtremeScores).
      const double keep = ex_i.extreme[i] ? (r_item[i] ? ex_i.correct_value[i] : 0.0) : 1.0;
      const double add = ex_i.extreme[i] && !r_item[i] ? ex_i.incorrect_value[i] : 0.0;
      double bb = b[i], la = log_a[i];
      ItemStep s;
      for (int k = 0; k < (move ? 3 : 1); ++k) {
        s = item_newton(ex_i.fits_discrimination(two_pl, i), bb, la, config.discrimination_prior_sd, [&](auto&& point) {
          for (std::size_t q = 0; q < Q; ++q) {
            const double n = N(ei, static_cast<Index>(q));
            point(gh.nodes[q], keep * R(ei, static_cast<Index>(q)) + add * n, n);
          }
        });
        if (!move) break;
        bb = s.b;
        la = s.log_a;
      }
      s.b = bb;
      s.log_a = la;
      steps[i] = s;
    });
    if (!move) return 0.0;
    // Parameter expansion (PX-EM): also fit the latent mean μ (and, for 2PL, sd s) from the
    // posteriors, then map back to θ ~ N(0, 1): b ← (b − μ)/s, a ← a s. Plain EM crawls along
    // this direction at rate ≈ 1/(1 + posterior variance), which is close to 1 when there are
    // many items; the expansion removes that mode. Its fixed point solves the exact-integral
    // likelihood equations, so it can differ from the maximiser of the quadrature-approximated
    // likelihood by the quadrature error (parameter_expansion = false gives the latter, slowly).
    const auto x = nodes();
    const Eigen::RowVectorXd mass = W.colwise().sum() / static_cast<double>(J);
    const double mu = config.parameter_expansion ? mass.dot(x) : 0.0;
    const double s = two_pl && config.parameter_expansion && config.discrimination_prior_sd == 0.0
                         ? std::sqrt(std::max(mass.dot(x.cwiseProduct(x)) - mu * mu, 1e-6))
                         : 1.0;
    for (std::size_t i = 0; i < I; ++i) {
      const double nb = (steps[i].b - mu) / s;
      const double nla = ex_i.fits_discrimination(two_pl, i) ? steps[i].log_a + std::log(s) : 0.0;  // else a = 1
      change = std::max({change, std::fabs(nb - b[i]), std::fabs(std::exp(nla) - std::exp(log_a[i]))});
      b[i] = nb;
      log_a[i] = nla;
    }
    return change;
  }

  /// Abilities: posterior mean (EAP) and posterior sd, from the last E-step.
  void abilities(IrtFit& fit, Eigen::VectorXd& eap) const {
    const auto x = nodes();
    fit.ability.resize(J);
    fit.ability_se.resize(J);
    eap = W * x;
    const Eigen::VectorXd second = W * x.cwiseProduct(x);
    for (std::size_t j = 0; j < J; ++j) {
      const auto ej = static_cast<Index>(j);
      fit.ability[j] = eap[ej];
      fit.ability_se[j] = std::sqrt(std::max(second[ej] - eap[ej] * eap[ej], 0.0));
    }
  }

  /// Item parameters and standard errors by XPD: the marginal score of respondent j for item i
  /// is ∂/∂b: −a (y − E_j[p]),  ∂/∂log a: a (y (θ̄_j − b) − E_j[p (θ − b)]), where E_j averages
  /// over j's posterior; the needed posterior averages are W·Pᵀ and W·Dᵀ. The cross-product of
  /// these scores is the empirical information of the item's block (it ignores the small
  /// covariances between items).
  void items(IrtFit& fit, const Eigen::VectorXd& eap) const {
    Eigen::MatrixXd P(static_cast<Index>(I), static_cast<Index>(Q)), D(static_cast<Index>(I), static_cast<Index>(Q));
    for (std::size_t i = 0; i < I; ++i)
      for (std::size_t q = 0; q < Q; ++q) {
        const double p = irt_probability_unchecked(gh.nodes[q], b[i], std::exp(log_a[i]));
        P(static_cast<Index>(i), static_cast<Index>(q)) = p;
        D(static_cast<Index>(i), static_cast<Index>(q)) = p * (gh.nodes[q] - b[i]);
      }
    std::vector<double> ibb(I, 0.0), iuu(I, 0.0), iub(I, 0.0);
    const Index chunk = 2048;  // respondents per block, to bound memory at J × I
    for (Index j0 = 0; j0 < static_cast<Index>(J); j0 += chunk) {
      const Index rows = std::min(chunk, static_cast<Index>(J) - j0);
      Eigen::MatrixXd E1, E2;
      {
        const core::SingleThreadedProducts one_thread;  // see e_step
        E1 = W.middleRows(j0, rows) * P.transpose();
        if (two_pl) E2 = W.middleRows(j0, rows) * D.transpose();
      }
      core::parallel_for(static_cast<std::int64_t>(I), [&](std::int64_t ii) {
        const auto i = static_cast<std::size_t>(ii);
        const auto ei = static_cast<Index>(i);
        const double a = std::exp(log_a[i]);
        for (Index r = 0; r < rows; ++r) {
          const Index j = j0 + r;
          const auto y = data.at(i, static_cast<std::size_t>(j));
          if (y < 0) continue;
          const double sb = -a * (y - E1(r, ei));
          ibb[i] += sb * sb;
          if (ex_i.fits_discrimination(two_pl, i)) {
            const double su = a * (y * (eap[j] - b[i]) - E2(r, ei));
            iuu[i] += su * su;
            iub[i] += su * sb;
          }
        }
      });
    }
    fit.difficulty = b;
    fit.difficulty_se.resize(I);
    fit.discrimination.resize(I);
    fit.discrimination_se.resize(I);
    for (std::size_t i = 0; i < I; ++i) {
      fit.discrimination[i] = std::exp(log_a[i]);
      const bool free_a = ex_i.fits_discrimination(two_pl, i);
      if (free_a && config.discrimination_prior_sd > 0.0)
        iuu[i] += 1.0 / (config.discrimination_prior_sd * config.discrimination_prior_sd);
      item_standard_errors(free_a, fit.discrimination[i], iuu[i], iub[i], ibb[i], fit.difficulty_se[i],
                           fit.discrimination_se[i]);
      if (!free_a) fit.discrimination_se[i] = 0.0;
    }
  }
};

}  // namespace detail

/// Marginal maximum likelihood by EM (Bock & Aitkin 1981) with θ ~ N(0, 1) integrated by a
/// `quadrature_points`-node Gauss–Hermite rule. E-step: posterior weights W (respondents × Q)
/// in log space; M-step: Newton steps per item on the expected counts r_iq = Σ_j y_ij W_jq,
/// n_iq = Σ_j m_ij W_jq (both matrix products), accelerated by parameter expansion (the latent
/// mean, and for 2PL its sd, are fitted and mapped back onto the items). Abilities are
/// posterior means with posterior sd as their standard error. Item standard errors come from
/// the cross-product of per-respondent marginal scores (XPD). Expects a validated config and
/// response matrix (fit_irt checks both). O(iterations · items · respondents · Q), mostly in GEMM.
inline IrtFit fit_irt_mml(const ResponseMatrix& data, const IrtConfig& config) {
  detail::MmlState em(data, config);
  IrtFit fit;
  fit.config = config;
  for (fit.iterations = 1; fit.iterations <= config.max_iterations; ++fit.iterations) {
    em.e_step();
    if (em.m_step(true) < config.tolerance) {
      fit.converged = true;
      break;
    }
  }
  fit.iterations = std::min(fit.iterations, config.max_iterations);
  em.e_step();
  fit.log_likelihood_nats = em.row_lse.sum();
  Eigen::VectorXd eap;
  em.abilities(fit, eap);
  em.items(fit, eap);
  fit.extreme_item = em.ex_i.extreme;
  fit.extreme_respondent = em.ex_j.extreme;
  return fit;
}

}  // namespace genlab::measure

#endif  // GENLAB_MEASURE_IRT_MML_HPP
