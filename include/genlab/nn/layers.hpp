#ifndef GENLAB_NN_LAYERS_HPP
#define GENLAB_NN_LAYERS_HPP
// The transformer's operations, each a forward and its hand-written backward (llm.c's layout),
// on row-major Eigen matrices whose rows are token positions. Backward functions ADD into
// parameter gradients (so several shards or calls can accumulate) and ASSIGN input gradients
// unless their name says otherwise. Each is checked against central finite differences in
// double in tests/nn/layers_test.cpp.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include <Eigen/Core>
#include <unsupported/Eigen/SpecialFunctions>  // erf for GELU

#include "genlab/nn/config.hpp"
#include "genlab/nn/parameters.hpp"

namespace genlab::nn {

// ---- linear --------------------------------------------------------------------------------

/// y = x · W (+ b). x: [R × in], W: [in × out], b: [out] or null. O(R·in·out).
template <class T, class W>
void linear_forward(const Matrix<T>& x, const W& w, const T* b, Matrix<T>& y) {
  y.resize(x.rows(), w.cols());
  if (b) {
    // The GEMM accumulates onto the broadcast bias: one pass over y fewer than zeroing it first
    // (Eigen's `=` does) and adding b after.
    y.rowwise() = Eigen::Map<const Eigen::Matrix<T, 1, Eigen::Dynamic>>(b, w.cols());
    y.noalias() += x * w;
  } else {
    y.noalias() = x * w;
  }
}

/// Backward of linear_forward: dx = dy · Wᵀ (skipped when dx is null; dx += dy · Wᵀ when
/// accumulate_dx, dx then already sized), dW += xᵀ · dy, db += Σ_rows dy.
template <class T, class W, class DW>
void linear_backward(const Matrix<T>& dy, const Matrix<T>& x, const W& w, DW&& dw, T* db, Matrix<T>* dx,
                     bool accumulate_dx = false) {
  if (dx && accumulate_dx) {
    dx->noalias() += dy * w.transpose();
  } else if (dx) {
    dx->resize(dy.rows(), w.rows());
    dx->noalias() = dy * w.transpose();
  }
  // dW and db are usually views of a std::vector (a gradient buffer), whose address is only
  // 16-byte aligned. Eigen's coefficient-wise evaluations (the column sums; small products)
  // choose scalar or vector arithmetic by the destination's address, so they are formed in
  // aligned temporaries first and then added element by element: the bits never depend on where
  // the buffer lies (or which thread allocated it). The size test is Eigen's own for choosing
  // the coefficient-based product (depth + rows + columns).
  if (dy.rows() + x.cols() + dy.cols() < EIGEN_GEMM_TO_COEFFBASED_THRESHOLD) {
    const Matrix<T> prod = x.transpose() * dy;
    dw += prod;
  } else {
    dw.noalias() += x.transpose() * dy;  // GEMM: packed operands, no dependence on addresses
  }
  if (db) {
    const Eigen::Matrix<T, 1, Eigen::Dynamic> col_sums = dy.colwise().sum();
    Eigen::Map<Eigen::Matrix<T, 1, Eigen::Dynamic>>(db, dy.cols()) += col_sums;
  }
}

// ---- layer norm ----------------------------------------------------------------------------

/// y = (x − mean) / sqrt(var + eps) · g + b per row (biased variance, as PyTorch). Stores the
/// row means and reciprocal standard deviations for the backward. O(R·d).
template <class T>
void layernorm_forward(const Matrix<T>& x, const T* g, const T* b, T eps, Matrix<T>& y, Vector<T>& mean,
                       Vector<T>& rstd) {
  const Eigen::Index R = x.rows(), d = x.cols();
  y.resize(R, d);
  mean.resize(R);
  rstd.resize(R);
  using Row = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>;
  const Row gv(g, d), bv(b, d);
  for (Eigen::Index r = 0; r < R; ++r) {
    // Eigen's reductions are vectorized in a fixed order (deterministic, unlike -ffast-math).
    const Row xr(x.data() + r * d, d);
    Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>> yr(y.data() + r * d, d);
    const T m = xr.sum() / static_cast<T>(d);
    const T v = (xr - m).square().sum() / static_cast<T>(d);
    const T s = T(1) / std::sqrt(v + eps);
    yr = (xr - m) * s * gv + bv;
    mean[r] = m;
    rstd[r] = s;
  }
}

/// Backward of layernorm_forward: dx (+= when accumulate), dg += Σ dy·x̂, db += Σ dy.
/// dx = rstd · (dŷ − mean(dŷ) − x̂ · mean(dŷ·x̂)) with dŷ = dy·g.
template <class T>
void layernorm_backward(const Matrix<T>& dy, const Matrix<T>& x, const T* g, const Vector<T>& mean,
                        const Vector<T>& rstd, Matrix<T>& dx, T* dg, T* db, bool accumulate) {
  const Eigen::Index R = x.rows(), d = x.cols();
  if (!accumulate) dx.setZero(R, d);
  using Arr = Eigen::Array<T, Eigen::Dynamic, 1>;
  const Eigen::Map<const Arr> gv(g, d);
  Eigen::Map<Arr> dgv(dg, d), dbv(db, d);
  Arr xh(d), dn(d);
  for (Eigen::Index r = 0; r < R; ++r) {
    const Eigen::Map<const Arr> xr(x.data() + r * d, d), dyr(dy.data() + r * d, d);
    Eigen::Map<Arr> dxr(dx.data() + r * d, d);
    const T s = rstd[r];
    xh = (xr - mean[r]) * s;
    dn = dyr * gv;
    dgv += dyr * xh;
    dbv += dyr;
    const T mean_dn = dn.sum() / static_cast<T>(d), mean_dnx = (dn * xh).sum() / static_cast<T>(d);
    dxr += s * (dn - mean_dn - xh * mean_dnx);
  }
}

// ---- activations ---------------------------------------------------------------------------

namespace detail {
/// Φ(x) = ½(1 + erf(x/√2)), the standard normal CDF, elementwise. For float it is Eigen's own
/// float erf (a 13/8-degree rational function, within a couple of ulp on [−4, 4]; the same
/// function on Eigen's scalar path), evaluated on SIMD packets. Eigen 3.4 offers the packet erf
/// only under EIGEN_FAST_MATH, which genlab's native builds turn off (CMakeLists.txt): without
/// this functor GELU runs scalar there, several times slower (the README's performance section
/// has the profile). Double uses std::erf (Eigen has no packet erf for double).
template <class T>
struct normal_cdf_op {
  T operator()(const T& x) const { return T(0.5) * (T(1) + Eigen::numext::erf(x * T(0.70710678118654752440))); }
#if EIGEN_VERSION_AT_LEAST(3, 4, 0) && !EIGEN_VERSION_AT_LEAST(3, 4, 90)
  template <class Packet>
  Packet packetOp(const Packet& x) const {
    using namespace Eigen::internal;
    const Packet half = pset1<Packet>(T(0.5));
    const Packet erf = generic_fast_erf_float(pmul(x, pset1<Packet>(T(0.70710678118654752440))));
    return pmul(half, padd(pset1<Packet>(T(1)), erf));
  }
  static constexpr bool packet_erf = std::is_same<T, float>::value;
#else
  static constexpr bool packet_erf = false;  // other Eigen versions: scalar erf (correct, slower)
#endif
};
}  // namespace detail
}  // namespace genlab::nn

template <class T>
struct Eigen::internal::functor_traits<genlab::nn::detail::normal_cdf_op<T>> {
  enum { Cost = 30 * Eigen::NumTraits<T>::MulCost, PacketAccess = genlab::nn::detail::normal_cdf_op<T>::packet_erf };
};

namespace genlab::nn {

/// y = act(x) elementwise. GELU is x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (the exact form, as PyTorch's
/// default), vectorized for float in every build (detail::normal_cdf_op).
template <class T>
void activation_forward(Activation a, const Matrix<T>& x, Matrix<T>& y) {
  y.resize(x.rows(), x.cols());
  if (a == Activation::relu) {
    y.array() = x.array().max(T(0));
  } else {
    y.array() = x.array() * x.array().unaryExpr(detail::normal_cdf_op<T>());
  }
}

/// dx = dy · act'(x) (ReLU' = 1 for x > 0; GELU' = Φ(x) + x·φ(x)); dx may alias dy.
template <class T>
void activation_backward(Activation a, const Matrix<T>& dy, const Matrix<T>& x, Matrix<T>& dx) {
  dx.resize(x.rows(), x.cols());
  if (a == Activation::relu) {
    dx.array() = (x.array() > T(0)).select(dy.array(), T(0));
    return;
  }
  // In chunks of 256, Φ first into a small buffer: two vectorized passes over cache-resident
  // data (the one-expression form dy·(Φ(x) + x·φ(x)) ran several times slower with Eigen 3.4).
  using Arr = Eigen::Array<T, Eigen::Dynamic, 1>;
  constexpr Eigen::Index chunk = 256;
  Eigen::Array<T, chunk, 1> cdf;
  const Eigen::Index n = x.size();
  for (Eigen::Index i = 0; i < n; i += chunk) {
    const Eigen::Index m = std::min(chunk, n - i);
    const Eigen::Map<const Arr> xs(x.data() + i, m), gs(dy.data() + i, m);
    Eigen::Map<Arr> out(dx.data() + i, m);
    auto c = cdf.head(m);
    c = xs.unaryExpr(detail::normal_cdf_op<T>());
    out = gs * (c + xs * (T(0.39894228040143267794) * (T(-0.5) * xs.square()).exp()));
  }
}

// ---- positions -----------------------------------------------------------------------------

/// Vaswani et al.'s code: PE[t, 2i] = sin(t / 10000^(2i/d)), PE[t, 2i+1] = cos(same), in double.
inline double sinusoid(std::int64_t t, std::int64_t c, std::int64_t d) {
  const double freq = std::pow(10000.0, -static_cast<double>(c - c % 2) / static_cast<double>(d));
  return c % 2 == 0 ? std::sin(static_cast<double>(t) * freq) : std::cos(static_cast<double>(t) * freq);
}

/// cos/sin of RoPE's angles t·base^(−2i/d_head), i < d_head/2, for positions 0..n−1.
template <class T>
struct RopeTable {
  std::int64_t half = 0, n = 0;
  std::vector<T> cos_, sin_;
  void ensure(std::int64_t positions, std::int64_t d_head, double base) {
    if (positions <= n && half == d_head / 2) return;
    half = d_head / 2;
    n = std::max<std::int64_t>(positions, 2 * n);
    cos_.resize(static_cast<std::size_t>(n * half));
    sin_.resize(static_cast<std::size_t>(n * half));
    for (std::int64_t t = 0; t < n; ++t)
      for (std::int64_t i = 0; i < half; ++i) {
        const double a = static_cast<double>(t) * std::pow(base, -2.0 * static_cast<double>(i) / static_cast<double>(d_head));
        cos_[static_cast<std::size_t>(t * half + i)] = static_cast<T>(std::cos(a));
        sin_[static_cast<std::size_t>(t * half + i)] = static_cast<T>(std::sin(a));
      }
  }
};

/// Rotates each head of each row of m in place by its position's angles (the half-split
/// pairing (i, i + d_head/2) of GPT-NeoX / Llama). inverse = true applies the transpose rotation,
/// which is the backward of the forward. pos[r] is row r's position. O(R·d).
template <class T>
void rope_apply(Matrix<T>& m, const std::int32_t* pos, std::int64_t n_heads, const RopeTable<T>& table, bool inverse) {
  const Eigen::Index R = m.rows(), d = m.cols();
  const std::int64_t dh = d / n_heads, half = dh / 2;
  for (Eigen::Index r = 0; r < R; ++r) {
    const T* cs = table.cos_.data() + pos[r] * half;
    const T* sn = table.sin_.data() + pos[r] * half;
    for (std::int64_t h = 0; h < n_heads; ++h) {
      T* x = m.data() + r * d + h * dh;
      for (std::int64_t i = 0; i < half; ++i) {
        const T a = x[i], b = x[i + half], c = cs[i], s = inverse ? -sn[i] : sn[i];
        x[i] = a * c - b * s;
        x[i + half] = a * s + b * c;
      }
    }
  }
}

// ---- causal attention core -----------------------------------------------------------------

/// A query row: it attends to key rows seq·key_stride + 0..pos (causal).
struct QueryPos {
  std::int32_t seq = 0;
  std::int32_t pos = 0;
};

namespace detail {

/// Calls f(begin, end, keys) for each run [begin, end) of consecutive queries of one sequence,
/// with keys = 1 + the largest position among them: the attention of a run is a few small matrix
/// products over its keys 0..keys−1 (causal entries masked), instead of one dot product per pair.
template <class F>
void for_each_query_run(const std::vector<QueryPos>& qp, F&& f) {
  const std::size_t Q = qp.size();
  for (std::size_t b = 0; b < Q;) {
    std::size_t e = b;
    std::int64_t keys = 0;
    while (e < Q && qp[e].seq == qp[b].seq) keys = std::max<std::int64_t>(keys, qp[e++].pos + 1);
    f(static_cast<Eigen::Index>(b), static_cast<Eigen::Index>(e), keys);
    b = e;
  }
}

/// A strided block of a row-major matrix (one head's columns of a run of rows).
template <class T>
using StridedMap = Eigen::Map<Matrix<T>, 0, Eigen::OuterStride<>>;
template <class T>
using ConstStridedMap = Eigen::Map<const Matrix<T>, 0, Eigen::OuterStride<>>;

/// Rows row0..row0+rows−1 of m, columns of head h (width dh).
template <class T>
ConstStridedMap<T> head_block(const Matrix<T>& m, Eigen::Index row0, Eigen::Index rows, Eigen::Index h, Eigen::Index dh) {
  return ConstStridedMap<T>(m.data() + row0 * m.cols() + h * dh, rows, dh, Eigen::OuterStride<>(m.cols()));
}
template <class T>
StridedMap<T> head_block(Matrix<T>& m, Eigen::Index row0, Eigen::Index rows, Eigen::Index h, Eigen::Index dh) {
  return StridedMap<T>(m.data() + row0 * m.cols() + h * dh, rows, dh, Eigen::OuterStride<>(m.cols()));
}

}  // namespace detail

/// z[i, head h] = Σ_{j ≤ pos_i} softmax_j(scale_i · q_i,h · k_j,h) v_j,h for every query i and
/// head h. q: [Q × d]; k, v: [keys × d]; scale: [Q]. probs receives the attention weights,
/// probs[(i·H + h)·probs_stride + j] for j ≤ pos_i, and 0 for pos_i < j < the keys of i's run
/// (later entries are left unspecified); probs_stride ≥ 1 + every pos_i.
/// Per run of queries of one sequence and head: S = Q_h K_hᵀ, row softmax, Z_h = P V_h.
/// O(Q·H·keys·d_head).
template <class T>
void attention_forward(const Matrix<T>& q, const Matrix<T>& k, const Matrix<T>& v, const std::vector<QueryPos>& qp,
                       std::int64_t key_stride, std::int64_t n_heads, const T* scale, Matrix<T>& z,
                       std::vector<T>& probs, std::int64_t probs_stride) {
  using detail::StridedMap;
  using detail::head_block;
  using Arr = Eigen::Array<T, Eigen::Dynamic, 1>;
  const Eigen::Index Q = q.rows(), d = q.cols();
  const Eigen::Index dh = d / n_heads, H = n_heads;
  z.resize(Q, d);
  probs.resize(static_cast<std::size_t>(Q * n_heads * probs_stride));
  // Both products are Eigen's coefficient-based (lazy) ones: at these sizes (a run's keys ×
  // d_head, e.g. 41 × 32) a GEMM call costs more than the arithmetic, and they never reach BLAS.
  // The softmax runs in an Eigen-allocated (aligned) scratch, never in place in `probs`: Eigen's
  // vectorized sum and exp peel a scalar head whose length follows the address, and a
  // std::vector is only 16-byte aligned, so in place the last bits would follow the heap layout
  // (and the allocating thread) wherever packets are wider (AVX, AVX-512).
  Eigen::Matrix<T, Eigen::Dynamic, 1> scratch;
  detail::for_each_query_run(qp, [&](Eigen::Index b, Eigen::Index e, Eigen::Index nk) {
    const Eigen::Index nq = e - b, base = static_cast<Eigen::Index>(qp[static_cast<std::size_t>(b)].seq) * key_stride;
    if (scratch.size() < nq * nk) scratch.resize(nq * nk);
    Eigen::Map<Matrix<T>> s(scratch.data(), nq, nk);
    for (Eigen::Index h = 0; h < H; ++h) {
      const auto qh = head_block(q, b, nq, h, dh), kh = head_block(k, base, nk, h, dh), vh = head_block(v, base, nk, h, dh);
      s.noalias() = qh.lazyProduct(kh.transpose());
      for (Eigen::Index i = 0; i < nq; ++i) {
        const Eigen::Index n = qp[static_cast<std::size_t>(b + i)].pos + 1;
        Eigen::Map<Arr> row(s.data() + i * nk, n);
        row *= scale[b + i];
        row = (row - row.maxCoeff()).exp();
        row *= T(1) / row.sum();
        std::fill(s.data() + i * nk + n, s.data() + (i + 1) * nk, T(0));  // causal mask: later keys get weight 0
      }
      StridedMap<T>(probs.data() + (b * H + h) * probs_stride, nq, nk, Eigen::OuterStride<>(H * probs_stride)) = s;
      head_block(z, b, nq, h, dh).noalias() = s.lazyProduct(vh);
    }
  });
}

/// Backward of attention_forward: dq (assigned), dk and dv (added; sized like k, v), and, when
/// dscale is not null, dscale[i] = ∂L/∂scale_i (assigned). Per run and head, with G the
/// gradient of the scaled scores: dP = dZ V_hᵀ, dV_h += Pᵀ dZ, G = P ∘ (dP − rowsum(P ∘ dP)),
/// dQ_h = diag(scale) G K_h, dK_h += (diag(scale) G)ᵀ Q_h, dscale_i = Σ_h Σ_j G_ij (q_i·k_j).
template <class T>
void attention_backward(const Matrix<T>& dz, const Matrix<T>& q, const Matrix<T>& k, const Matrix<T>& v,
                        const std::vector<QueryPos>& qp, std::int64_t key_stride, std::int64_t n_heads, const T* scale,
                        const std::vector<T>& probs, std::int64_t probs_stride, Matrix<T>& dq, Matrix<T>& dk,
                        Matrix<T>& dv, T* dscale) {
  using detail::ConstStridedMap;
  using detail::head_block;
  const Eigen::Index Q = q.rows(), d = q.cols();
  const Eigen::Index dh = d / n_heads, H = n_heads;
  dq.resize(Q, d);  // every (query, head) block is assigned below
  if (dscale) std::fill(dscale, dscale + Q, T(0));
  // One run's weights (copied out of `probs` into aligned storage, see attention_forward), score
  // gradients and (tempered only) raw scores.
  Matrix<T> p, g, raw;
  detail::for_each_query_run(qp, [&](Eigen::Index b, Eigen::Index e, Eigen::Index nk) {
    const Eigen::Index nq = e - b, base = static_cast<Eigen::Index>(qp[static_cast<std::size_t>(b)].seq) * key_stride;
    for (Eigen::Index h = 0; h < H; ++h) {
      const auto qh = head_block(q, b, nq, h, dh), kh = head_block(k, base, nk, h, dh), vh = head_block(v, base, nk, h, dh);
      const auto dzh = head_block(dz, b, nq, h, dh);
      p = ConstStridedMap<T>(probs.data() + (b * H + h) * probs_stride, nq, nk, Eigen::OuterStride<>(H * probs_stride));
      // Lazy products as in attention_forward, except the two whose left operand is a transposed
      // row-major block (Pᵀ, Gᵀ): Eigen evaluates those coefficient by coefficient with strided
      // loads, several times slower than its GEMM path (OpenBLAS's small-matrix kernels under
      // EIGEN_USE_BLAS). Training calls this inside a shard, on one thread (batch.hpp).
      g.noalias() = dzh.lazyProduct(vh.transpose());  // dP
      head_block(dv, base, nk, h, dh).noalias() += p.transpose() * dzh;
      // Masked entries have p = 0, so they give G = 0 whatever dP holds there.
      g.array() = p.array() * (g.array().colwise() - (p.array() * g.array()).rowwise().sum());
      if (dscale) {
        raw.noalias() = qh.lazyProduct(kh.transpose());
        const Eigen::Matrix<T, Eigen::Dynamic, 1> per_query = (g.array() * raw.array()).rowwise().sum();
        for (Eigen::Index i = 0; i < nq; ++i) dscale[b + i] += per_query[i];
      }
      for (Eigen::Index i = 0; i < nq; ++i) g.row(i) *= scale[b + i];
      head_block(dq, b, nq, h, dh).noalias() = g.lazyProduct(kh);
      head_block(dk, base, nk, h, dh).noalias() += g.transpose() * qh;
    }
  });
}

// ---- loss ----------------------------------------------------------------------------------

/// Cross-entropy of each row of logits against its target, with the log-sum-exp taken in double
/// (float32 softmax collapse stalls grokking, as Nanda et al., "Progress measures for grokking via
/// mechanistic interpretability", ICLR 2023, warn for their float32 log-softmax). Returns Σ_rows −log p
/// in nats (double). When dlogits is not null it receives (softmax − onehot) · grad_scale.
/// correct[r] (if not null) is 1 when argmax (lowest index on ties) equals the target. O(R·V).
template <class T>
double cross_entropy(const Matrix<T>& logits, const std::int32_t* targets, double grad_scale, Matrix<T>* dlogits,
                     std::uint8_t* correct) {
  const Eigen::Index R = logits.rows(), V = logits.cols();
  if (dlogits) dlogits->resize(R, V);
  double total = 0;
  Eigen::Array<double, Eigen::Dynamic, 1> e(V);
  for (Eigen::Index r = 0; r < R; ++r) {
    const T* l = logits.data() + r * V;
    Eigen::Index am = 0;
    for (Eigen::Index c = 1; c < V; ++c)
      if (l[c] > l[am]) am = c;
    // log Σ exp(l − max) = log1p(Σ_{c ≠ argmax} exp(l_c − max)): exact for a confident model
    // whose loss is far below one ulp of 1 (where log(sum) and 1 − p would round to 0). The
    // exponentials are Eigen's vectorized double exp (within 1.5 ulp of std::exp; arguments below
    // −709 give 5.6e−309 rather than 0, nothing a loss or a float gradient can show); the argmax's
    // term is left out of the sum (0, then its exact 1).
    const double mx = static_cast<double>(l[am]);
    // Cast first, then exp: Eigen 3.4 evaluates exp of a float→double cast expression with
    // scalar std::exp.
    e = Eigen::Map<const Eigen::Array<T, Eigen::Dynamic, 1>>(l, V).template cast<double>();
    e = (e - mx).exp();
    e[am] = 0;
    const double rest = e.sum();
    e[am] = 1;
    const double sum = 1.0 + rest;
    total += std::log1p(rest) - (static_cast<double>(l[targets[r]]) - mx);
    if (correct) correct[r] = am == targets[r];
    if (dlogits) {
      T* dl = dlogits->data() + r * V;
      const double inv = 1.0 / sum;
      for (Eigen::Index c = 0; c < V; ++c) {
        double g = e[c] * inv;
        if (c == targets[r]) g = c == am ? -rest * inv : g - 1.0;  // 1 − p_max = rest / sum, exactly
        dl[c] = static_cast<T>(g * grad_scale);
      }
    }
  }
  return total;
}

}  // namespace genlab::nn

#endif  // GENLAB_NN_LAYERS_HPP
