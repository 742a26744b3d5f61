// Each operation's hand-written backward against central finite differences in double, on
// L = Σ G ⊙ op(inputs) with a random upstream gradient G.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "genlab/core/random.hpp"
#include "genlab/nn/layers.hpp"

using namespace genlab::nn;
using Mat = Matrix<double>;

namespace {

Mat random_matrix(Eigen::Index r, Eigen::Index c, std::uint64_t seed, double sd = 1.0) {
  auto g = genlab::core::philox_stream(seed, 0);
  Mat m(r, c);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = sd * genlab::core::normal_double(g);
  return m;
}

// max |analytic − fd| / max(|analytic|, 1e-3) over every entry of x, with loss(x) scalar.
double check(Mat& x, const Mat& analytic, const std::function<double()>& loss) {
  const double h = 1e-5;
  double worst = 0;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double x0 = x.data()[i];
    x.data()[i] = x0 + h;
    const double lp = loss();
    x.data()[i] = x0 - h;
    const double lm = loss();
    x.data()[i] = x0;
    const double fd = (lp - lm) / (2 * h);
    worst = std::max(worst, std::abs(fd - analytic.data()[i]) / std::max(std::abs(analytic.data()[i]), 1e-3));
  }
  return worst;
}

double dot(const Mat& a, const Mat& b) { return (a.array() * b.array()).sum(); }

}  // namespace

TEST_CASE("linear backward matches finite differences") {
  Mat x = random_matrix(5, 4, 1), w = random_matrix(4, 3, 2), b = random_matrix(3, 1, 3), G = random_matrix(5, 3, 4);
  auto loss = [&] {
    Mat y;
    linear_forward(x, w, b.data(), y);
    return dot(y, G);
  };
  Mat dx, dw = Mat::Zero(4, 3), db = Mat::Zero(3, 1);
  linear_backward(G, x, w, dw, db.data(), &dx);
  CHECK(check(x, dx, loss) < 1e-7);
  CHECK(check(w, dw, loss) < 1e-7);
  CHECK(check(b, db, loss) < 1e-7);
}

TEST_CASE("layernorm backward matches finite differences") {
  Mat x = random_matrix(4, 6, 5, 2.0), g = random_matrix(6, 1, 6), b = random_matrix(6, 1, 7), G = random_matrix(4, 6, 8);
  auto loss = [&] {
    Mat y;
    Vector<double> m, r;
    layernorm_forward(x, g.data(), b.data(), 1e-5, y, m, r);
    return dot(y, G);
  };
  Mat y, dx;
  Vector<double> m, r;
  layernorm_forward(x, g.data(), b.data(), 1e-5, y, m, r);
  Mat dg = Mat::Zero(6, 1), db = Mat::Zero(6, 1);
  layernorm_backward(G, x, g.data(), m, r, dx, dg.data(), db.data(), false);
  CHECK(check(x, dx, loss) < 1e-7);
  CHECK(check(g, dg, loss) < 1e-7);
  CHECK(check(b, db, loss) < 1e-7);
  // With g = 1, b = 0 every output row has mean 0 and variance 1.
  Mat ones = Mat::Ones(6, 1), zeros = Mat::Zero(6, 1);
  layernorm_forward(x, ones.data(), zeros.data(), 1e-12, y, m, r);
  for (Eigen::Index i = 0; i < y.rows(); ++i) {
    CHECK(y.row(i).mean() == Approx(0).margin(1e-12));
    CHECK(y.row(i).squaredNorm() / 6 == Approx(1).epsilon(1e-9));
  }
}

TEST_CASE("activation backward matches finite differences; GELU has its closed-form values") {
  for (Activation a : {Activation::relu, Activation::gelu}) {
    Mat x = random_matrix(3, 7, 9), G = random_matrix(3, 7, 10);
    auto loss = [&] {
      Mat y;
      activation_forward(a, x, y);
      return dot(y, G);
    };
    Mat dx;
    activation_backward(a, G, x, dx);
    CHECK(check(x, dx, loss) < 1e-7);
  }
  Mat x(1, 3), y;
  x << -1.0, 0.0, 1.0;
  activation_forward(Activation::gelu, x, y);
  CHECK(y(0, 0) == Approx(-0.15865525393145707));  // −Φ(−1)
  CHECK(y(0, 1) == 0.0);
  CHECK(y(0, 2) == Approx(0.8413447460685429));  // Φ(1)
}

TEST_CASE("float GELU (packet erf) agrees with the double closed form, in the packet body and the scalar tail") {
  // 1 × 1001: a multiple of no SIMD width, so both Eigen's packet loop and its scalar tail run;
  // x from −9 to 9 covers erf's clamp at ±4 (x/√2 beyond ±4 gives Φ = 0 or 1 in float).
  const Eigen::Index n = 1001;
  Matrix<float> x(1, n), y, dy = Matrix<float>::Ones(1, n), dx;
  for (Eigen::Index i = 0; i < n; ++i) x(0, i) = static_cast<float>(-9.0 + 18.0 * static_cast<double>(i) / (n - 1));
  activation_forward(Activation::gelu, x, y);
  activation_backward(Activation::gelu, dy, x, dx);
  double worst_y = 0, worst_dx = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double t = x(0, i), cdf = 0.5 * std::erfc(-t / std::sqrt(2.0));
    const double pdf = std::exp(-0.5 * t * t) / std::sqrt(2.0 * 3.14159265358979323846);
    // Absolute error against a scale of max(1, |x|): float rounding of values of that size.
    worst_y = std::max(worst_y, std::abs(y(0, i) - t * cdf) / std::max(1.0, std::abs(t)));
    worst_dx = std::max(worst_dx, std::abs(dx(0, i) - (cdf + t * pdf)) / std::max(1.0, std::abs(t)));
  }
  CHECK(worst_y < 1e-6);
  CHECK(worst_dx < 1e-6);
  CHECK(y(0, 500) == 0.0f);  // x = 0
}

TEST_CASE("RoPE is a rotation: its inverse is its transpose and it preserves norms") {
  RopeTable<double> table;
  table.ensure(6, 4, 10000.0);
  Mat x = random_matrix(6, 8, 11), y = x;
  std::vector<std::int32_t> pos = {0, 1, 2, 3, 4, 5};
  rope_apply(y, pos.data(), 2, table, false);
  for (Eigen::Index r = 0; r < 6; ++r) CHECK(y.row(r).norm() == Approx(x.row(r).norm()));
  CHECK((y.row(0) - x.row(0)).norm() == Approx(0).margin(1e-15));  // position 0: identity
  // ⟨rope(q, s), rope(k, t)⟩ depends on t − s only.
  Mat q = random_matrix(1, 8, 12), k = random_matrix(1, 8, 13);
  auto rotated_dot = [&](std::int32_t s, std::int32_t t) {
    Mat a = q, b = k;
    rope_apply(a, &s, 2, table, false);
    rope_apply(b, &t, 2, table, false);
    return dot(a, b);
  };
  CHECK(rotated_dot(1, 3) == Approx(rotated_dot(2, 4)));
  Mat G = random_matrix(6, 8, 14), xx = x;
  auto loss = [&] {
    Mat z = xx;
    rope_apply(z, pos.data(), 2, table, false);
    return dot(z, G);
  };
  Mat dx = G;
  rope_apply(dx, pos.data(), 2, table, true);
  CHECK(check(xx, dx, loss) < 1e-7);
}

TEST_CASE("causal attention backward matches finite differences, scale gradient included") {
  // Two sequences of 4 positions; queries at every position.
  const std::int64_t H = 2, len = 4;
  Mat q = random_matrix(8, 6, 15), k = random_matrix(8, 6, 16), v = random_matrix(8, 6, 17), G = random_matrix(8, 6, 18);
  std::vector<QueryPos> qp;
  for (std::int32_t s = 0; s < 2; ++s)
    for (std::int32_t t = 0; t < len; ++t) qp.push_back({s, t});
  Mat scale = random_matrix(8, 1, 19);
  scale.array() = scale.array().abs() + 0.3;
  auto loss = [&] {
    Mat z;
    std::vector<double> probs;
    attention_forward(q, k, v, qp, len, H, scale.data(), z, probs, len);
    return dot(z, G);
  };
  Mat z, dq, dk = Mat::Zero(8, 6), dv = Mat::Zero(8, 6), dscale(8, 1);
  std::vector<double> probs;
  attention_forward(q, k, v, qp, len, H, scale.data(), z, probs, len);
  // Causality: position 0's weights put everything on key 0; every row of weights sums to 1.
  CHECK(probs[0] == 1.0);
  for (std::size_t i = 0; i < qp.size(); ++i)
    for (std::int64_t h = 0; h < H; ++h) {
      double s = 0;
      for (std::int64_t j = 0; j <= qp[i].pos; ++j) s += probs[(i * H + h) * len + j];
      CHECK(s == Approx(1.0));
    }
  attention_backward(G, q, k, v, qp, len, H, scale.data(), probs, len, dq, dk, dv, dscale.data());
  CHECK(check(q, dq, loss) < 1e-7);
  CHECK(check(k, dk, loss) < 1e-7);
  CHECK(check(v, dv, loss) < 1e-7);
  CHECK(check(scale, dscale, loss) < 1e-7);
}

namespace {

// The definition, one dot product per (query, key, head): what attention_forward/backward compute
// with matrix products over runs of queries.
void naive_attention(const Mat& q, const Mat& k, const Mat& v, const std::vector<QueryPos>& qp, std::int64_t stride,
                     std::int64_t H, const std::vector<double>& scale, const Mat& G, Mat& z, Mat& dq, Mat& dk, Mat& dv,
                     std::vector<double>& dscale) {
  const Eigen::Index Q = q.rows(), d = q.cols(), dh = d / H;
  z.setZero(Q, d);
  dq.setZero(Q, d);
  dk.setZero(k.rows(), d);
  dv.setZero(v.rows(), d);
  dscale.assign(static_cast<std::size_t>(Q), 0.0);
  for (Eigen::Index i = 0; i < Q; ++i)
    for (Eigen::Index h = 0; h < H; ++h) {
      const Eigen::Index base = qp[static_cast<std::size_t>(i)].seq * stride, n = qp[static_cast<std::size_t>(i)].pos + 1;
      const auto qi = q.row(i).segment(h * dh, dh);
      std::vector<double> raw(static_cast<std::size_t>(n)), p(static_cast<std::size_t>(n)), dp(static_cast<std::size_t>(n));
      double mx = -1e300, sum = 0, pdp = 0;
      for (Eigen::Index j = 0; j < n; ++j) {
        raw[static_cast<std::size_t>(j)] = qi.dot(k.row(base + j).segment(h * dh, dh));
        mx = std::max(mx, scale[static_cast<std::size_t>(i)] * raw[static_cast<std::size_t>(j)]);
      }
      for (Eigen::Index j = 0; j < n; ++j) sum += p[static_cast<std::size_t>(j)] = std::exp(scale[static_cast<std::size_t>(i)] * raw[static_cast<std::size_t>(j)] - mx);
      const auto gi = G.row(i).segment(h * dh, dh);
      for (Eigen::Index j = 0; j < n; ++j) {
        const double pj = p[static_cast<std::size_t>(j)] /= sum;
        z.row(i).segment(h * dh, dh) += pj * v.row(base + j).segment(h * dh, dh);
        dv.row(base + j).segment(h * dh, dh) += pj * gi;
        dp[static_cast<std::size_t>(j)] = gi.dot(v.row(base + j).segment(h * dh, dh));
        pdp += pj * dp[static_cast<std::size_t>(j)];
      }
      for (Eigen::Index j = 0; j < n; ++j) {
        const double gs = p[static_cast<std::size_t>(j)] * (dp[static_cast<std::size_t>(j)] - pdp);
        dscale[static_cast<std::size_t>(i)] += gs * raw[static_cast<std::size_t>(j)];
        dq.row(i).segment(h * dh, dh) += scale[static_cast<std::size_t>(i)] * gs * k.row(base + j).segment(h * dh, dh);
        dk.row(base + j).segment(h * dh, dh) += scale[static_cast<std::size_t>(i)] * gs * qi;
      }
    }
}

}  // namespace

TEST_CASE("causal attention equals its per-pair definition for training, last-layer and decoding queries") {
  // Three sequences in a key buffer of stride 7, 3 heads of width 4. The query layouts are the
  // transformer's: every position; a subset of positions (the last block's graded rows), with a
  // sequence split into two runs; one query per sequence at its newest position (a decoding step
  // reading a KV cache).
  const std::int64_t H = 3, stride = 7;
  const Mat k = random_matrix(21, 12, 31, 2.0), v = random_matrix(21, 12, 32);
  std::vector<std::vector<QueryPos>> layouts(3);
  for (std::int32_t s = 0; s < 3; ++s)
    for (std::int32_t t = 0; t < stride; ++t) layouts[0].push_back({s, t});
  layouts[1] = {{0, 3}, {0, 4}, {0, 6}, {1, 0}, {2, 5}, {2, 2}, {1, 6}, {1, 1}};
  layouts[2] = {{2, 6}, {0, 0}, {1, 4}};
  for (const auto& qp : layouts) {
    const auto Q = static_cast<Eigen::Index>(qp.size());
    const Mat q = random_matrix(Q, 12, 33 + static_cast<std::uint64_t>(Q), 2.0), G = random_matrix(Q, 12, 34);
    std::vector<double> scale(static_cast<std::size_t>(Q));
    for (std::size_t i = 0; i < scale.size(); ++i) scale[i] = 0.2 + 0.1 * static_cast<double>(i % 5);
    Mat z, dq, dk = Mat::Zero(21, 12), dv = Mat::Zero(21, 12), zr, dqr, dkr, dvr;
    std::vector<double> probs, dscale(static_cast<std::size_t>(Q)), dscale_r;
    attention_forward(q, k, v, qp, stride, H, scale.data(), z, probs, stride);
    attention_backward(G, q, k, v, qp, stride, H, scale.data(), probs, stride, dq, dk, dv, dscale.data());
    naive_attention(q, k, v, qp, stride, H, scale, G, zr, dqr, dkr, dvr, dscale_r);
    CHECK((z - zr).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((dq - dqr).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((dk - dkr).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((dv - dvr).cwiseAbs().maxCoeff() < 1e-12);
    for (std::size_t i = 0; i < dscale.size(); ++i) CHECK(dscale[i] == Approx(dscale_r[i]).margin(1e-12));
    // Weights past a query's position are exactly 0 within its run.
    for (std::size_t i = 0; i < qp.size(); ++i)
      for (std::int64_t h = 0; h < H; ++h)
        for (std::int64_t j = qp[i].pos + 1; j < stride; ++j) {
          bool in_run = false;  // some query of i's run sees key j
          for (std::size_t m = i; m < qp.size() && qp[m].seq == qp[i].seq; ++m) in_run |= qp[m].pos >= j;
          for (std::size_t m = i; m-- > 0 && qp[m].seq == qp[i].seq;) in_run |= qp[m].pos >= j;
          if (in_run) CHECK(probs[(i * static_cast<std::size_t>(H) + static_cast<std::size_t>(h)) * stride + static_cast<std::size_t>(j)] == 0.0);
        }
  }
}

TEST_CASE("attention results do not depend on where the weights lie in the caller's probs buffer") {
  // Eigen's vectorized sums and exponentials peel a scalar head whose length follows the address
  // of the data, and the caller's std::vector is only 16-byte aligned: a softmax computed in
  // place in `probs` would change its last bits with where each row lands (with AVX or AVX-512
  // packets: GENLAB_NATIVE builds). The row addresses move with probs_stride, so every stride
  // from len to len + 15 must give the same bits. Float, one sequence of 41 positions, 4 heads.
  using MatF = Matrix<float>;
  const std::int64_t H = 4, len = 41;
  const Eigen::Index d = 64;
  const MatF q = random_matrix(len, d, 41).cast<float>(), k = random_matrix(len, d, 42).cast<float>();
  const MatF v = random_matrix(len, d, 43).cast<float>(), G = random_matrix(len, d, 44).cast<float>();
  std::vector<QueryPos> qp;
  for (std::int32_t t = 0; t < len; ++t) qp.push_back({0, t});
  const std::vector<float> scale(static_cast<std::size_t>(len), 0.25f);
  MatF z0, dq0, dk0, dv0;
  std::vector<float> ds0;
  for (std::int64_t stride = len; stride < len + 16; ++stride) {
    std::vector<float> probs;
    MatF z, dq, dk = MatF::Zero(len, d), dv = MatF::Zero(len, d);
    std::vector<float> ds(static_cast<std::size_t>(len));
    attention_forward(q, k, v, qp, len, H, scale.data(), z, probs, stride);
    attention_backward(G, q, k, v, qp, len, H, scale.data(), probs, stride, dq, dk, dv, ds.data());
    if (stride == len) {
      z0 = z, dq0 = dq, dk0 = dk, dv0 = dv, ds0 = ds;
      continue;
    }
    INFO("probs_stride " << stride);
    CHECK(z == z0);
    CHECK(dq == dq0);
    CHECK(dk == dk0);
    CHECK(dv == dv0);
    CHECK(ds == ds0);
  }
}

TEST_CASE("linear backward's parameter gradients do not depend on the gradient buffer's address") {
  // The weight and bias gradients go into views of a caller's buffer at any offset; sums whose
  // arithmetic followed the destination's address would differ in the last bits (AVX, AVX-512).
  // Float; a GEMM-sized case and a small one (Eigen's coefficient-based product, < 20 in all).
  for (const auto& shape : {std::array<Eigen::Index, 3>{37, 24, 40}, std::array<Eigen::Index, 3>{7, 5, 6}}) {
    const Eigen::Index R = shape[0], in = shape[1], out = shape[2];
    const Matrix<float> x = random_matrix(R, in, 51).cast<float>(), dy = random_matrix(R, out, 52).cast<float>();
    const Matrix<float> w = random_matrix(in, out, 53).cast<float>();
    std::vector<float> dw0, db0;
    for (std::size_t shift = 0; shift < 16; ++shift) {
      std::vector<float> buffer(static_cast<std::size_t>(in * out + out) + 16, 0.5f);
      float* g = buffer.data() + shift;
      Matrix<float> dx;
      linear_backward(dy, x, w, Eigen::Map<Matrix<float>>(g, in, out), g + in * out, &dx);
      std::vector<float> dw(g, g + in * out), db(g + in * out, g + in * out + out);
      if (shift == 0) {
        dw0 = dw, db0 = db;
        continue;
      }
      INFO("R = " << R << ", buffer shifted by " << shift << " floats");
      CHECK(dw == dw0);
      CHECK(db == db0);
    }
  }
}

TEST_CASE("cross-entropy is stable for huge logits and its gradient is softmax minus one-hot") {
  Mat logits(2, 3);
  logits << 1000.0, 0.0, -1000.0, 1.0, 2.0, 3.0;
  std::int32_t targets[2] = {0, 2};
  Mat dl;
  std::uint8_t correct[2];
  const double loss = cross_entropy(logits, targets, 1.0, &dl, correct);
  const double expected_row2 = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 3.0;
  CHECK(std::isfinite(loss));
  CHECK(loss == Approx(expected_row2));  // row 1 contributes log(1 + e^-1000 + e^-2000) ≈ 0
  CHECK(correct[0] == 1);
  CHECK(correct[1] == 1);
  Mat x = random_matrix(3, 5, 20);
  std::int32_t t3[3] = {1, 4, 0};
  cross_entropy(x, t3, 0.5, &dl, nullptr);
  auto f = [&] { return 0.5 * cross_entropy<double>(x, t3, 1.0, nullptr, nullptr); };
  CHECK(check(x, dl, std::function<double()>(f)) < 1e-7);
  // Float logits: the log-sum-exp is taken in double, so a float model's loss is not quantized.
  Matrix<float> lf(1, 2);
  lf << 30.0f, 0.0f;
  std::int32_t t1 = 0;
  CHECK(cross_entropy<float>(lf, &t1, 1.0, nullptr, nullptr) == Approx(std::log1p(std::exp(-30.0))).epsilon(1e-6));
}
