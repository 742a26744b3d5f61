#!/usr/bin/env python3
"""Independent high-precision reference values for tests/stats/*_test.cpp (mpmath, 20 digits).

Not the C++ algorithm: the noncentral chi-square CDF is summed directly as its Poisson mixture of
regularised incomplete gamma functions (Johnson, Kotz & Balakrishnan, "Continuous Univariate
Distributions" vol. 2, eq. 29.2), with mpmath's arbitrary exponent range so nothing underflows, and
the two-term generalized chi-square Q = w1 X1 + w2 X2 by the one-dimensional convolution

    P(Q <= y) = integral_0^{y/w1} f_{X1}(s) F_{X2}((y - w1 s)/w2) ds

(tanh-sinh quadrature, which handles the s^(h/2 - 1) endpoint singularity of low-dof densities),
not by inverting a characteristic function as the C++ code does.

The density of a two-term law with total degrees of freedom h1 + h2 <= 2 (unbounded at 0 when
h1 + h2 < 2) is the same convolution, f_Q(y) = integral_0^{y/w1} f_{X1}(s) f_{X2}((y - w1 s)/w2) / w2 ds,
the noncentral densities in their Bessel form, both endpoint singularities left to tanh-sinh
(mode "pdf", 25 digits).

Usage: python3 tests/stats/reference.py [ncx2|gcs|pdf] > /tmp/rows.txt   (needs mpmath; prints
C++ table rows {df, nc, x, ln F, ln(1-F)}, {h, w2, nc, x, ln F, ln(1-F)} and
{w1, h1, d1, w2, h2, d2, x, ln f}). The x values are quantiles of the
laws at p = 1e-300, 1e-100, 1e-10, 1e-3, 0.5, 0.999, 1 - 1e-12 (rounded to 6 digits; points whose
quantile underflows a double are absent), computed once with genlab::stats::quantile and frozen
here; the reference then evaluates the CDF at those x independently.
"""
import sys
import mpmath as mp

mp.mp.dps = 20

from grid import NCX2, GCS  # noqa: E402  (the frozen x grid, next to this script)


def pois(j, mu):
    if mu == 0:
        return mp.mpf(1) if j == 0 else mp.mpf(0)
    return mp.exp(-mu + j * mp.log(mu) - mp.loggamma(j + 1))


def ncx2_tails(x, df, nc):
    """(F, 1 - F) of the noncentral chi-square by its Poisson mixture, both to full precision."""
    x, df, nc = mp.mpf(x), mp.mpf(df), mp.mpf(nc)
    mu = nc / 2
    jmax = int(mu + 40 * mp.sqrt(mu + 1) + 60) if nc > 0 else 0
    F = mp.mpf(0)
    S = mp.mpf(0)
    for j in range(jmax + 1):
        p = pois(j, mu)
        if p == 0:
            continue
        F += p * mp.gammainc(df / 2 + j, 0, x / 2, regularized=True)
        S += p * mp.gammainc(df / 2 + j, x / 2, mp.inf, regularized=True)
    return F, S


def ncx2_pdf(s, df, nc):
    s, df, nc = mp.mpf(s), mp.mpf(df), mp.mpf(nc)
    if s <= 0:
        return mp.mpf(0)
    mu = nc / 2
    jmax = int(mu + 40 * mp.sqrt(mu + 1) + 60) if nc > 0 else 0
    tot = mp.mpf(0)
    for j in range(jmax + 1):
        p = pois(j, mu)
        if p == 0:
            continue
        k = df / 2 + j
        tot += p * mp.exp((k - 1) * mp.log(s) - s / 2 - k * mp.log(2) - mp.loggamma(k))
    return tot


def gcs2_tails(y, h, w2, nc):
    """(F, 1 - F) of Q = X1 + w2 X2, X1, X2 ~ ncx2(h, nc) independent, by convolution."""
    y = mp.mpf(y)
    w2 = mp.mpf(w2)
    # Split [0, y] at quantiles of X1 so peaked high-dof densities are resolved.
    m1 = h + nc
    sd1 = mp.sqrt(2 * (h + 2 * nc))
    pts = sorted({mp.mpf(0), y} | {p for p in (m1 + k * sd1 for k in range(-10, 11)) if 0 < p < y}
                 | {y * k / 16 for k in range(1, 16)})
    Fi = mp.quad(lambda s: ncx2_pdf(s, h, nc) * ncx2_tails((y - s) / w2, h, nc)[0], pts)
    # 1 - F = P(X1 > y) + integral_0^y f1(s) P(X2 > (y - s)/w2) ds: keeps 1 - F's relative precision.
    S1 = ncx2_tails(y, h, nc)[1]
    Si = mp.quad(lambda s: ncx2_pdf(s, h, nc) * ncx2_tails((y - s) / w2, h, nc)[1], pts)
    return Fi, S1 + Si


# The generalized chi-square sub-grid (the convolution costs ~10 s a point at 20 digits): every
# dof of the grid at one weight ratio or another, the noncentralities on the 1-dof 30x law (the case
# where Imhof's integral failed), and the extreme ratios 1000 and 3.
SUBGRID_LAWS = [(1, 30, 0), (1, 30, 0.05), (1, 30, 1), (1, 30, 50), (2, 3, 0), (3, 30, 0), (5, 1000, 0),
                (10, 30, 0), (100, 30, 0), (1000, 3, 0), (1, 1000, 0), (10, 1000, 1)]


def gcs2_pdf(y, w1, h1, d1, w2, h2, d2):
    """Density of Q = w1 X1 + w2 X2, X_j ~ ncx2(h_j, d_j) independent, at y > 0, by convolution."""
    y, w1, w2 = mp.mpf(y), mp.mpf(w1), mp.mpf(w2)
    end = y / w1
    # Split [0, y/w1] where either factor is peaked: around X1's bulk and where X2's argument is in
    # its bulk, plus a uniform mesh.
    m1, sd1 = h1 + d1, mp.sqrt(2 * (h1 + 2 * d1))
    m2, sd2 = h2 + d2, mp.sqrt(2 * (h2 + 2 * d2))
    pts = {mp.mpf(0), end} | {end * k / 32 for k in range(1, 32)}
    pts |= {p for p in (m1 + k * sd1 for k in range(-10, 11)) if 0 < p < end}
    pts |= {p for p in ((y - w2 * (m2 + k * sd2)) / w1 for k in range(-10, 11)) if 0 < p < end}
    # Each half is integrated in the distance to its singular end (s, or r = y/w1 - s), so the
    # nodes crowded there keep their relative precision (y - w1 s would cancel), and that distance
    # is t^(1/a) with a = h/2 of the singular factor, which turns the s^(a-1) singularity into a
    # bounded integrand (s^(a-1) ds = dt/a): tanh-sinh alone stops ~10^-dps from the end and would
    # miss ~(10^-dps)^a of the mass, 3e-8 relative for h = 1/2 at 30 digits.
    mid = end / 2
    a1, a2 = mp.mpf(h1) / 2, mp.mpf(h2) / 2
    lo = sorted({p ** a1 for p in pts if p <= mid} | {mid ** a1})
    hi = sorted({(end - p) ** a2 for p in pts if p >= mid} | {(end - mid) ** a2})

    def lower(t):
        s = t ** (1 / a1)
        return ncx2_pdf_bessel(s, h1, d1) * ncx2_pdf_bessel((y - w1 * s) / w2, h2, d2) * s / (a1 * t) if t > 0 else 0

    def upper(t):
        r = t ** (1 / a2)
        return ncx2_pdf_bessel(end - r, h1, d1) * ncx2_pdf_bessel(w1 * r / w2, h2, d2) * r / (a2 * t) if t > 0 else 0

    return (mp.quad(lower, lo) + mp.quad(upper, hi)) / w2


def ncx2_pdf_bessel(x, k, lam):
    """Noncentral chi-square density in its Bessel form (JKB vol. 2, eq. 29.4):
    f = e^{-(x + lam)/2} / 2 (x/lam)^{k/4 - 1/2} I_{k/2 - 1}(sqrt(lam x)); the central density for lam = 0."""
    x, k, lam = mp.mpf(x), mp.mpf(k), mp.mpf(lam)
    if x <= 0:
        return mp.mpf(0)
    if lam == 0:
        return mp.exp((k / 2 - 1) * mp.log(x) - x / 2 - k / 2 * mp.log(2) - mp.loggamma(k / 2))
    return mp.exp(-(x + lam) / 2) / 2 * (x / lam) ** (k / 4 - mp.mpf(1) / 2) * mp.besseli(k / 2 - 1, mp.sqrt(lam * x))


# Two-term laws with h1 + h2 <= 2 and unequal weights, {w1, h1, d1, w2, h2, d2}, and the x grid
# (multiples of the mean w1 (h1 + d1) + w2 (h2 + d2)) of the density rows.
PDF_LAWS = [(1, 1, 0, 30, 1, 0), (1, 1, 0.05, 30, 1, 0.05), (1, 1, 1, 30, 1, 1), (1, 1, 50, 30, 1, 50),
            (1, 1, 0, 1000, 1, 0), (1, 1, 0, 3, 1, 0), (1, 0.5, 0, 3, 0.5, 0), (1, 0.5, 1, 30, 1.5, 0),
            (1, 0.3, 0, 2, 0.9, 2)]
PDF_MULTIPLES = [1e-12, 1e-4, 0.01, 0.1, 0.5, 1, 2, 5, 20]


def fmt(v):
    return mp.nstr(v, 17, min_fixed=1, max_fixed=0) if v != 0 else "0.0"


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    if which in ("all", "ncx2"):
        print("// {df, nc, x, ln F, ln(1 - F)}")
        for df, nc, xs in NCX2:
            for x in xs:
                F, S = ncx2_tails(x, df, nc)
                print("    {%s, %s, %s, %s, %s}," % (df, nc, repr(float(x)), fmt(mp.log(F)), fmt(mp.log(S))))
    if which in ("all", "pdf"):
        print("// {w1, h1, d1, w2, h2, d2, x, ln f}")
        with mp.workdps(25):
            for w1, h1, d1, w2, h2, d2 in PDF_LAWS:
                mean = w1 * (h1 + d1) + w2 * (h2 + d2)
                for k in PDF_MULTIPLES:
                    x = float(mp.mpf(k) * mean)
                    f = gcs2_pdf(x, w1, h1, d1, w2, h2, d2)
                    print("    {%s, %s, %s, %s, %s, %s, %s, %s}," % (w1, h1, d1, w2, h2, d2, repr(x), fmt(mp.log(f))),
                          flush=True)
    if which in ("all", "gcs"):
        print("// {h, w2, nc, x, ln F, ln(1 - F)}  (Q = 1·χ'²_h(nc) + w2·χ'²_h(nc))")
        part = int(sys.argv[2]) if len(sys.argv) > 2 else -1
        for i, (h, w2, nc) in enumerate(SUBGRID_LAWS):
            if part >= 0 and i % 2 != part:
                continue
            xs = next(g[3] for g in GCS if g[:3] == (h, w2, nc))
            # quantile indices: all seven for the two-term 30x failing case, else 1e-300, 1e-10, 0.5, 1-1e-12
            keep = range(7) if (h, w2, nc) == (1, 30, 0.05) else (0, 2, 4, 6)
            xs = [xs[k - (7 - len(xs))] for k in keep if k - (7 - len(xs)) >= 0]
            for x in xs:
                F, S = gcs2_tails(x, h, w2, nc)
                print("    {%s, %s, %s, %s, %s, %s}," % (h, w2, nc, repr(float(x)), fmt(mp.log(F)), fmt(mp.log(S))),
                      flush=True)


if __name__ == "__main__":
    main()
