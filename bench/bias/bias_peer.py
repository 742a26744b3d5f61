"""Python peer of bias_bench.cpp: the same three computations with numpy / scipy / scikit-learn."""
import gzip, json, math, sys, time
import numpy as np
from scipy import special, stats
from sklearn.neighbors import NearestNeighbors

n = int(sys.argv[1]) if len(sys.argv) > 1 else 60000
q = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
h = int(sys.argv[3]) if len(sys.argv) > 3 else 10000


def difficulty(eps, n, m, R, P, delta, D, B):  # task_difficulty.py, as in the reference
    M = 2 * np.pi * R / delta
    K = (np.sqrt((m - 1) ** 2 + 4 * M ** 2) - (m - 1)) / 2
    E = special.binom(m + K, m) + special.binom(m + K - 1, m)
    Lf = K * np.sqrt(D) / R
    S = 2 * np.pi ** ((m + 1) / 2) / special.gamma((m + 1) / 2)
    W = np.sqrt(m / 6) * R * (P * S / n) ** (1 / m)
    return (2 * D * P * E - n * D) * np.log2(B * np.sqrt(D) * np.sqrt(P) * Lf * W / eps)


reps = 20000
t = time.perf_counter()
s = 0.0
for r in range(reps):
    s += difficulty(0.001, 60000, 14, 17.179045827183984, 10, 2.3987084824335305 + r * 1e-12, 9, 1)
print(json.dumps({"task": "p1_estimate", "seconds_per_call": (time.perf_counter() - t) / reps, "check": s / reps}))

with gzip.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") as f:
    X = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:n].astype(np.float64) / 255.0
with gzip.open("/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz") as f:
    y = np.frombuffer(f.read(), np.uint8, offset=8)
X = np.unique(X, axis=0) if len(np.unique(X, axis=0)) != len(X) else X
t = time.perf_counter()
idx = np.random.default_rng(0).choice(len(X), q, replace=False)
nn = NearestNeighbors(n_neighbors=6, algorithm="brute").fit(X)
d, _ = nn.kneighbors(X[idx])
d = d[:, 1:]
m = 1 / np.mean(np.log(d[:, -1:] / d[:, :-1]))
print(json.dumps({"task": "knn_id", "n": len(X), "queries": q, "seconds": time.perf_counter() - t, "m": m}))

# GP: posterior by Cholesky (scipy), hypotheses F = mu + sqrtm(Sigma) Z, MSE, ncx2.fit(floc=0).
from scipy.linalg import cho_factor, cho_solve, eigh
xtr, xte = X[:500], X[500:600]
Ytr, Yte = np.eye(10)[y[:500]], np.eye(10)[y[500:600]]
rbf = lambda a, b: np.exp(-np.maximum((a * a).sum(1)[:, None] + (b * b).sum(1)[None] - 2 * a @ b.T, 0) / (2 * 10.0 ** 2))
t = time.perf_counter()
c = cho_factor(rbf(xtr, xtr))
Kxs = rbf(xtr, xte)
mu = Kxs.T @ cho_solve(c, Ytr)
Sig = rbf(xte, xte) - Kxs.T @ cho_solve(c, Kxs)
post_s = time.perf_counter() - t
w, U = eigh(Sig)
A = U * np.sqrt(np.clip(w, 0, None))
rng = np.random.default_rng(1)
t = time.perf_counter()
L = np.empty(h)
for b in range(0, h, 1000):
    Z = rng.standard_normal((min(1000, h - b), 100, 10))
    F = mu[None] + A @ Z  # batched matmul (BLAS); np.einsum without optimize=True would not use it
    L[b:b + len(Z)] = ((F - Yte[None]) ** 2).mean(axis=(1, 2))
samp_s = time.perf_counter() - t
t = time.perf_counter()
df, nc, loc, sc = stats.ncx2.fit(L, floc=0)
print(json.dumps({"task": "gp", "posterior_seconds": post_s, "hypotheses": h, "sample_seconds": samp_s,
                  "hypotheses_per_second": h / samp_s, "fit_seconds": time.perf_counter() - t, "df": df}))
