"""Python peer of stats_bench.cpp: the same grid, timed per call (microseconds), with
scipy.stats.ncx2.cdf for the noncentral chi-square and a numpy generalized chi-square CDF by
Imhof's integral (Imhof, "Computing the distribution of quadratic forms in normal variables",
Biometrika 48:419, 1961, eq. 3.2) on a fixed Gauss-Legendre rule -- the way it is usually done in
numpy. Usage: stats_peer.py [min_seconds_per_point]"""
import json
import sys
import time

import numpy as np
from scipy import stats

min_seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 0.05


def time_calls(f):
    calls, t0 = 0, time.perf_counter()
    while True:
        value = f()
        calls += 1
        elapsed = time.perf_counter() - t0
        if calls >= 3 and elapsed >= min_seconds:
            return 1e6 * elapsed / calls, value


# Imhof: F(x) = 1/2 - (1/pi) int_0^inf sin(theta(u)) / (u rho(u)) du for Q = offset + sum w_j chi'2_{h_j}(d_j),
#   theta(u) = 1/2 sum [h_j atan(w_j u) + d_j w_j u / (1 + w_j^2 u^2)] - (x - offset) u / 2,
#   rho(u) = prod (1 + w_j^2 u^2)^{h_j/4} exp(1/2 sum d_j w_j^2 u^2 / (1 + w_j^2 u^2)).
# u = tan(pi t / 2) / w_min maps t in (0, 1) onto (0, inf); 4000 Gauss-Legendre nodes in t.
_t, _wt = np.polynomial.legendre.leggauss(4000)
_t, _wt = 0.5 * (_t + 1), 0.5 * _wt


def gchi2_cdf(w, h, d, offset, x):
    w, h, d = (np.asarray(a, float)[:, None] for a in (w, h, d))
    c = 1.0 / w.min()
    u = np.tan(0.5 * np.pi * _t) * c
    du = 0.5 * np.pi * c / np.cos(0.5 * np.pi * _t) ** 2
    wu = w * u
    theta = 0.5 * (h * np.arctan(wu) + d * wu / (1 + wu ** 2)).sum(0) - 0.5 * (x - offset) * u
    log_rho = (0.25 * h * np.log1p(wu ** 2) + 0.5 * d * wu ** 2 / (1 + wu ** 2)).sum(0)
    integrand = np.sin(theta) * np.exp(-log_rho) / u
    return 0.5 - (_wt * integrand * du).sum() / np.pi


def laws():
    yield "two_terms_30x", [1.0, 30.0], [1.0, 1.0], [0.0, 0.0]
    yield "ten_terms", [0.1 * (j + 1) for j in range(10)], [1.0 + j % 3 for j in range(10)], [0.5 * j for j in range(10)]
    yield "gp_like_100_terms", [1.0 / (1000.0 * (j + 1)) for j in range(100)], [10.0] * 100, [0.5] * 100


for df in (1.0, 10.0, 100.0):
    for nc in (0.0, 5.0, 100.0):
        for f in (0.05, 0.5, 1.0, 2.0):
            x = f * (df + nc)
            us, value = time_calls(lambda: stats.ncx2.cdf(x, df, nc))
            print(json.dumps({"dist": "ncx2", "df": df, "nc": nc, "x": x, "cdf": float(value), "us_per_call": round(us, 3)}))
for name, w, h, d in laws():
    mean = sum(wj * (hj + dj) for wj, hj, dj in zip(w, h, d))
    for f in (0.05, 0.5, 1.0, 2.0):
        x = f * mean
        us, value = time_calls(lambda: gchi2_cdf(w, h, d, 0.0, x))
        print(json.dumps({"dist": "gchi2", "law": name, "terms": len(w), "x": x, "cdf": float(value),
                          "method": "imhof_numpy", "us_per_call": round(us, 3)}))
