"""PyTorch peer of bench/sample/mlp_gpu_bench.cu on the same GPU: many small MLPs trained at once
the way a PyTorch user would batch them (parameters as (B, out, in) tensors, torch.baddbmm,
autograd, torch.optim.Adam with fused=True over all networks — Adam is elementwise, so one
optimizer over the batch is B independent Adams), same configuration (d = 16, 64 train / 256
test points, k = 10, width 32, depth 1, full-batch Adam, lr 1e-2), timed with CUDA
synchronisation. Prints "figure:" lines like the C++ bench.
Usage: python3 mlp_torch_peer.py [networks] [epochs]"""
import sys
import time

import torch


def train(batch, sizes, xtr, ytr, xte, yte, epochs, dtype, dev, gen):
    ws, bs = [], []
    for i in range(len(sizes) - 1):
        bound = sizes[i] ** -0.5
        ws.append(((torch.rand(batch, sizes[i + 1], sizes[i], device=dev, dtype=dtype, generator=gen) * 2 - 1) * bound).requires_grad_())
        bs.append(((torch.rand(batch, sizes[i + 1], 1, device=dev, dtype=dtype, generator=gen) * 2 - 1) * bound).requires_grad_())
    opt = torch.optim.Adam(ws + bs, lr=1e-2, betas=(0.9, 0.999), eps=1e-8, fused=True)

    def forward(x):
        h = x.expand(batch, -1, -1)
        for i in range(len(ws)):
            h = torch.baddbmm(bs[i], ws[i], h)
            if i + 1 < len(ws):
                h = torch.relu(h)
        return h

    for _ in range(epochs):
        opt.zero_grad(set_to_none=True)
        loss = ((forward(xtr) - ytr) ** 2).mean(dim=(1, 2)).sum()
        loss.backward()
        opt.step()
    with torch.no_grad():
        otr, ote = forward(xtr), forward(xte)
        train_mse = ((otr - ytr) ** 2).mean(dim=(1, 2))
        test_mse = ((ote - yte) ** 2).mean(dim=(1, 2))
        test_err = (ote.argmax(dim=1) != yte.argmax(dim=0)).to(dtype).mean(dim=1)
    return train_mse, test_mse, test_err


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 16384
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    dev = torch.device("cuda")
    gen = torch.Generator(device=dev).manual_seed(1)
    d, k, ntr, nte, width = 16, 10, 64, 256, 32
    sizes = [d, width, width, k]
    for dtype, name in ((torch.float64, "double"), (torch.float32, "float")):
        xtr = torch.randn(d, ntr, device=dev, dtype=dtype, generator=gen)
        xte = torch.randn(d, nte, device=dev, dtype=dtype, generator=gen)
        ytr = torch.nn.functional.one_hot(torch.arange(ntr, device=dev) % k, k).T.to(dtype)
        yte = torch.nn.functional.one_hot(torch.arange(nte, device=dev) % k, k).T.to(dtype)
        batch = min(n, 4096)
        train(batch, sizes, xtr, ytr, xte, yte, 2, dtype, dev, gen)  # warm-up
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        done = 0
        while done < n:
            m = min(batch, n - done)
            train(m, sizes, xtr, ytr, xte, yte, epochs, dtype, dev, gen)
            done += m
        torch.cuda.synchronize()
        rate = n / (time.perf_counter() - t0)
        print(f"figure: torch_mlp_train_{name} = {rate:.4g} networks/s (batches of {batch})")


if __name__ == "__main__":
    main()
