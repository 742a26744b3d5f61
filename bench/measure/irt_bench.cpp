// IRT fit time: 1PL/2PL by MML-EM (Gauss–Hermite, 61 nodes) and 1PL by JML on simulated
// responses (default 1,000 items x 10,000 respondents). The peer is irt_scipy.py (same data
// generator semantics, same algorithm in NumPy/SciPy); run both with run_irt_bench.sh.
// Usage: irt_bench [items] [respondents] [seed]  -> one JSON line per fit on stdout.
// GCC 12 reports a false -Wmaybe-uninitialized inside its own avx512fintrin.h when Eigen's GEMM
// is compiled with -march=native on an AVX-512 machine; the bench builds with -Werror.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "genlab/core/parallel.hpp"
#include "genlab/core/random.hpp"
#include "genlab/measure/irt.hpp"

using namespace genlab::measure;

int main(int argc, char** argv) {
  const std::size_t items = argc > 1 ? std::stoul(argv[1]) : 1000;
  const std::size_t people = argc > 2 ? std::stoul(argv[2]) : 10000;
  const std::uint64_t seed = argc > 3 ? std::stoull(argv[3]) : 1;
  auto g = genlab::core::philox_stream(seed, 1u << 30);
  std::vector<double> b(items), a(items), theta(people);
  for (auto& x : b) x = genlab::core::normal_double(g);
  for (auto& x : a) x = std::exp(0.3 * genlab::core::normal_double(g));
  for (auto& x : theta) x = genlab::core::normal_double(g);
  struct Run {
    const char* name;
    IrtModel model;
    IrtMethod method;
  };
  const Run runs[] = {{"1PL-MML", IrtModel::one_pl, IrtMethod::marginal_ml},
                      {"2PL-MML", IrtModel::two_pl, IrtMethod::marginal_ml},
                      {"1PL-JML", IrtModel::one_pl, IrtMethod::joint_ml}};
  for (const auto& r : runs) {
    const auto y = simulate_irt_responses(b, r.model == IrtModel::two_pl ? a : std::vector<double>{}, theta, seed);
    IrtConfig cfg;
    cfg.model = r.model;
    cfg.method = r.method;
    cfg.tolerance = 1e-4;
    const auto t0 = std::chrono::steady_clock::now();
    const IrtFit fit = fit_irt(y, cfg);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double mb = 0, mf = 0, sbb = 0, sff = 0, sbf = 0;
    for (std::size_t i = 0; i < items; ++i) mb += b[i], mf += fit.difficulty[i];
    mb /= items, mf /= items;
    for (std::size_t i = 0; i < items; ++i)
      sbb += (b[i] - mb) * (b[i] - mb), sff += (fit.difficulty[i] - mf) * (fit.difficulty[i] - mf),
          sbf += (b[i] - mb) * (fit.difficulty[i] - mf);
    std::printf(
        "{\"impl\": \"genlab\", \"fit\": \"%s\", \"items\": %zu, \"respondents\": %zu, \"threads\": %d, "
        "\"seconds\": %.3f, \"iterations\": %zu, \"converged\": %s, \"log_likelihood_nats\": %.3f, \"corr_b\": %.5f}\n",
        r.name, items, people, genlab::core::max_threads(), secs, fit.iterations, fit.converged ? "true" : "false",
        fit.log_likelihood_nats, sbf / std::sqrt(sbb * sff));
    std::fflush(stdout);
  }
}
