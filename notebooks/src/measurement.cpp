// %% [markdown]
// # Measuring generalization: the valley, IRT and Glicko-2 difficulty
//
// Two questions from the measurement papers, answered on **simulated data** with `genlab::measure`:
//
// 1. **Where does memorization take over?** Scylla (Qi et al., ICLR 2025) evaluates tasks at
//    five complexity levels, in distribution (ID) and out of distribution (OOD). The
//    *generalization gap* max(ID − OOD, 0) first grows with complexity, then shrinks when both
//    accuracies collapse: a *generalization valley* whose peak is the *critical complexity*.
// 2. **How hard is a problem?** Easy2Hard-Bench (Ding et al., NeurIPS 2024) rates problems with
//    item response theory (IRT) fitted to many models' answers, and with Glicko-2 where a
//    problem is a player that wins when the solver fails.
//
// Pinned values (cells tagged `check`) are the reference values of `tests/measure/gap_test.cpp`,
// `tests/measure/glicko2_test.cpp` and `tests/measure/irt_test.cpp`.
// %%
#pragma cling add_include_path("../include")
#include <genlab/notebook.hpp>
#include <genlab/measure/gap.hpp>
#include <genlab/measure/glicko2.hpp>
#include <genlab/measure/irt.hpp>
#include <genlab/measure/concurrence.hpp>
#include <genlab/core/io/gnuplot.hpp>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
namespace measure = genlab::measure;
namespace core = genlab::core;
std::filesystem::create_directories("figures");
std::cout << "engine: " << genlab::notebook::engine() << "\n";
// %% [markdown]
// ## 1. The generalization gap
//
// Scylla's `measure_id_ood_gap`: diff = max(ID − OOD, 0), ratio = OOD/ID and relative
// diff = diff/ID, with the reference edge cases (ID = 0 gives ratio 1 and relative diff 1).
// %% tags=check
for (auto [id, ood] : std::vector<std::pair<double, double>>{{0.8, 0.5}, {0.4, 0.6}, {0.0, 0.1}}) {
  const auto g = measure::generalization_gap(id, ood);
  std::cout << "ID " << id << " OOD " << ood << ": diff " << g.diff << ", ratio " << g.ratio << ", relative "
            << g.relative_diff << "\n";
}
// %% [markdown]
// ## 2. A simulated generalization valley
//
// Fifteen tasks, three per complexity level, 400 ID and 400 OOD questions each (the fixture of
// `gap_test.cpp`): ID accuracy decays slowly with complexity (0.98 → 0.15), OOD accuracy decays
// fast (0.95 → 0.10). The mean gap peaks at level 3, O(N²–N³), with a peak gap of 0.45.
// %% tags=check
const std::vector<measure::TaskOutcome> tasks = [](std::size_t n) {
  const double id[] = {0.98, 0.9, 0.8, 0.45, 0.15};
  const double ood[] = {0.95, 0.75, 0.35, 0.2, 0.1};
  std::vector<measure::TaskOutcome> t;
  for (int level = 1; level <= 5; ++level)
    for (int k = 0; k < 3; ++k) {
      measure::TaskOutcome o;
      o.task = "task" + std::to_string(level) + "_" + std::to_string(k);
      o.level = level;
      o.id_n = o.ood_n = n;
      const double jitter = 0.01 * (k - 1);
      o.id_correct = static_cast<std::size_t>(std::lround((id[level - 1] + jitter) * n));
      o.ood_correct = static_cast<std::size_t>(std::lround((ood[level - 1] - jitter) * n));
      t.push_back(o);
    }
  return t;
}(400);
const auto valley = measure::generalization_valley(tasks);
std::cout << std::fixed << std::setprecision(3) << "level  complexity   mean ID  mean OOD  mean gap\n";
for (const auto& p : valley.points)
  std::cout << std::setw(5) << p.level << "  " << std::setw(10) << std::left << measure::scylla_level_names()[p.level - 1]
            << std::right << std::setw(10) << p.mean_id_accuracy << std::setw(10) << p.mean_ood_accuracy << std::setw(10)
            << p.mean_gap << "\n";
std::cout << "critical complexity: level " << valley.critical_level << " ("
          << measure::scylla_level_names()[valley.critical_level - 1] << "), peak gap " << valley.peak_gap << "\n";
// %% [markdown]
// Is the peak robust to sampling noise? The bootstrap resamples every task's ID and OOD answers
// (binomial draws at the observed accuracy; replicate r uses Philox stream (7, r)) and records
// where the peak falls. With 400 questions per side the peak stays at level 3 in more than 99%
// of 400 replicates.
// %% tags=check
const auto boot = [](const std::vector<measure::TaskOutcome>& tasks) {
  measure::BootstrapConfig cfg;
  cfg.replicates = 400;
  cfg.seed = 7;
  return measure::critical_complexity_bootstrap(tasks, cfg);
}(tasks);
std::cout << "critical level " << boot.valley.critical_level << ", 95% interval [" << boot.lower_level << ", "
          << boot.upper_level << "], share of replicates peaking at level 3 > 0.99: "
          << (boot.frequency[2] > 0.99 ? "yes" : "no") << "\n";
// %%
const bool valley_plot = [](const measure::GeneralizationValley& v) {
  core::LinePlot plot;
  plot.title = "Generalization valley (simulated Scylla tasks)";
  plot.xlabel = "complexity level";
  plot.ylabel = "accuracy / gap";
  plot.width = 720;
  plot.height = 400;
  core::PlotSeries id, ood, gap;
  id.name = "ID accuracy", ood.name = "OOD accuracy", gap.name = "gap max(ID-OOD,0)";
  for (auto* s : {&id, &ood, &gap}) s->style = "linespoints";
  for (const auto& p : v.points) {
    id.x.push_back(p.level), id.y.push_back(p.mean_id_accuracy);
    ood.x.push_back(p.level), ood.y.push_back(p.mean_ood_accuracy);
    gap.x.push_back(p.level), gap.y.push_back(p.mean_gap);
  }
  plot.series = {id, ood, gap};
  return core::write_line_plot("figures/measurement_valley", plot);
}(valley);
genlab::notebook::show_image("figures/measurement_valley.png");
// %% [markdown]
// ## 3. Glicko-2: Glickman's worked example
//
// A player rated 1500 (RD 200, σ 0.06) beats a 1400 (RD 30) and loses to a 1550 (RD 100) and a
// 1700 (RD 300); with τ = 0.5 the new rating is 1464.05, RD 151.52, σ 0.05999 (Glickman,
// "Example of the Glicko-2 system"). A player with no games only gains deviation:
// RD 200 → 200.2714.
// %% tags=check
auto glicko = [](double r, double rd) {
  measure::Glicko2Rating x;
  x.rating = r;
  x.deviation = rd;
  x.volatility = 0.06;
  return x;
};
const auto worked = [](const measure::Glicko2Rating& me, const std::vector<measure::Glicko2Rating>& opp) {
  std::vector<measure::Glicko2Game> games(3);
  const double score[] = {1, 0, 0};
  for (int k = 0; k < 3; ++k) games[k].opponent = opp[k], games[k].score = score[k];
  return measure::glicko2_update(me, games, measure::Glicko2Config{});
}(glicko(1500, 200), {glicko(1400, 30), glicko(1550, 100), glicko(1700, 300)});
const auto idle = measure::glicko2_update(glicko(1500, 200), {}, measure::Glicko2Config{});
std::cout << std::setprecision(4) << "r' = " << worked.rating.rating << ", RD' = " << worked.rating.deviation
          << ", sigma' = " << std::setprecision(7) << worked.rating.volatility << std::setprecision(4)
          << ", v = " << worked.variance << ", Delta = " << worked.delta << "\n"
          << "idle player: RD 200 -> " << idle.rating.deviation << "\n";
// %% [markdown]
// ## 4. Item difficulty from simulated model answers
//
// Simulate 40 problems with known difficulties b_i spread over [−2, 2] and 300 "models" with
// abilities θ_j ~ N(0, 1); model j solves problem i with probability σ(θ_j − b_i) (the 1PL/Rasch
// model; spot values σ(1) = 0.7310586, σ(−1) = 0.2689414). Then estimate the difficulties back
// in two ways:
//
// * **IRT**, 1PL by marginal maximum likelihood (EM over a Gauss–Hermite grid) and by joint
//   maximum likelihood;
// * **Glicko-2**, one rating period in which every attempt is a game between problem and solver,
//   with the solvers' ratings fixed at their true abilities on the Glicko scale
//   (1500 + 173.7178 θ).
// %% tags=check
std::cout << std::setprecision(7) << "P(theta 1, b 0) = " << measure::irt_probability(1.0, 0.0)
          << ", P(theta 0, b 1) = " << measure::irt_probability(0.0, 1.0)
          << ", P(a 2, theta-b 1) = " << measure::irt_probability(1.5, 0.5, 2.0) << "\n";
// %%
const std::vector<double> true_b = [] {
  std::vector<double> b(40);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = -2.0 + 4.0 * double(i) / double(b.size() - 1);
  return b;
}();
const std::vector<double> true_theta = [] {
  std::vector<double> t(300);
  auto g = core::philox_stream(11, 0);
  for (auto& x : t) x = core::normal_double(g);
  return t;
}();
const auto responses = measure::simulate_irt_responses(true_b, {}, true_theta, 12);
const auto fit_mml = [](const measure::ResponseMatrix& y) {
  measure::IrtConfig cfg;
  cfg.tolerance = 1e-4;
  cfg.quadrature_points = 31;
  return measure::fit_irt(y, cfg);
}(responses);
const auto fit_jml = [](const measure::ResponseMatrix& y) {
  measure::IrtConfig cfg;
  cfg.tolerance = 1e-4;
  cfg.method = measure::IrtMethod::joint_ml;
  return measure::fit_irt(y, cfg);
}(responses);
const auto problem_ratings = [](const measure::ResponseMatrix& y, const std::vector<double>& theta) {
  std::vector<measure::Glicko2Rating> solvers, problems(y.items);
  for (double t : theta) {
    measure::Glicko2Rating r;
    r.rating = 1500 + measure::kGlicko2Scale * t;
    r.deviation = 50;
    solvers.push_back(r);
  }
  std::vector<measure::Glicko2Attempt> attempts;
  for (std::size_t i = 0; i < y.items; ++i)
    for (std::size_t j = 0; j < y.respondents; ++j) {
      measure::Glicko2Attempt a;
      a.solver = j, a.problem = i, a.solved = y.at(i, j) == 1;
      attempts.push_back(a);
    }
  return measure::glicko2_rate_problems(solvers, problems, attempts);
}(responses, true_theta);
// %% [markdown]
// How well each method recovers the true difficulties (Pearson r and Kendall τ-b against b_i),
// and the share of true values inside the 95% intervals of the IRT fits:
// %% tags=check
auto coverage = [](const measure::IrtFit& f, const std::vector<double>& b) {
  std::size_t in = 0;
  for (std::size_t i = 0; i < b.size(); ++i) in += std::fabs(f.difficulty[i] - b[i]) <= 1.96 * f.difficulty_se[i];
  return double(in) / double(b.size());
};
// Under 1PL an item's estimate is a function of its raw score, so items with equal scores tie;
// rounding to 1e-4 (the fit's tolerance) makes those ties exact before τ-b counts them.
auto rounded = [](std::vector<double> v) {
  for (auto& x : v) x = std::round(x * 1e4) / 1e4;
  return v;
};
std::vector<double> glicko_r;
for (const auto& r : problem_ratings) glicko_r.push_back(r.rating);
std::cout << std::setprecision(3) << "MML converged: " << fit_mml.converged << ", JML converged: " << fit_jml.converged << "\n"
          << "IRT 1PL MML: r = " << measure::pearson_correlation(fit_mml.difficulty, true_b)
          << ", tau = " << measure::kendall_tau_b(rounded(fit_mml.difficulty), true_b)
          << ", 95% coverage = " << coverage(fit_mml, true_b) << "\n"
          << "IRT 1PL JML: r = " << measure::pearson_correlation(fit_jml.difficulty, true_b)
          << ", tau = " << measure::kendall_tau_b(rounded(fit_jml.difficulty), true_b)
          << ", 95% coverage = " << coverage(fit_jml, true_b) << "\n"
          << "Glicko-2:    r = " << measure::pearson_correlation(glicko_r, true_b)
          << ", tau = " << measure::kendall_tau_b(glicko_r, true_b) << "\n"
          << "IRT (MML) vs Glicko-2 ranking: tau = " << measure::kendall_tau_b(rounded(fit_mml.difficulty), glicko_r) << "\n";
// Least-squares slope of an estimate on the true b (b has mean 0 by construction).
auto slope = [](const std::vector<double>& est, const std::vector<double>& b, double offset, double scale) {
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < b.size(); ++i) sxy += b[i] * (est[i] - offset) / scale, sxx += b[i] * b[i];
  return sxy / sxx;
};
std::cout << "slope on b: IRT MML " << slope(fit_mml.difficulty, true_b, 0, 1) << ", Glicko-2 (r-1500)/173.7 "
          << slope(glicko_r, true_b, 1500, measure::kGlicko2Scale) << "\n";
// %% [markdown]
// All three recover the *ranking* equally well (τ ≈ 0.92 against the truth, and IRT and Glicko-2
// rank the problems identically to three decimals).
// Glicko-2 ratings live on the Glicko scale; dividing (r − 1500) by 173.7178 brings them to the
// logit scale of IRT. One rating period starting from the prior RD 350 shrinks the extreme
// problems towards 1500, so the Glicko difficulties are slightly compressed (slope below 1),
// while the IRT fit keeps the scale:
// %%
const bool irt_plot = [](const std::vector<double>& b, const measure::IrtFit& mml, const std::vector<double>& gr) {
  core::LinePlot plot;
  plot.title = "Recovered vs true difficulty";
  plot.xlabel = "true difficulty b (logits)";
  plot.ylabel = "estimate (logits)";
  plot.width = 720;
  plot.height = 400;
  core::PlotSeries truth, irt, gl;
  truth.name = "y = x", irt.name = "IRT 1PL (MML)", gl.name = "Glicko-2 (r-1500)/173.7";
  irt.style = gl.style = "points";
  truth.x = {b.front(), b.back()}, truth.y = truth.x;
  for (std::size_t i = 0; i < b.size(); ++i) {
    irt.x.push_back(b[i]), irt.y.push_back(mml.difficulty[i]);
    gl.x.push_back(b[i]), gl.y.push_back((gr[i] - 1500) / measure::kGlicko2Scale);
  }
  plot.series = {truth, irt, gl};
  return core::write_line_plot("figures/measurement_difficulty", plot);
}(true_b, fit_mml, glicko_r);
genlab::notebook::show_image("figures/measurement_difficulty.png");
