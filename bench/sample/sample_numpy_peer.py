"""numpy peer of bench/sample/sample_bench.cpp: the same hypothesis sampling written the way a
numpy user would (batched over hypotheses where numpy allows). Prints "name rate" lines
(hypotheses per second)."""
import time

import numpy as np


def rate(n, f):
    f(max(1, n // 10))
    t0 = time.perf_counter()
    f(n)
    return n / (time.perf_counter() - t0)


def main():
    rng = np.random.default_rng(1)
    n = 1024
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    a @ b
    t0 = time.perf_counter()
    for _ in range(5):
        a @ b
    print(f"numpy_gemm_1024_gflops {2 * n**3 * 5 / (time.perf_counter() - t0) / 1e9:.2f}")

    nt, k = 256, 10
    bm = rng.standard_normal((nt, nt))
    cov = bm @ bm.T / nt + 0.05 * np.eye(nt)
    lam, u = np.linalg.eigh(cov)
    A = u * np.sqrt(np.clip(lam, 0, None))
    sl = np.sqrt(np.clip(lam, 0, None))
    mean = np.zeros((nt, k))
    labels = np.arange(nt) % k
    y = np.eye(k)[labels]
    d = u.T @ (mean - y)

    def gp_predict(count, batch=64):
        out = []
        for s in range(0, count, batch):
            m = min(batch, count - s)
            z = rng.standard_normal((nt, m * k))
            f = (A @ z).reshape(nt, m, k) + mean[:, None, :]
            mse = ((f - y[:, None, :]) ** 2).mean(axis=(0, 2))
            err = (f.argmax(axis=2) != labels[:, None]).mean(axis=0)
            out.append((mse, err))
        return out

    def gp_eigen(count, batch=1024):
        out = []
        for s in range(0, count, batch):
            m = min(batch, count - s)
            z = rng.standard_normal((m, nt, k))
            out.append(((sl[None, :, None] * z + d[None]) ** 2).mean(axis=(1, 2)))
        return out

    print(f"gp_predict {rate(20000, gp_predict):.4g}")
    print(f"gp_eigen_mse {rate(100000, gp_eigen):.4g}")

    ntr, nte, dim, D = 64, 256, 16, 256
    xtr, xte = rng.standard_normal((ntr, dim)), rng.standard_normal((nte, dim))
    ytr, yte = np.eye(k)[np.arange(ntr) % k], np.eye(k)[np.arange(nte) % k]

    def rf(count):
        for _ in range(count):
            om = rng.standard_normal((D, dim))
            beta = rng.uniform(0, 2 * np.pi, D)
            th = rng.standard_normal((D, k))
            ptr = np.sqrt(2 / D) * np.cos(xtr @ om.T + beta)
            pte = np.sqrt(2 / D) * np.cos(xte @ om.T + beta)
            g = ptr @ ptr.T
            g[np.diag_indices_from(g)] += 1e-10 * g.diagonal().mean()
            th = th + ptr.T @ np.linalg.solve(g, ytr - ptr @ th)
            o = pte @ th
            ((o - yte) ** 2).mean(), (o.argmax(1) != yte.argmax(1)).mean()

    print(f"random_features_interp {rate(4000, rf):.4g}")

    def mlp(count, width=32, epochs=100, lr=1e-2):
        sizes = [dim, width, width, k]
        for _ in range(count):
            ws = [rng.uniform(-1, 1, (sizes[i + 1], sizes[i])) / np.sqrt(sizes[i]) for i in range(3)]
            bs = [rng.uniform(-1, 1, sizes[i + 1]) / np.sqrt(sizes[i]) for i in range(3)]
            params = ws + bs
            m1 = [np.zeros_like(p) for p in params]
            m2 = [np.zeros_like(p) for p in params]
            x, yt = xtr.T, ytr.T
            for t in range(1, epochs + 1):
                acts, pres = [x], []
                for l in range(3):
                    z = ws[l] @ acts[-1] + bs[l][:, None]
                    pres.append(z)
                    acts.append(np.maximum(z, 0) if l < 2 else z)
                delta = 2 * (acts[-1] - yt) / yt.size
                gw, gb = [None] * 3, [None] * 3
                for l in (2, 1, 0):
                    gw[l] = delta @ acts[l].T
                    gb[l] = delta.sum(1)
                    if l:
                        delta = (ws[l].T @ delta) * (pres[l - 1] > 0)
                for i, gr in enumerate(gw + gb):
                    m1[i] = 0.9 * m1[i] + 0.1 * gr
                    m2[i] = 0.999 * m2[i] + 0.001 * gr * gr
                    params[i] -= lr * (m1[i] / (1 - 0.9**t)) / (np.sqrt(m2[i] / (1 - 0.999**t)) + 1e-8)
            h = xte.T
            for l in range(3):
                h = ws[l] @ h + bs[l][:, None]
                h = np.maximum(h, 0) if l < 2 else h
            ((h - yte.T) ** 2).mean()

    print(f"mlp_train100 {rate(400, mlp):.4g}")


if __name__ == "__main__":
    main()
