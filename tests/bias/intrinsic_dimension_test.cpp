// Intrinsic dimension: V8 fixed numbers (Levina & Bickel, "Maximum Likelihood Estimation of
// Intrinsic Dimension", NIPS 2004, with MacKay & Ghahramani's correction; Facco et al., "Estimating the
// intrinsic dimension of datasets by a minimal neighborhood information", Sci. Rep. 2017, for
// TwoNN), the blocked kNN against brute force, duplicates, query subsets, uniform data on known manifolds, bad input.
#include <catch2/catch.hpp>

#include "test_util.hpp"

#include <cmath>

#include "genlab/bias/intrinsic_dimension.hpp"
#include "genlab/core/random.hpp"

using namespace genlab::bias;

namespace {
using namespace biastest;

Eigen::MatrixXd gaussian(Eigen::Index n, Eigen::Index d, std::uint64_t seed) {
  Eigen::MatrixXd x(n, d);
  auto g = genlab::core::philox_stream(seed, 0);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < d; ++j) x(i, j) = genlab::core::normal_double(g);
  return x;
}
}  // namespace

TEST_CASE("V8 MLE on fixed neighbour distances") {
  Eigen::MatrixXd one(1, 5);
  one << 1, 2, 3, 4, 5;
  CHECK(rel_close(mle_from_distances(one).dimension, 1.2271076098552076, 1e-12));
  Eigen::MatrixXd two(2, 5);
  two << 1, 2, 3, 4, 5, 1, 1.1, 1.2, 1.3, 1.4;
  MleOptions o;
  CHECK(rel_close(mle_from_distances(two, o).dimension, 1.967733710251754, 1e-12));  // MacKay–Ghahramani
  o.combine = MleCombine::mean;
  CHECK(rel_close(mle_from_distances(two, o).dimension, 3.0952730101502755, 1e-12));  // Levina–Bickel
  o.combine = MleCombine::median;
  CHECK(rel_close(mle_from_distances(two, o).dimension, 3.0952730101502755, 1e-12));  // median of two = mean
  o.combine = MleCombine::inverse_of_mean;
  o.unbiased = true;  // (k−2)/Σ: 3/4 of the biased value
  CHECK(rel_close(mle_from_distances(two, o).dimension, 0.75 * 1.967733710251754, 1e-12));
}

TEST_CASE("V8 TwoNN least squares and MLE forms") {
  const std::vector<double> mu = {1.1, 1.2, 1.3, 1.5, 1.8, 2.0, 2.5, 3.0, 4.0, 10.0};
  std::vector<double> shuffled = {10.0, 1.3, 2.5, 1.1, 4.0, 1.2, 2.0, 1.8, 3.0, 1.5};
  CHECK(rel_close(twonn_from_ratios(shuffled).dimension, 1.4709231704894818, 1e-12));
  TwoNnOptions o;
  o.fit = TwoNnFit::mle;
  CHECK(rel_close(twonn_from_ratios(mu, o).dimension, 1.2610058336226329, 1e-12));
  o.unbiased = true;
  CHECK(rel_close(twonn_from_ratios(mu, o).dimension, 1.1349052502603696, 1e-12));
  CHECK_THROWS_AS(twonn_from_ratios({1.0, 1.0}, o), std::invalid_argument);
}

TEST_CASE("Blocked GEMM kNN equals brute force") {
  const Eigen::MatrixXd x = gaussian(300, 7, 3);
  KnnOptions small;
  small.query_block = 17;
  small.reference_block = 33;
  const auto nn = knn_self(x, 6, {}, small);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    std::vector<std::pair<double, Eigen::Index>> all;
    for (Eigen::Index j = 0; j < x.rows(); ++j)
      if (j != i) all.push_back({(x.row(i) - x.row(j)).norm(), j});
    std::sort(all.begin(), all.end());
    for (int c = 0; c < 6; ++c) {
      CHECK(nn.indices(i, c) == all[static_cast<std::size_t>(c)].second);
      CHECK(nn.distances(i, c) == all[static_cast<std::size_t>(c)].first);
    }
  }
  // Default tiles give the same answer.
  const auto nn2 = knn_self(x, 6);
  CHECK(nn2.indices == nn.indices);
}

TEST_CASE("Single-precision kNN with certification equals the double-precision search") {
  KnnOptions f64;
  f64.precision = KnnPrecision::float64;
  // Well separated points: certified without fallback, same neighbours and distances.
  const Eigen::MatrixXd x = gaussian(400, 30, 21);
  const auto a = knn_self(x, 5), b = knn_self(x, 5, {}, f64);
  CHECK(a.indices == b.indices);
  CHECK(a.distances == b.distances);
  CHECK(a.exact_fallbacks == 0);
  // Points 1e-6 apart around a far offset: float cannot resolve them, so queries fall back to the
  // exact search, and the answer is the brute-force one (where even the double GEMM form loses them).
  Eigen::MatrixXd y = 1e-6 * gaussian(300, 8, 22);
  y.array() += 1e3;
  y.col(0).head(150).array() += 1.0;  // two clusters, so centring does not remove the offset
  const auto c = knn_self(y, 4);
  CHECK(c.exact_fallbacks > 0);
  for (Eigen::Index i = 0; i < y.rows(); ++i) {
    std::vector<std::pair<double, Eigen::Index>> all;
    for (Eigen::Index j = 0; j < y.rows(); ++j)
      if (j != i) all.push_back({(y.row(i) - y.row(j)).norm(), j});
    std::sort(all.begin(), all.end());
    for (int k = 0; k < 4; ++k) {
      CHECK(c.indices(i, k) == all[static_cast<std::size_t>(k)].second);
      CHECK(c.distances(i, k) == all[static_cast<std::size_t>(k)].first);
    }
  }
  // A reference subset taken in place equals the copied subset.
  std::vector<std::int64_t> rows;
  for (std::int64_t i = 0; i < 400; i += 2) rows.push_back(i);
  Eigen::MatrixXd half(200, 30);
  for (std::size_t i = 0; i < rows.size(); ++i) half.row(static_cast<Eigen::Index>(i)) = x.row(rows[i]);
  const auto s1 = knn_self(x, 3, {0, 7, 199}, KnnOptions{}, rows), s2 = knn_self(half, 3, {0, 7, 199});
  CHECK(s1.indices == s2.indices);
  CHECK(s1.distances == s2.distances);
}

TEST_CASE("Duplicates are removed (default) or rejected") {
  Eigen::MatrixXd x = gaussian(400, 3, 5);
  const double base = mle_intrinsic_dimension(x).dimension;
  Eigen::MatrixXd y(500, 3);
  y.topRows(400) = x;
  y.bottomRows(100) = x.topRows(100);  // 100 exact duplicates
  const auto r = mle_intrinsic_dimension(y);
  CHECK(r.points == 500);
  CHECK(r.unique_points == 400);
  CHECK(r.dimension == Approx(base).epsilon(1e-12));
  CHECK(unique_rows(y).size() == 400);
  MleOptions rej;
  rej.duplicates = DuplicatePolicy::reject;
  CHECK_THROWS_WITH(mle_intrinsic_dimension(y, rej), Catch::Contains("duplicate rows"));
  // A zero distance handed straight to the estimator is rejected, not turned into inf.
  Eigen::MatrixXd d(1, 3);
  d << 0, 1, 2;
  CHECK_THROWS_WITH(mle_from_distances(d), Catch::Contains("duplicate"));
}

TEST_CASE("Manifold checks: 2-D square in R^10 and S^3 in R^4 (±0.3, here ±0.1)") {
  // 8000 points uniform on a square, embedded by a random linear map into R^10 (every estimate
  // below lands within 0.05 of the truth; the spec asks for 0.3).
  const Eigen::Index n = 8000;
  Eigen::MatrixXd sq(n, 2);
  auto g = genlab::core::philox_stream(11, 0);
  for (Eigen::Index i = 0; i < n; ++i)
    for (int j = 0; j < 2; ++j) sq(i, j) = genlab::core::uniform_double53(g);
  const Eigen::MatrixXd A = gaussian(2, 10, 12);
  const Eigen::MatrixXd x = sq * A;
  MleOptions o;
  o.query_count = 2000;
  o.seed = 1;
  const auto m = mle_intrinsic_dimension(x, o);
  CHECK(m.queries == 2000);
  CHECK(std::abs(m.dimension - 2) < 0.1);
  o.k = 5;  // P1's setting
  CHECK(std::abs(mle_intrinsic_dimension(x, o).dimension - 2) < 0.1);
  TwoNnOptions t;
  t.query_count = 2000;
  CHECK(std::abs(twonn_intrinsic_dimension(x, t).dimension - 2) < 0.1);
  t.fit = TwoNnFit::mle;
  CHECK(std::abs(twonn_intrinsic_dimension(x, t).dimension - 2) < 0.1);
  o.k = 20;
  CHECK(std::abs(mle_intrinsic_dimension_k_range(x, 10, 20, o) - 2) < 0.1);

  // S^3: normalised 4-D Gaussians.
  Eigen::MatrixXd s = gaussian(n, 4, 13);
  s.rowwise().normalize();
  MleOptions so;
  so.query_count = 2000;
  CHECK(std::abs(mle_intrinsic_dimension(s, so).dimension - 3) < 0.1);
  TwoNnOptions st;
  st.query_count = 2000;
  CHECK(std::abs(twonn_intrinsic_dimension(s, st).dimension - 3) < 0.1);
}

TEST_CASE("Query subsets are seeded and distinct") {
  const auto a = sample_without_replacement(1000, 100, 7);
  const auto b = sample_without_replacement(1000, 100, 7);
  CHECK(a == b);
  std::vector<std::int64_t> s = a;
  std::sort(s.begin(), s.end());
  CHECK(std::adjacent_find(s.begin(), s.end()) == s.end());
  CHECK(sample_without_replacement(1000, 100, 8) != a);
}

TEST_CASE("Bad intrinsic-dimension input throws") {
  Eigen::MatrixXd x = gaussian(10, 3, 1);
  MleOptions o;
  o.k = 10;  // 10 points: at most 9 neighbours
  CHECK_THROWS_WITH(mle_intrinsic_dimension(x, o), Catch::Contains("fewer points than neighbours"));
  o.k = 1;
  CHECK_THROWS_WITH(mle_intrinsic_dimension(x, o), Catch::Contains("'k' = 1"));
  x(3, 1) = std::nan("");
  CHECK_THROWS_WITH(mle_intrinsic_dimension(x), Catch::Contains("row 3, column 1"));
  CHECK_THROWS_AS(knn(Eigen::MatrixXd::Zero(5, 2), Eigen::MatrixXd::Zero(1, 3), 1), std::invalid_argument);
  TwoNnOptions t;
  t.discard_fraction = 1;
  CHECK_THROWS_AS(twonn_from_ratios({1.5, 2.0}, t), std::invalid_argument);
  CHECK_THROWS_AS(twonn_from_ratios({0.5, 2.0}), std::invalid_argument);
}
