// The generalized χ² CDFs as they were at commit 04fa0a6, before the statistics layer: Imhof's
// integral (sample::GeneralizedChiSquare::cdf; Imhof, "Computing the distribution of quadratic forms
// in normal variables", Biometrika 48:419, 1961, eq. 3.2) and the log-space inversion on the
// saddlepoint line (bias::generalized_chi_square_log_cdf), timed on stats_bench.cpp's generalized χ²
// grid; one JSON line per (law, x, method) with microseconds per call and the value.
//
// Uses only the API of 04fa0a6, and is meant to be compiled against that commit's headers, which
// bench/stats/run_bench.sh extracts (git archive 04fa0a6 include) and passes with
// -DGENLAB_OLD_METHODS_04FA0A6. Built any other way (the bench CMake glob builds it against today's
// headers, where those names forward to genlab::stats) it would time the new code under the old
// names, so without that define it only says how to run it and exits 2.
//   old_methods_bench [min_seconds_per_point]
#include <cstdio>

#ifdef GENLAB_OLD_METHODS_04FA0A6
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <vector>

#include "genlab/bias/generalized_chi_square_tail.hpp"
#include "genlab/sample/generalized_chi_square.hpp"

using namespace genlab;
using Clock = std::chrono::steady_clock;

namespace {
// As stats_bench.cpp: calls f until min_seconds have passed (at least 3 calls).
template <class F>
double time_calls(F f, double min_seconds, double& value, double& sink) {
  long calls = 0;
  const auto t = Clock::now();
  double elapsed = 0;
  do {
    value = f();
    sink += value;
    ++calls;
    elapsed = std::chrono::duration<double>(Clock::now() - t).count();
  } while (calls < 3 || elapsed < min_seconds);
  return 1e6 * elapsed / static_cast<double>(calls);
}

struct Law {
  const char* name;
  sample::GeneralizedChiSquare q;
};

// The laws of stats_bench.cpp, in the old type.
std::vector<Law> laws() {
  std::vector<Law> v;
  sample::GeneralizedChiSquare two;
  two.weights = {1.0, 30.0};
  two.dof = {1.0, 1.0};
  two.noncentrality = {0.0, 0.0};
  v.push_back({"two_terms_30x", two});
  sample::GeneralizedChiSquare ten;
  for (int j = 0; j < 10; ++j) {
    ten.weights.push_back(0.1 * (j + 1));
    ten.dof.push_back(1.0 + j % 3);
    ten.noncentrality.push_back(0.5 * j);
  }
  v.push_back({"ten_terms", ten});
  sample::GeneralizedChiSquare gp;
  for (int j = 0; j < 100; ++j) {
    gp.weights.push_back(1.0 / (1000.0 * (j + 1)));
    gp.dof.push_back(10.0);
    gp.noncentrality.push_back(0.5);
  }
  v.push_back({"gp_like_100_terms", gp});
  return v;
}

void row(const Law& l, double x, const char* method, double value, double us) {
  std::printf("{\"dist\": \"gchi2\", \"law\": \"%s\", \"terms\": %zu, \"x\": %.17g, \"cdf\": %.17g, \"method\": \"%s\", "
              "\"us_per_call\": %.3f}\n",
              l.name, l.q.weights.size(), x, value, method, us);
}
}  // namespace

int main(int argc, char** argv) {
  const double min_seconds = argc > 1 ? std::atof(argv[1]) : 0.05;
  if (!(min_seconds > 0)) {
    std::fprintf(stderr, "old_methods_bench: min_seconds_per_point must be > 0\n");
    return 2;
  }
  double sink = 0;
  for (const Law& l : laws())
    for (double f : {0.05, 0.5, 1.0, 2.0}) {
      const double x = f * l.q.mean();
      double value = 0;
      try {
        const double us = time_calls([&] { return l.q.cdf(x); }, min_seconds, value, sink);
        row(l, x, "old_imhof", value, us);
      } catch (const std::exception&) {
        row(l, x, "old_imhof", NAN, NAN);  // printed as nan: the method refused this point
      }
      try {
        const double us =
            time_calls([&] { return std::exp(bias::generalized_chi_square_log_cdf(l.q, x)); }, min_seconds, value, sink);
        row(l, x, "old_saddlepoint", value, us);
      } catch (const std::exception&) {
        row(l, x, "old_saddlepoint", NAN, NAN);
      }
    }
  std::fflush(stdout);
  std::fprintf(stderr, "old_methods_bench: checksum %.6e\n", sink);
  return 0;
}
#else
int main() {
  std::fprintf(stderr,
               "old_methods_bench: compile against the headers of commit 04fa0a6 with "
               "-DGENLAB_OLD_METHODS_04FA0A6; bench/stats/run_bench.sh does this\n");
  return 2;
}
#endif
