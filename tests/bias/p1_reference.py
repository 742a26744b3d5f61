"""Independent 50-digit recomputation (mpmath) of the P1 numbers used in complexity_test.cpp.

Formulas: Boopathy et al., "Model-agnostic Measure of Generalization Difficulty", ICML 2023, §3,
as implemented in FieteLab/inductive-bias-complexity task_difficulty.py difficulty().
Run: .venv-bench/bin/python tests/bias/p1_reference.py  (not needed by the C++ tests).
"""
import mpmath as mp

mp.mp.dps = 50


def difficulty(eps, n, m, R, P, delta, D, B, floor_k=False):
    eps, n, m, R, P, delta, D, B = map(mp.mpf, (eps, n, m, R, P, delta, D, B))
    M = 2 * mp.pi * R / delta
    K = (mp.sqrt((m - 1) ** 2 + 4 * M ** 2) - (m - 1)) / 2
    if floor_k:
        K = mp.floor(K)
    E = mp.binomial(m + K, m) + mp.binomial(m + K - 1, m)
    Lf = K * mp.sqrt(D) / R
    S = 2 * mp.pi ** ((m + 1) / 2) / mp.gamma((m + 1) / 2)
    W = mp.sqrt(m / 6) * R * (P * S / n) ** (1 / m)
    dq = 2 * D * P * E - n * D
    lt = mp.log(B * mp.sqrt(D) * mp.sqrt(P) * Lf * W / eps, 2)
    return dict(M=M, K=K, E=E, Lf=Lf, W=W, dq=dq, lt=lt, I=dq * lt)


def rl(m, D, n, delta, eps):
    m, D, n, delta, eps = map(mp.mpf, (m, D, n, delta, eps))
    V = mp.pi ** (m / 2) * (2 * mp.pi / delta) ** m / mp.gamma(m / 2 + 1)
    lt = mp.log(4 * mp.pi ** 2 / mp.sqrt(6), 2) + mp.log(D, 2) + mp.log(m, 2) / 2 - mp.log(delta, 2) - mp.log(n, 2) / m - mp.log(eps, 2)
    return D * (2 * V - n) * lt


rows = {
    "MNIST": (0.001, 60000, 14, 17.179045827183984, 10, 2.3987084824335305),
    "SVHN": (0.01, 73257, 19, 53.86932485133339, 10, 1.5766998174969105),
    "CIFAR10": (0.01, 50000, 27, 54.9156786783691, 10, 2.7506414616587023),
    "ImageNet": (0.1, 1280901, 48, 943.5923, 1000, 65),
}
for name, (eps, n, m, R, k, delta) in rows.items():
    r = difficulty(eps, n, m, R, k, delta, k - 1, 1)
    print(name, {key: mp.nstr(v, 17) for key, v in r.items()})
print("MNIST floored K", mp.nstr(difficulty(*rows["MNIST"][:5], rows["MNIST"][5], 9, 1, floor_k=True)["I"], 17))
print("V2", {k: mp.nstr(v, 17) for k, v in difficulty(0.1, 10, 2, 1, 2, mp.pi, 1, 1).items()})
print("V3", {k: mp.nstr(v, 17) for k, v in difficulty(0.05, 100, 3, 2, 3, 0.5, 2, 1).items()})
for T in range(1, 6):
    print("cartpole", T, mp.nstr(rl(2 * T, 1, 1e4, 1e-3, 1e-3), 17))
for name, m, D in (("Reacher", 6, 2), ("Hopper", 15, 4), ("HalfCheetah", 17, 6)):
    print(name, mp.nstr(rl(m, D, 1e6, 1e-3, 1e-3), 17))
# Omniglot 20-way 1-shot
R = mp.mpf("49.4064773081425") * mp.sqrt(20)
delta = mp.mpf("5.477225575051661")
m0, m1 = 22, 29
# dim_g uses the single-image radius (R before the sqrt(20) scaling): this reproduces dim_g = 7.9383e20
M0 = 2 * mp.pi * (R / mp.sqrt(20)) / delta
K0 = (mp.sqrt((m0 - 1) ** 2 + 4 * M0 ** 2) - (m0 - 1)) / 2
E0 = mp.binomial(m0 + K0, m0) + mp.binomial(m0 + K0 - 1, m0)
dim_g = 2 * 20 * 19 * E0
for n in (mp.mpf("6.98e40"), 1, mp.mpf("1e30")):
    r = difficulty(0.01, n, m1 + 19 * m0, R, 1, delta, dim_g, mp.sqrt(380))
    print("omniglot n=", mp.nstr(n, 5), "dim_g", mp.nstr(dim_g, 17), {k: mp.nstr(v, 17) for k, v in r.items()})
