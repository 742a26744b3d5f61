#ifndef GENLAB_STATS_DETAIL_LAPLACE_INVERSION_HPP
#define GENLAB_STATS_DETAIL_LAPLACE_INVERSION_HPP
// The exact inversion of the law Σ_j w_j χ'²_{h_j}(δ_j) (w_j > 0, h_j > 0, δ_j >= 0) along a
// vertical line Re t = c of its moment generating function M(t) = e^{K(t)}, with
//   K(t) = Σ_j [ −(h_j/2) ln(1 − 2 w_j t) + δ_j w_j t / (1 − 2 w_j t) ]   (Imhof 1961, eq. 2.3),
// for y > 0 (Gil-Pelaez, "Note on the inversion theorem", Biometrika 38:481, 1951; the
// shifted-contour form of Daniels, "Saddlepoint approximations in statistics", Ann. Math. Stat.
// 25:631, 1954, eq. 2.2):
//   c < 0:  F(y)     = e^{K(c) − c y} · (−1/π) ∫_0^∞ Re[ e^{K(c+iu) − K(c) − i u y} / (c + i u) ] du
//   c > 0:  1 − F(y) = e^{K(c) − c y} · ( 1/π) ∫_0^∞ Re[ same ] du
//   f(y)             = e^{K(c) − c y} · ( 1/π) ∫_0^∞ Re[ e^{K(c+iu) − K(c) − i u y} ] du   (any c)
// The CDF of the generalized χ² (stats/generalized_chi_squared.hpp) and the far upper tail of the
// noncentral χ² (stats/noncentral_chi_squared.hpp) are computed with it; the scheme is described
// in the former's file comment.

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <limits>
#include <vector>

#include <boost/math/quadrature/gauss_kronrod.hpp>

#include "genlab/core/error.hpp"
#include "genlab/stats/constants.hpp"
#include "genlab/stats/detail/wynn_epsilon.hpp"

namespace genlab::stats::detail {

/// A vertical line Re t = c of the inversion, with s = 1/(2 w_max) − c, its distance to the
/// nearest singularity of K, kept separately: in the far upper tail c is within 1e-30 of
/// 1/(2 w_max) and 1 − 2 w_max c would cancel to nothing, while 2 w_max s is exact.
struct GcsLine {
  double c = 0;
  double s = 0;
};

/// The cumulant generating function of Q − offset and its inversion integrals.
class GcsInversion {
 public:
  /// The law Σ_j w_j χ'²_{h_j}(δ_j): three vectors of one length, positive weights and dofs,
  /// nonnegative noncentralities (the caller validates), referenced, not copied.
  GcsInversion(const std::vector<double>& weights, const std::vector<double>& dofs,
               const std::vector<double>& noncentralities)
      : q_{weights, dofs, noncentralities} {
    const Law& q = q_;
    const std::size_t n = q.weights.size();
    for (std::size_t j = 0; j < n; ++j) {
      w_max_ = std::max(w_max_, q.weights[j]);
      h_total_ += q.dofs[j];
      d_total_ += q.noncentralities[j];
    }
    gap_.resize(n);
    for (std::size_t j = 0; j < n; ++j) gap_[j] = q.weights[j] == w_max_ ? 0.0 : 1 - q.weights[j] / w_max_;
    // The integrand's terms, ordered for integrand(): integer dofs h = 2m + o (o ∈ {0, 1}) grouped
    // by m, then the rest.
    std::vector<std::size_t> integer, other;
    for (std::size_t j = 0; j < n; ++j)
      (q.dofs[j] == std::floor(q.dofs[j]) && q.dofs[j] <= kMaxIntegerDof ? integer : other).push_back(j);
    std::stable_sort(integer.begin(), integer.end(), [&](std::size_t i, std::size_t j) { return q.dofs[i] < q.dofs[j]; });
    for (std::size_t k = 0; k < integer.size(); ++k) {
      const long m = static_cast<long>(q.dofs[integer[k]]) / 2;
      if (groups_.empty() || groups_.back().m != m) groups_.push_back({m, k});
      ++groups_.back().end;
    }
    order_ = integer;
    order_.insert(order_.end(), other.begin(), other.end());
    n_integer_ = integer.size();
  }

  GcsLine line_at(double c) const { return {c, 0.5 / w_max_ - c}; }
  /// a_j = 1 − 2 w_j c, exact near the pole (see GcsLine).
  double a(std::size_t j, const GcsLine& l) const {
    return l.c > 0 ? gap_[j] + 2 * q_.weights[j] * l.s : 1 - 2 * q_.weights[j] * l.c;
  }
  double K(const GcsLine& l) const {
    double s = 0;
    for (std::size_t j = 0; j < q_.weights.size(); ++j) {
      const double aj = a(j, l);
      s += -0.5 * q_.dofs[j] * std::log(aj) + 0.5 * q_.noncentralities[j] * (1 / aj - 1);
    }
    return s;
  }
  double K1(const GcsLine& l) const {
    double s = 0;
    for (std::size_t j = 0; j < q_.weights.size(); ++j) {
      const double aj = a(j, l);
      const double r = q_.weights[j] / aj;  // (w/a)/a, not w/a²: a² overflows for t ~ −1e200
      s += q_.dofs[j] * r + q_.noncentralities[j] * r / aj;
    }
    return s;
  }
  double K2(const GcsLine& l) const {
    double m;
    const double s = scaled_K2(l, m);
    return m * m * s;
  }
  /// K''(c)^{−1/2}, the width of the integrand's bulk, without the underflow of K'' (r_j² below
  /// 1e-308 for c ~ −1e160) or its overflow at the pole: K'' = m² Σ_j [2h_j (r_j/m)² + 4δ_j (r_j/m)²/a_j]
  /// with r_j = w_j/a_j and m = max_j r_j.
  double sigma(const GcsLine& l) const {
    double m;
    const double s = scaled_K2(l, m);
    return 1 / (m * std::sqrt(s));
  }
  /// K(c) − c y, the log of the saddlepoint factor; c y split as y/(2 w_max) − s y above 0.
  double log_factor(const GcsLine& l, double y) const {
    return l.c > 0 ? K(l) - y * (0.5 / w_max_) + l.s * y : K(l) - l.c * y;
  }
  /// Σ_j [2h_j (r_j/m)² + 4δ_j (r_j/m)²/a_j] with r_j = w_j/a_j and m = max_j r_j (so K'' = m² · it).
  double scaled_K2(const GcsLine& l, double& m) const {
    m = 0;
    for (std::size_t j = 0; j < q_.weights.size(); ++j) m = std::max(m, q_.weights[j] / a(j, l));
    double s = 0;
    for (std::size_t j = 0; j < q_.weights.size(); ++j) {
      const double aj = a(j, l);
      const double r = q_.weights[j] / aj / m;
      s += 2 * q_.dofs[j] * r * r + 4 * q_.noncentralities[j] * r * r / aj;
    }
    return s;
  }
  double total_dof() const { return h_total_; }
  double total_noncentrality() const { return d_total_; }
  double w_max() const { return w_max_; }

  /// The saddlepoint K'(c) = y by safeguarded Newton in its bracket (K' increases on
  /// (−∞, 1/(2 w_max))): on t = −c ∈ (0, (H + Σδ)/(2y)] below the mean, on s ∈ (0, 1/(2 w_max))
  /// above it, bisecting geometrically where Newton leaves the bracket (s spans hundreds of
  /// decades in the far upper tail). Any line gives the exact answer; the saddlepoint only
  /// conditions it, so 1e-10 relative is plenty.
  GcsLine saddlepoint(double y) const {
    const bool lower = y < K1(line_at(0));
    // v is −c (lower) or s (upper); K'(line(v)) − y is decreasing in v in both cases.
    auto line = [&](double v) { return lower ? line_at(-v) : GcsLine{0.5 / w_max_ - v, v}; };
    double lo = 0, hi = lower ? 0.5 * (h_total_ + d_total_) / y : 0.5 / w_max_;
    if (!std::isfinite(hi)) return line_at(-hi);
    double v = 0.5 * hi;
    for (int it = 0; it < 2000; ++it) {
      const GcsLine l = line(v);
      const double f = K1(l) - y;
      if (f > 0) lo = v; else hi = v;
      double m;
      const double k2 = scaled_K2(l, m);
      double next = v + f / m / m / k2;  // d/dv K'(line(v)) = −K''; f/m first: m² may overflow'
      if (!(next > lo && next < hi)) next = lo > 0 && hi > 1e3 * lo ? std::sqrt(lo) * std::sqrt(hi) : 0.5 * (lo + hi);
      if (std::abs(next - v) <= 1e-12 * std::abs(v) || lo == hi) return line(next);
      v = next;
    }
    return line(v);
  }

  /// ∫_0^∞ Re[e^{K(c+iu) − K(c) − iuy} / (c + iu)^{pole}] du (pole = 1 for the CDF, 0 for the
  /// density), see the file comment for the scheme.
  double integral(const GcsLine& l, double y, bool pole) const {
    const Integrand g = integrand(l, y);
    const double c = l.c;
    auto f = [&](double u) {
      std::complex<double> e = g(u);
      if (pole) e /= std::complex<double>(c, u);
      return e.real();
    };
    auto bound = [&](double u) {  // |integrand| at u, decreasing in u
      const double amp = std::abs(g(u));
      return pole ? amp / std::hypot(c, u) : amp;
    };
    const double sigma = this->sigma(l);
    const double half_period = constants::pi / y;
    // Bulk pieces of 1.5 σ_c, or 1.5 periods of e^{−iuy} where that is shorter: GK21 (exact for
    // degree 31) resolves either to ~1e-13 in one go, and bisects where it does not.
    const double bulk_step = std::min(1.5 * sigma, 3 * half_period);
    const double scale = bound(0) * sigma;
    // A rigorous bound on the tail beyond u: for λ >= 1, (1 + λ²z²)/(1 + z²) >= λ^{2z²/(1+z²)}
    // (equality at λ = 1, and the log of the left side grows faster in ln λ), and the
    // noncentral factor only falls, so |e^{K(c+iλu) − K(c)}| <= |e^{K(c+iu) − K(c)}| λ^{−P(u)} with
    // the local decay exponent P(u) = Σ_j (h_j/2) z_j²/(1 + z_j²) (→ H/2 as u → ∞). Hence
    // ∫_u^∞ |·| <= |e^{K(c+iu)−K(c)}| / P(u) with the pole 1/|c + iλu| <= 1/(λu), and
    // u |e^{K(c+iu)−K(c)}| / (P(u) − 1) without it.
    auto tail_bound = [&](double u) {
      const double amp = std::abs(g(u)), P = g.decay_exponent(u);
      if (pole) return amp / P;
      return P > 1 ? u * amp / (P - 1) : std::numeric_limits<double>::infinity();
    };
    double sum = 0, u = 0;
    auto piece = [&](double width) {
      sum += gk(f, u, u + width, 1e-13 * std::max(std::abs(sum), scale), 8);
      u += width;
    };
    // Bulk pieces up to 10 σ_c, and on while the tail bound keeps falling by 10× a piece (an
    // integrand with many terms decays exponentially long after its bulk); where it falls more
    // slowly (algebraic decay), half periods and Wynn's ε take over.
    const double bulk_end = 10 * sigma;
    double prev_bound = std::numeric_limits<double>::infinity();
    for (int k = 0; k < 200; ++k) {
      piece(bulk_step);
      const double b = tail_bound(u);
      if (b < 1e-15 * std::abs(sum)) return sum;
      if (u >= bulk_end && !(b < 0.1 * prev_bound)) break;  // 0.1: measured on bench/stats' laws
      prev_bound = b;
    }
    WynnEpsilon wynn;
    double est = sum, prev = sum, prev2 = sum;
    for (int k = 0; k < 20000; ++k) {
      piece(half_period);
      if (tail_bound(u) < 1e-15 * std::abs(sum)) return sum;
      prev2 = prev;
      prev = est;
      est = wynn.push(sum);
      if (k >= 6 && std::abs(est - prev) <= 1e-13 * std::abs(est) && std::abs(prev - prev2) <= 1e-13 * std::abs(est))
        return est;
    }
    return est;
  }

 private:
  /// e^{K(c+iu) − K(c) − iuy} on the line, termwise with z_j = 2 w_j u / a_j:
  ///   K(c+iu) − K(c) = Σ_j [ −(h_j/2) ln(1 − i z_j) + (δ_j/(2 a_j)) · i z_j/(1 − i z_j) ].
  /// The logarithms are evaluated as products, with no log or atan per term: for integer
  /// h_j = 2m + o, (1 − iz)^{−h/2} = v^m · v^{o/2} with v = (1 − iz)^{−1} = (1 + iz)/(1 + z²);
  /// integer powers commute with products, so each group of equal m costs one product and one
  /// power, and the square roots are taken once, of the product of the odd terms' v, whose
  /// argument Σ atan z_j is unwrapped by counting its passes through π (each factor turns it by
  /// less than π/2, so a pass shows as Im going from >= 0 to < 0). |v| <= 1, so the products
  /// can only underflow, where the integrand is negligible. Other dofs use ln and atan.
  class Integrand {
   public:
    std::complex<double> operator()(double u) const {
      std::complex<double> total(1, 0), odd(1, 0);
      long odd_turns = 0;
      double n_re = 0, n_im = 0;
      std::size_t k = 0;
      for (const Group& grp : inv_->groups_) {
        // Two running products, so that consecutive complex multiplications do not wait on each
        // other (the loop is bound by their latency otherwise).
        double p0r = 1, p0i = 0, p1r = 1, p1i = 0;
        for (; k + 1 < grp.end; k += 2) {
          const double z0 = b_[k] * u, r0 = 1 / (1 + z0 * z0), v0i = z0 * r0;
          const double z1 = b_[k + 1] * u, r1 = 1 / (1 + z1 * z1), v1i = z1 * r1;
          const double t0 = p0r * r0 - p0i * v0i, t1 = p1r * r1 - p1i * v1i;
          p0i = p0r * v0i + p0i * r0;
          p1i = p1r * v1i + p1i * r1;
          p0r = t0;
          p1r = t1;
          n_re -= e_[k] * z0 * v0i + e_[k + 1] * z1 * v1i;
          n_im += e_[k] * v0i + e_[k + 1] * v1i;
          if (odd_[k]) multiply_odd(odd, odd_turns, {r0, v0i});
          if (odd_[k + 1]) multiply_odd(odd, odd_turns, {r1, v1i});
        }
        for (; k < grp.end; ++k) {
          const double z = b_[k] * u, r = 1 / (1 + z * z), vi = z * r;
          const double t = p0r * r - p0i * vi;
          p0i = p0r * vi + p0i * r;
          p0r = t;
          n_re -= e_[k] * z * vi;
          n_im += e_[k] * vi;
          if (odd_[k]) multiply_odd(odd, odd_turns, {r, vi});
        }
        if (grp.m > 0) total *= ipow(std::complex<double>(p0r, p0i) * std::complex<double>(p1r, p1i), grp.m);
      }
      double log_amp = 0, phase = 0;
      for (; k < b_.size(); ++k) {
        const double z = b_[k] * u;
        log_amp -= 0.25 * h_[k] * std::log1p(z * z);
        phase += 0.5 * h_[k] * std::atan(z);
        n_re -= e_[k] * z * z / (1 + z * z);
        n_im += e_[k] * z / (1 + z * z);
      }
      if (any_odd_) total *= (odd_turns % 2 ? -1.0 : 1.0) * std::sqrt(odd);
      const double ph = phase + n_im - u * y_;
      return total * std::exp(log_amp + n_re) * std::complex<double>(std::cos(ph), std::sin(ph));
    }

    /// P(u) = Σ_j (h_j/2) z_j²/(1 + z_j²), the exponent of the integrand's decay beyond u.
    double decay_exponent(double u) const {
      double p = 0;
      for (std::size_t k = 0; k < b_.size(); ++k) {
        const double z2 = b_[k] * u * b_[k] * u;
        p += 0.5 * h_[k] * z2 / (1 + z2);
      }
      return p;
    }

   private:
    friend class GcsInversion;
    // odd *= v, counting the passes of its argument through π (see above).
    static void multiply_odd(std::complex<double>& odd, long& turns, std::complex<double> v) {
      const bool upper = odd.imag() >= 0;
      odd *= v;
      turns += upper && odd.imag() < 0;
    }
    static std::complex<double> ipow(std::complex<double> x, long m) {
      std::complex<double> r(1, 0);
      for (; m > 0; m >>= 1, x *= x)
        if (m & 1) r *= x;
      return r;
    }
    const GcsInversion* inv_ = nullptr;
    double y_ = 0;
    bool any_odd_ = false;
    std::vector<double> b_, e_, h_;  // 2 w_j / a_j, δ_j / (2 a_j), h_j, in the inversion's order
    std::vector<char> odd_;
  };

  Integrand integrand(const GcsLine& l, double y) const {
    Integrand g;
    g.inv_ = this;
    g.y_ = y;
    const std::size_t n = order_.size();
    g.b_.resize(n);
    g.e_.resize(n);
    g.h_.resize(n);
    g.odd_.assign(n, 0);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t j = order_[k];
      const double aj = a(j, l);
      g.b_[k] = 2 * q_.weights[j] / aj;
      g.e_[k] = 0.5 * q_.noncentralities[j] / aj;
      g.h_[k] = q_.dofs[j];
      if (k < n_integer_ && static_cast<long>(q_.dofs[j]) % 2 == 1) g.odd_[k] = 1, g.any_odd_ = true;
    }
    return g;
  }

  template <class F>
  static double gk(const F& f, double a, double b, double tol, int depth) {
    double err = 0, l1 = 0;
    const double v = boost::math::quadrature::gauss_kronrod<double, 21>::integrate(f, a, b, 0, 0.0, &err, &l1);
    // Boost.Math (1.74–1.83 at least) reports the error of the integral mapped to [−1, 1]
    // unscaled, while the value and L1 are scaled: rescale it. Below ~100 ulp of ∫|f| the estimate
    // is rounding noise, which bisecting cannot improve.
    err *= 0.5 * (b - a);
    if (err <= std::max(tol, 2e-14 * l1) || depth == 0) return v;
    const double m = 0.5 * (a + b);
    return gk(f, a, m, 0.5 * tol, depth - 1) + gk(f, m, b, 0.5 * tol, depth - 1);
  }

  struct Group {
    long m;                 ///< h = 2m + o for every term of the group
    std::size_t end;        ///< one past its last term in order_ (groups are contiguous from 0)
  };
  static constexpr double kMaxIntegerDof = 1 << 20;  // integer powers by squaring stay exact to ~1e-14 below

  struct Law {
    const std::vector<double>& weights;
    const std::vector<double>& dofs;
    const std::vector<double>& noncentralities;
  };
  Law q_;
  double w_max_ = 0, h_total_ = 0, d_total_ = 0;
  std::vector<double> gap_;         ///< 1 − w_j / w_max (0 exactly for the largest weights)
  std::vector<std::size_t> order_;  ///< integer dofs grouped by m, then the rest
  std::vector<Group> groups_;
  std::size_t n_integer_ = 0;
};

/// ln F(y) and ln(1 − F(y)) of the law by the inversion, for 0 < y < ∞ (y above ~1e-290 of the
/// smallest weight, where the saddlepoint is finite). The line is the saddlepoint's, K'(c) = y,
/// so the factor e^{K(c) − c y} carries the whole exponential size of a far-tail probability and
/// ln F stays exact where F underflows; within half a standard deviation of the mean the
/// saddlepoint nears the pole of 1/(c + iu) at 0, and the line Re t = −1/(2 sd) is used instead.
struct InversionTails {
  double log_cdf = 0, log_sf = 0;
  int side = 0;     ///< −1: saddlepoint line below the mean (F computed), 0: central line, +1: above (1 − F)
  double line = 0;  ///< c
};

inline InversionTails invert_tails(const GcsInversion& inv, double y, const char* where) {
  InversionTails r;
  const double sd0 = std::sqrt(inv.K2(inv.line_at(0)));
  GcsLine line = inv.saddlepoint(y);
  r.side = line.c < 0 ? -1 : 1;
  if (std::abs(line.c) * sd0 < 0.5) {
    line = inv.line_at(-0.5 / sd0);
    r.side = 0;
  }
  r.line = line.c;
  const double log_factor = inv.log_factor(line, y);
  const double I = inv.integral(line, y, true) * constants::inv_pi;
  if (line.c < 0) {
    core::require_domain(-I > 0, where, "inversion integral", -I,
                         "> 0 (quadrature failed: law too degenerate for double precision)");
    r.log_cdf = std::min(0.0, log_factor + std::log(-I));
    r.log_sf = std::log1p(-std::exp(r.log_cdf));
  } else {
    core::require_domain(I > 0, where, "inversion integral", I,
                         "> 0 (quadrature failed: law too degenerate for double precision)");
    r.log_sf = std::min(0.0, log_factor + std::log(I));
    r.log_cdf = std::log1p(-std::exp(r.log_sf));
  }
  return r;
}

}  // namespace genlab::stats::detail

#endif  // GENLAB_STATS_DETAIL_LAPLACE_INVERSION_HPP
