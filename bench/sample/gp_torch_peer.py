"""PyTorch peer of bench/sample/gp_gpu_bench.cu on the same GPU: the GP prediction path
(F = mu + A Z, MSE and argmax error per hypothesis) and the eigenbasis MSE path, written the way a
PyTorch user would, timed with CUDA synchronisation. Prints "figure:" lines like the C++ bench.
Usage: python3 gp_torch_peer.py [N_t] [k] [hypotheses]"""
import sys
import time

import torch


def main():
    nt = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 65536
    dev = torch.device("cuda")
    g = torch.Generator(device=dev).manual_seed(1)
    for dtype, name in ((torch.float64, "double"), (torch.float32, "float")):
        b = torch.randn(nt, nt, device=dev, dtype=torch.float64, generator=g)
        cov = b @ b.T / nt + 0.05 * torch.eye(nt, device=dev, dtype=torch.float64)
        lam, u = torch.linalg.eigh(cov)
        a = (u * lam.clamp(min=0).sqrt()).to(dtype)
        sl = lam.clamp(min=0).sqrt().to(dtype)
        mean = torch.zeros(nt, k, device=dev, dtype=dtype)
        labels = torch.arange(nt, device=dev) % k
        y = torch.nn.functional.one_hot(labels, k).to(dtype)
        d = (u.T.to(dtype) @ (mean - y))
        batch = max(1, 8192 // k)

        def predict(count):
            out_mse, out_err = [], []
            for s in range(0, count, batch):
                m = min(batch, count - s)
                z = torch.randn(nt, m * k, device=dev, dtype=dtype, generator=g)
                f = (a @ z).view(nt, m, k) + mean[:, None, :]
                out_mse.append(((f - y[:, None, :]) ** 2).mean(dim=(0, 2)))
                out_err.append((f.argmax(dim=2) != labels[:, None]).to(dtype).mean(dim=0))
            torch.cuda.synchronize()
            return torch.cat(out_mse), torch.cat(out_err)

        def eigen(count):
            out = []
            big = max(1, (1 << 24) // (nt * k))
            for s in range(0, count, big):
                m = min(big, count - s)
                z = torch.randn(m, nt, k, device=dev, dtype=dtype, generator=g)
                out.append(((sl[None, :, None] * z + d[None]) ** 2).mean(dim=(1, 2)))
            torch.cuda.synchronize()
            return torch.cat(out)

        predict(batch)
        t0 = time.perf_counter()
        predict(n)
        rate = n / (time.perf_counter() - t0)
        print(f"figure: torch_gp_predict_{name} = {rate:.4g} hypotheses/s "
              f"({rate * 2 * nt * nt * k / 1e12:.2f} TFLOP/s)")
        if dtype == torch.float32:  # the same GEMMs on the tensor cores (TF32), as GpuOptions::allow_tf32
            torch.backends.cuda.matmul.allow_tf32 = True
            predict(batch)
            t0 = time.perf_counter()
            predict(n)
            rate = n / (time.perf_counter() - t0)
            torch.backends.cuda.matmul.allow_tf32 = False
            print(f"figure: torch_gp_predict_float_tf32 = {rate:.4g} hypotheses/s "
                  f"({rate * 2 * nt * nt * k / 1e12:.2f} TFLOP/s)")
        eigen(1024)
        t0 = time.perf_counter()
        eigen(4 * n)
        rate = 4 * n / (time.perf_counter() - t0)
        print(f"figure: torch_gp_eigen_mse_{name} = {rate:.4g} hypotheses/s")


if __name__ == "__main__":
    main()
