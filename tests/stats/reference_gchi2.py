#!/usr/bin/env python3
"""Fast independent reference for the generalized chi-square CDF (mpmath, 40 digits): Ruben's series.

Q = sum_j w_j chi'^2_{h_j}(d_j), all w_j > 0. With beta = min_j w_j and rho_j = 1 - beta/w_j in [0, 1)
(Ruben, "Probability content of regions under spherical normal distributions, IV: the distribution
of homogeneous and non-homogeneous quadratic functions of normal variables", Ann. Math. Stat.
33:542, 1962; the form of Kotz, Johnson & Boyd, Ann. Math. Stat. 38:823, 1967):

    Q / beta  =_d  chi^2_{H + 2N},   H = sum_j h_j,   N a random nonnegative integer with
    E z^N = G(z) = prod_j (1 - rho_j)^{h_j/2} (1 - rho_j z)^{-h_j/2} exp(d_j/2 (z - 1)/(1 - rho_j z)),

(substitute z = 1/(1 - 2 beta t) in the moment generating function prod_j (1 - 2 w_j t)^{-h_j/2}
exp(d_j w_j t/(1 - 2 w_j t))). The coefficients g_n = P(N = n) are all >= 0 and sum to 1, so

    F(y)     = sum_m t_m C_m,             C_m = g_0 + ... + g_m,
    1 - F(y) = sum_n g_n Qgam(H/2 + n, x),  Qgam(a + 1, x) = Qgam(a, x) + t_{a},
    x = y/(2 beta),  t_m = e^{-x} x^{H/2 + m} / Gamma(H/2 + m + 1)

(the first from P(a, x) = sum_{k>=0} t_{a+k}, the gamma series) are sums of positive terms: no
cancellation, either tail to full relative precision, and mpmath's unbounded exponent keeps
F = 1e-300 and far below. g_n follows from the log-derivative: with P(z) = prod_j (1 - rho_j z)^2,
P G' = R G where R = sum_j [h_j rho_j/2 (1 - rho_j z) + d_j (1 - rho_j)/2] prod_{i != j} (1 - rho_i z)^2,
a linear recurrence of order <= 2 * terms, run at 40 digits (g's tail is geometric in rho_max, so
the sums need ~ y/(2 beta) + 100/(1 - rho_max) terms: the cost is O(that), e.g. ~1e6 steps, ~20 s,
for 1000 dof per term at weight ratio 1000 in the upper tail).

It shares nothing with the C++ code (Gil-Pelaez/Laplace inversion on a saddlepoint line) nor with
reference.py's convolution; main() cross-checks it against the convolution rows already pinned in
stats_test.cpp.

Usage:
  python3 tests/stats/reference_gchi2.py check            # against the pinned convolution rows
  python3 tests/stats/reference_gchi2.py rows GRIDFILE    # C++ rows for gchi2_reference_test.cpp
GRIDFILE lines: "w1,w2[,w3] h1,h2[,h3] d1,d2[,d3] x1 x2 ..." (x = the C++ genlab::stats::quantile
of the law at p = 1e-300, 1e-100, 1e-10, 1e-3, 0.5, 1 - 1e-6, 1 - 1e-12, printed with %.17g; the
reference then evaluates ln F and ln(1 - F) at those x independently).
"""
import sys
import time

import gmpy2
import mpmath as mp

mp.mp.dps = 40
gmpy2.get_context().precision = 133


def mpfr(v):
    """mpmath number (or int/float) -> gmpy2 mpfr, exactly."""
    if isinstance(v, mp.mpf):
        return gmpy2.mpfr(mp.nstr(v, 45, strip_zeros=False)) if v != 0 else gmpy2.mpfr(0)
    return gmpy2.mpfr(v)


def mixing_recurrence(weights, dofs, ncs):
    """(beta, H, g_0, coefficients of P and R) of the mixing law of N, see the module docstring."""
    beta = min(mp.mpf(w) for w in weights)
    rho = [1 - beta / mp.mpf(w) for w in weights]

    def pmul(a, b):
        out = [mp.mpf(0)] * (len(a) + len(b) - 1)
        for i, ai in enumerate(a):
            for k, bk in enumerate(b):
                out[i + k] += ai * bk
        return out

    def padd(a, b):
        n = max(len(a), len(b))
        return [(a[i] if i < len(a) else 0) + (b[i] if i < len(b) else 0) for i in range(n)]

    sq = [pmul([mp.mpf(1), -r], [mp.mpf(1), -r]) for r in rho]
    P = [mp.mpf(1)]
    for s in sq:
        P = pmul(P, s)
    R = [mp.mpf(0)]
    for j, (r, h, d) in enumerate(zip(rho, dofs, ncs)):
        h, d = mp.mpf(h), mp.mpf(d)
        term = [h * r / 2 + d * (1 - r) / 2, -h * r * r / 2]
        for i, s in enumerate(sq):
            if i != j:
                term = pmul(term, s)
        R = padd(R, term)
    # trim trailing zeros (rho = 0 terms)
    while len(P) > 1 and P[-1] == 0:
        P.pop()
    while len(R) > 1 and R[-1] == 0:
        R.pop()
    log_g0 = mp.mpf(0)
    for r, h, d in zip(rho, dofs, ncs):
        log_g0 += mp.mpf(h) / 2 * mp.log1p(-r) - mp.mpf(d) / 2
    H = sum(mp.mpf(h) for h in dofs)
    rho_max = max(rho)
    return beta, H, mp.exp(log_g0), P, R, rho_max


class Mixing:
    """Streams g_0, g_1, ... by (n+1) g_{n+1} = sum_k R_k g_{n-k} - sum_{k>=1} P_k (n+1-k) g_{n+1-k}
    (gmpy2/MPFR at 133 bits, ~40 digits: the hot loop, ~10x faster than mpmath numbers)."""

    def __init__(self, P, R, g0):
        self.R = [(k, mpfr(Rk)) for k, Rk in enumerate(R) if Rk != 0]
        self.P = [(k, mpfr(P[k])) for k in range(1, len(P)) if P[k] != 0]
        self.order = max(len(P), len(R)) + 1
        self.hist = [mpfr(0)] * self.order + [mpfr(g0)]  # zeros stand for g_{-1}, g_{-2}, ...
        self.n = 0

    def next(self):
        n = self.n
        h = self.hist
        s = mpfr(0)
        for k, Rk in self.R:
            s += Rk * h[-1 - k]
        for k, Pk in self.P:
            s -= Pk * (n + 1 - k) * h[-k]
        g = s / (n + 1)
        h.append(g)
        del h[0]
        self.n = n + 1
        return g


def gchi2_tails(y, weights, dofs, ncs, eps=mp.mpf(10) ** -32):
    """(F, 1 - F, terms used) at y by Ruben's series."""
    beta, H, g0, P, R, rho_max = mixing_recurrence(weights, dofs, ncs)
    y = mp.mpf(y)
    x = y / (2 * beta)
    a0 = H / 2
    mean_N = sum(mp.mpf(h) / 2 * (mp.mpf(w) / beta - 1) + mp.mpf(d) / 2 * (mp.mpf(w) / beta)
                 for w, h, d in zip(weights, dofs, ncs))
    xf, a0f, epsf, rho_maxf, mean_Nf = mpfr(x), mpfr(a0), mpfr(eps), mpfr(rho_max), mpfr(mean_N)
    t_start = mpfr(mp.exp(-x + a0 * mp.log(x) - mp.loggamma(a0 + 1)))
    # ---- F = sum_m t_m C_m
    mix = Mixing(P, R, g0)
    t = t_start
    C = mpfr(g0)
    F = mpfr(0)
    m = 0
    while True:
        F += t * C
        if m > xf and t <= epsf * F:
            break
        m += 1
        C += mix.next()
        t = t * xf / (a0f + m)
    nF = m
    if F < 0.5:  # 1 - F > 1/2: no cancellation in 1 - F at 40 digits
        return mp.mpf(F), 1 - mp.mpf(F), nF
    # ---- 1 - F = sum_n g_n Qgam(a0 + n, x)
    mix = Mixing(P, R, g0)
    Qg = mpfr(mp.gammainc(a0, x, mp.inf, regularized=True))
    t = t_start
    g = mpfr(g0)
    S = mpfr(0)
    n = 0
    prev_g = g
    while True:
        S += g * Qg
        if n > mean_Nf and n > xf:
            if g == 0 and prev_g == 0:  # N bounded (equal weights, no noncentrality): done
                break
            q = max(g / prev_g if prev_g > 0 else mpfr(1), rho_maxf)
            if q < 1 and g / (1 - q) <= epsf * S:
                break
        n += 1
        prev_g = g
        g = mix.next()
        Qg += t
        t = t * xf / (a0f + n)
    F, S = mp.mpf(F), mp.mpf(S)
    return 1 - S if S < mp.mpf(1) / 2 else F, S, max(nF, n)


def mass_check(weights, dofs, ncs, nmax):
    """sum of g_0..g_nmax (-> 1) and the mean of N against its closed form (stability of g)."""
    beta, H, g0, P, R, rho_max = mixing_recurrence(weights, dofs, ncs)
    mix = Mixing(P, R, g0)
    tot, mean = mpfr(g0), mpfr(0)
    for n in range(1, nmax + 1):
        g = mix.next()
        tot += g
        mean += n * g
    tot, mean = mp.mpf(tot), mp.mpf(mean)
    mean_N = sum(mp.mpf(h) / 2 * (mp.mpf(w) / beta - 1) + mp.mpf(d) / 2 * (mp.mpf(w) / beta)
                 for w, h, d in zip(weights, dofs, ncs))
    return tot, mean, mean_N


def fmt(v):
    return mp.nstr(v, 17, min_fixed=1, max_fixed=0) if v != 0 else "0.0"


# The convolution rows of stats_test.cpp (reference.py, 20 digits): {h, w2, nc, x, ln F, ln(1 - F)}.
CONVOLUTION_ROWS = [
    (1, 30, 0, "1.09545e-299", "-6.9077552343885889e+2", "0.0"),
    (1, 30, 0, "1.09545e-09", "-2.3025846470727033e+1", "-1.0000044996097936e-10"),
    (1, 30, 0, "14.7133", "-6.9314577540546809e-1", "-6.9314858571733183e-1"),
    (1, 30, 0, "1526.34", "-1.4875030460864652e-12", "-2.7631000272965276e+1"),
    (1, 3, 0, "3.4641e-300", "-6.9077552836446421e+2", "0.0"),
    (1, 3, 0, "3.4641e-100", "-2.3025850976565508e+2", "0.0"),
    (1, 3, 0, "3.4641e-10", "-2.3025851396248409e+1", "-9.999995337422045e-11"),
    (1, 3, 0, "0.0034661", "-6.9077561612085327", "-1.0004994504744183e-3"),
    (1, 3, 0, "2.53568", "-6.9314743726199693e-1", "-6.9314692385795959e-1"),
    (1, 3, 0, "33.7285", "-1.000500269502141e-3", "-6.9077553429994559"),
    (1, 3, 0, "153.755", "-9.9991618512790359e-13", "-2.7631110566703405e+1"),
]


def check():
    worst = 0
    for h, w2, nc, x, lf, ls in CONVOLUTION_ROWS:
        F, S, _ = gchi2_tails(mp.mpf(x), [1, w2], [h, h], [nc, nc])
        dF = abs(mp.log(F) - mp.mpf(lf)) / max(1, abs(mp.mpf(lf)))
        dS = abs(mp.log(S) - mp.mpf(ls)) / max(mp.mpf(10) ** -18, abs(mp.mpf(ls))) if mp.mpf(ls) != 0 else 0
        worst = max(worst, dF, dS)
        print("h %s w2 %s nc %s x %s: d lnF %s  rel d ln(1-F) %s" % (h, w2, nc, x, mp.nstr(dF, 3), mp.nstr(dS, 3)))
    print("worst vs convolution:", mp.nstr(worst, 3))
    for law in (([1, 1000], [1000, 1000], [50, 50]), ([1, 30], [1, 1], [50, 50]), ([1, 3, 30], [2, 5, 1], [1, 0, 50])):
        tot, mean, mean_N = mass_check(*law, nmax=1500000 if law[0][1] == 1000 else 20000)
        print("mass check", law, "sum g - 1 =", mp.nstr(tot - 1, 3), " mean rel err", mp.nstr(mean / mean_N - 1, 3))


def rows(gridfile):
    print("  // {terms, {weights...}, {dofs...}, {ncs...}, x, ln F, ln(1 - F)}")
    for line in open(gridfile):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        ws = [mp.mpf(v) for v in parts[0].split(",")]
        hs = [mp.mpf(v) for v in parts[1].split(",")]
        ds = [mp.mpf(v) for v in parts[2].split(",")]
        for xs in parts[3:]:
            x = float(xs)
            if not x > 0:
                continue
            t0 = time.time()
            F, S, nterms = gchi2_tails(mp.mpf(x), ws, hs, ds)
            law = ", ".join("{%s}" % ", ".join(mp.nstr(v, 17) for v in vs) for vs in (ws, hs, ds))
            print("  {%d, %s, %s, %s, %s}, // %d terms, %.1f s" % (len(ws), law, repr(x), fmt(mp.log(F)), fmt(mp.log(S)), nterms,
                                                             time.time() - t0), flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "rows":
        rows(sys.argv[2])
    else:
        check()
