// R and δ estimators of P1 on small data with known answers, through the umbrella header.
#include <catch2/catch.hpp>

#include <cmath>

#include "genlab/bias.hpp"

using namespace genlab::bias;

TEST_CASE("data_radius, sample_delta and evt_delta") {
  // Points on a line at 0, 1.5, 3, 4.5, ... with alternating labels, plus a same-label pair at 0.2
  // and a different-label near-duplicate pair at 0.5 (masked by min_distance = 1).
  Eigen::MatrixXd x(8, 2);
  x << 0, 0, 1.5, 0, 3, 0, 4.5, 0, 6, 0, 6.2, 0, 10, 0, 10.5, 0;
  const std::vector<int> y = {0, 1, 0, 1, 0, 0, 1, 0};
  CHECK(data_radius(x) == 10.5);
  SampleDeltaOptions o;
  CHECK(sample_delta(x, y, o) == Approx(1.5));
  o.min_distance = 0;
  CHECK(sample_delta(x, y, o) == Approx(0.5));
  o.block = 3;  // tiling does not matter
  CHECK(sample_delta(x, y, o) == Approx(0.5));

  // EVT on a Gaussian cloud: finite, never above the smallest sampled distance, seeded.
  Eigen::MatrixXd g(400, 5);
  auto rng = genlab::core::philox_stream(3, 0);
  std::vector<int> lab(400);
  for (Eigen::Index i = 0; i < 400; ++i) {
    for (int j = 0; j < 5; ++j) g(i, j) = genlab::core::normal_double(rng);
    lab[static_cast<std::size_t>(i)] = static_cast<int>(i % 3);
  }
  EvtDeltaOptions e;
  e.pairs = 20000;
  e.k = 200;
  const auto r = evt_delta(g, lab, e);
  CHECK(std::isfinite(r.delta));
  CHECK(r.delta > 0);
  CHECK(r.delta <= r.smallest_sampled);
  CHECK(evt_delta(g, lab, e).delta == r.delta);
  SampleDeltaOptions all;
  all.min_distance = 0;
  // The extrapolated minimum is of the order of the exact one (within a factor 3 here).
  const double exact = sample_delta(g, lab, all);
  CHECK(r.delta > exact / 3);
  CHECK(r.delta < exact * 3);
}

TEST_CASE("Bad resolution input throws") {
  Eigen::MatrixXd x = Eigen::MatrixXd::Ones(3, 2);
  CHECK_THROWS_WITH(sample_delta(x, {0, 0, 0}), Catch::Contains(">= 2 classes"));
  CHECK_THROWS_WITH(sample_delta(x, {0, 1}), Catch::Contains("labels.size()"));
  CHECK_THROWS_WITH(sample_delta(x, {0, 1, 0}), Catch::Contains("qualifying pairs"));  // all identical
  x(0, 0) = std::nan("");
  CHECK_THROWS_AS(data_radius(x), std::invalid_argument);
  Eigen::MatrixXd d = Eigen::MatrixXd::Zero(4, 2);
  CHECK_THROWS_WITH(evt_delta(d, {0, 1, 0, 1}, EvtDeltaOptions{20, 2, 0}), Catch::Contains("no usable pair"));
}
