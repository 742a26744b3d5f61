// Timings of genlab::stats CDFs per grid point, printed as JSON lines (microseconds per call, and
// the value, so the peer's accuracy can be read off the same rows); bench/stats/run_bench.sh runs
// the Python peer (scipy.stats.ncx2 and a numpy Imhof-integral generalized χ²) side by side.
//   stats_bench [min_seconds_per_point]
// The grid is the one stats_peer.py uses: noncentral χ² at df ∈ {1, 10, 100}, nc ∈ {0, 5, 100},
// x = mean·{0.05, 0.5, 1, 2}; generalized χ² laws (two 1-dof terms with weights 30× apart, 10
// unequal noncentral terms, a 100-term GP-like law) at x = mean·{0.05, 0.5, 1, 2}.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "genlab/stats.hpp"

using namespace genlab;
using Clock = std::chrono::steady_clock;

namespace {
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Calls f until min_seconds have passed (at least 3 calls); returns microseconds per call and the
// last value. `sink` keeps the calls from being optimized away.
template <class F>
double time_calls(F f, double min_seconds, double& value, double& sink) {
  long calls = 0;
  const auto t = Clock::now();
  double elapsed = 0;
  do {
    value = f();
    sink += value;
    ++calls;
    elapsed = since(t);
  } while (calls < 3 || elapsed < min_seconds);
  return 1e6 * elapsed / static_cast<double>(calls);
}

struct Law {
  const char* name;
  stats::GeneralizedChiSquared q;
};

std::vector<Law> laws() {
  std::vector<Law> v;
  v.push_back({"two_terms_30x", {{1.0, 30.0}, {1.0, 1.0}, {0.0, 0.0}, 0.0}});
  stats::GeneralizedChiSquared ten;
  for (int j = 0; j < 10; ++j) {
    ten.weights.push_back(0.1 * (j + 1));
    ten.dofs.push_back(1.0 + j % 3);
    ten.noncentralities.push_back(0.5 * j);
  }
  v.push_back({"ten_terms", ten});
  stats::GeneralizedChiSquared gp;  // eigenvalues decaying like 1/i, k = 10 outputs
  for (int j = 0; j < 100; ++j) {
    gp.weights.push_back(1.0 / (1000.0 * (j + 1)));
    gp.dofs.push_back(10.0);
    gp.noncentralities.push_back(0.5);
  }
  v.push_back({"gp_like_100_terms", gp});
  return v;
}
}  // namespace

int main(int argc, char** argv) {
  const double min_seconds = argc > 1 ? std::atof(argv[1]) : 0.05;
  if (!(min_seconds > 0)) {
    std::fprintf(stderr, "stats_bench: min_seconds_per_point must be > 0\n");
    return 2;
  }
  double sink = 0;
  for (double df : {1.0, 10.0, 100.0})
    for (double nc : {0.0, 5.0, 100.0}) {
      const stats::NoncentralChiSquared d(df, nc);
      for (double f : {0.05, 0.5, 1.0, 2.0}) {
        const double x = f * stats::mean(d);
        double value = 0;
        const double us = time_calls([&] { return stats::cdf(d, x); }, min_seconds, value, sink);
        std::printf("{\"dist\": \"ncx2\", \"df\": %g, \"nc\": %g, \"x\": %.17g, \"cdf\": %.17g, \"us_per_call\": %.3f}\n",
                    df, nc, x, value, us);
      }
    }
  for (const Law& l : laws())
    for (double f : {0.05, 0.5, 1.0, 2.0}) {
      const double x = f * stats::mean(l.q);
      double value = 0;
      const double us = time_calls([&] { return stats::cdf(l.q, x); }, min_seconds, value, sink);
      std::printf("{\"dist\": \"gchi2\", \"law\": \"%s\", \"terms\": %zu, \"x\": %.17g, \"cdf\": %.17g, "
                  "\"method\": \"%s\", \"us_per_call\": %.3f}\n",
                  l.name, l.q.weights.size(), x, value, stats::to_string(stats::tails(l.q, x).method), us);
    }
  std::fflush(stdout);  // the JSON lines first, then the checksum on stderr
  std::fprintf(stderr, "stats_bench: checksum %.6e\n", sink);
  return 0;
}
