#!/usr/bin/env python3
"""The peer of irt_bench.cpp: the same fits written the way a NumPy/SciPy user would.

1PL/2PL marginal ML by EM (Bock-Aitkin) over N(0,1) with a 61-node Gauss-Hermite rule
(numpy.polynomial.hermite_e.hermegauss), M-step per item by scipy.optimize.minimize (L-BFGS-B)
on the expected counts, with the same PX-EM acceleration, and 1PL joint ML by alternating Newton steps in NumPy. Data: the same
model (b ~ N(0,1), a = exp(0.3 N(0,1)), theta ~ N(0,1)) drawn with NumPy's generator, so the
responses differ from genlab's draws but have the same distribution.
Usage: irt_scipy.py [items] [respondents] [seed] -> one JSON line per fit.
"""
import json
import sys
import time

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy.optimize import minimize
from scipy.special import expit, log_expit


def mml(y, two_pl, q=61, tol=1e-4, max_iter=500):
    items = y.shape[1]
    nodes, w = hermegauss(q)
    log_w = np.log(w / w.sum())
    p_item = (y.sum(0) + 0.5) / (y.shape[0] + 1.0)
    b = -1.2 * np.log(p_item / (1 - p_item))
    a = np.ones(items)
    for it in range(1, max_iter + 1):
        z = a[:, None] * (nodes[None, :] - b[:, None])  # items x q
        lp, lq = log_expit(z), log_expit(-z)
        ll = y @ (lp - lq) + lq.sum(0) + log_w  # respondents x q
        mx = ll.max(1, keepdims=True)
        post = np.exp(ll - mx)
        post /= post.sum(1, keepdims=True)
        r = y.T @ post  # items x q
        n = np.broadcast_to(post.sum(0), r.shape)
        new_b, new_a = b.copy(), a.copy()
        for i in range(items):
            def nll(par, i=i):
                ai = np.exp(par[0]) if two_pl else 1.0
                zz = ai * (nodes - par[-1])
                return -(r[i] * log_expit(zz) + (n[i] - r[i]) * log_expit(-zz)).sum()
            x0 = [np.log(a[i]), b[i]] if two_pl else [b[i]]
            res = minimize(nll, x0, method="L-BFGS-B")
            new_b[i] = res.x[-1]
            if two_pl:
                new_a[i] = np.exp(res.x[0])
        # Same parameter expansion (PX-EM) as genlab: refit the latent mean (and sd for 2PL),
        # then map back onto the items so that theta ~ N(0, 1).
        mass = post.mean(0)
        mu = mass @ nodes
        sd = np.sqrt(max(mass @ nodes**2 - mu**2, 1e-6)) if two_pl else 1.0
        new_b = (new_b - mu) / sd
        new_a = new_a * sd
        change = max(np.abs(new_b - b).max(), np.abs(new_a - a).max())
        b, a = new_b, new_a
        if change < tol:
            return b, a, it, True
    return b, a, max_iter, False


def jml(y, tol=1e-4, max_iter=500):
    n_resp, items = y.shape
    rs, cs = y.sum(1), y.sum(0)
    adj_r = np.clip(rs, 0.3, items - 0.3)
    adj_c = np.clip(cs, 0.3, n_resp - 0.3)
    theta = np.log(adj_r / (items - adj_r))
    b = -np.log(adj_c / (n_resp - adj_c))
    for it in range(1, max_iter + 1):
        p = expit(theta[:, None] - b[None, :])
        step_b = np.clip(-(adj_c - p.sum(0)) / (p * (1 - p)).sum(0), -1, 1)
        b = b + step_b
        p = expit(theta[:, None] - b[None, :])
        step_t = np.clip((adj_r - p.sum(1)) / (p * (1 - p)).sum(1), -1, 1)
        theta = theta + step_t
        m = theta.mean()
        theta -= m
        b -= m
        if max(np.abs(step_b).max(), np.abs(step_t).max()) < tol:
            return b, it, True
    return b, max_iter, False


def main():
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    people = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    rng = np.random.default_rng(seed)
    b_true = rng.standard_normal(items)
    a_true = np.exp(0.3 * rng.standard_normal(items))
    theta = rng.standard_normal(people)
    for name, two_pl, method in (("1PL-MML", False, "mml"), ("2PL-MML", True, "mml"), ("1PL-JML", False, "jml")):
        a = a_true if two_pl else np.ones(items)
        y = (rng.random((people, items)) < expit(a[None, :] * (theta[:, None] - b_true[None, :]))).astype(np.float64)
        t0 = time.perf_counter()
        if method == "mml":
            b, _, iters, conv = mml(y, two_pl)
        else:
            b, iters, conv = jml(y)
        secs = time.perf_counter() - t0
        print(json.dumps({"impl": "numpy/scipy", "fit": name, "items": items, "respondents": people,
                          "seconds": round(secs, 3), "iterations": iters, "converged": bool(conv),
                          "corr_b": round(float(np.corrcoef(b, b_true)[0, 1]), 5)}), flush=True)


if __name__ == "__main__":
    main()
