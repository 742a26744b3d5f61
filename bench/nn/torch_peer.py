#!/usr/bin/env python3
"""PyTorch peer of genlab::nn: the same transformer written with torch ops, used to

  export DIR OUT   write PyTorch's logits, loss, gradients and 10 AdamW step losses for the dump
                   in DIR to OUT (the reference committed in tests/data/nn/<config>/)
  crosscheck DIR   load genlab's saved weights (DIR/model/params/*.npy, DIR/model/config.json)
                   and batch (DIR/tokens.npy, DIR/mask.npy) written by `nn_bench dump`, compute
                   logits, loss, every gradient and 10 AdamW step losses in float64, and print the
                   largest differences from genlab's (DIR/logits.npy, DIR/grads/, DIR/genlab.json)
                   as one JSON line; exits 1 if any exceeds its tolerance (1e-5 relative).
  grok DIR         time to grok: the quick preset's initial weights and split written by
                   `nn_bench grok DIR`, trained full batch in float32 with the same AdamW, test
                   accuracy every 50 updates; prints the update and seconds to >= 99%.
  time CONFIG DTYPE STEPS
                   ms per training step (forward, backward, AdamW) of the benchmark models
                   (nanda: p=113 full batch of 3,830; sort: 2-layer d=128, length 41, batch 64),
                   one JSON line, like `nn_bench time`.

Conventions follow include/genlab/nn/transformer.hpp: weights are [in, out] (y = x @ W), heads
own contiguous column blocks, RoPE pairs (i, i + d_head/2), tempered/log-n scales depend on the
number of keys a query sees.
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch


def sinusoid(T, d):
    pe = np.zeros((T, d))
    for t in range(T):
        for c in range(d):
            f = 10000.0 ** (-(c - c % 2) / d)
            pe[t, c] = math.sin(t * f) if c % 2 == 0 else math.cos(t * f)
    return pe


class Peer(torch.nn.Module):
    def __init__(self, cfg, params):
        super().__init__()
        self.cfg = cfg
        self.names = list(params.keys())
        self.p = torch.nn.ParameterDict({k.replace(".", "__"): torch.nn.Parameter(v) for k, v in params.items()})

    def w(self, name):
        key = name.replace(".", "__")
        return self.p[key] if key in self.p else None

    def scale(self, layer, T, dtype):
        cfg = self.cfg
        dh = cfg["d_model"] // cfg["n_heads"]
        n = torch.arange(1, T + 1, dtype=dtype)
        inv = 1.0 / math.sqrt(dh)
        if cfg["attention_scale"] == "inv_sqrt_d":
            return torch.full((T,), inv, dtype=dtype)
        L = cfg["scale_length"]
        if cfg["attention_scale"] == "log_n":
            return inv * torch.log(n) / math.log(L)
        beta = self.w(f"blocks.{layer}.attn.length_scale")
        out = []
        xs = torch.log(torch.arange(2, L + 1, dtype=dtype))
        xbar = xs.mean()
        for k in range(1, T + 1):
            if k <= L:
                out.append(beta[k - 1])
            else:
                coef = 1.0 / (L - 1) + (xs - xbar) * (math.log(k) - xbar) / ((xs - xbar) ** 2).sum()
                out.append((coef * beta[1:]).sum())
        return inv * torch.stack(out)

    def ln(self, x, w, b):
        return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, self.cfg["ln_eps"])

    def forward(self, tokens, out_mask=None):
        cfg = self.cfg
        B, T = tokens.shape
        d, H = cfg["d_model"], cfg["n_heads"]
        dh = d // H
        x = self.w("embed.W_E")[tokens]
        if cfg["positions"] == "learned":
            x = x + self.w("embed.W_pos")[:T]
        elif cfg["positions"] == "sinusoidal":
            x = x + torch.tensor(sinusoid(T, d), dtype=x.dtype)
        if cfg["positions"] == "rope":
            half = dh // 2
            ang = torch.arange(T, dtype=torch.float64)[:, None] * cfg["rope_base"] ** (
                -2.0 * torch.arange(half, dtype=torch.float64) / dh)
            cos, sin = torch.cos(ang).to(x.dtype), torch.sin(ang).to(x.dtype)

            def rope(m):  # [B, H, T, dh]
                a, b = m[..., :half], m[..., half:]
                return torch.cat([a * cos - b * sin, a * sin + b * cos], dim=-1)
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
        norm = cfg["norm"]
        for l in range(cfg["n_layers"]):
            p = f"blocks.{l}."
            a = self.ln(x, self.w(p + "ln1.w"), self.w(p + "ln1.b")) if norm == "pre" else x

            def proj(name, bias):
                y = a @ self.w(p + name)
                return y + self.w(p + bias) if self.w(p + bias) is not None else y
            q = proj("attn.W_Q", "attn.b_Q").view(B, T, H, dh).transpose(1, 2)
            k = proj("attn.W_K", "attn.b_K").view(B, T, H, dh).transpose(1, 2)
            v = proj("attn.W_V", "attn.b_V").view(B, T, H, dh).transpose(1, 2)
            if cfg["positions"] == "rope":
                q, k = rope(q), rope(k)
            s = (q @ k.transpose(-1, -2)) * self.scale(l, T, x.dtype)[:, None].to(x.dtype)
            s = s.masked_fill(causal, float("-inf"))
            z = torch.softmax(s, dim=-1) @ v
            o = z.transpose(1, 2).reshape(B, T, d) @ self.w(p + "attn.W_O")
            if self.w(p + "attn.b_O") is not None:
                o = o + self.w(p + "attn.b_O")
            m = x + o
            if norm == "post":
                m = self.ln(m, self.w(p + "ln1.w"), self.w(p + "ln1.b"))
            c = self.ln(m, self.w(p + "ln2.w"), self.w(p + "ln2.b")) if norm == "pre" else m
            h = c @ self.w(p + "mlp.W_in")
            if self.w(p + "mlp.b_in") is not None:
                h = h + self.w(p + "mlp.b_in")
            h = torch.relu(h) if cfg["activation"] == "relu" else torch.nn.functional.gelu(h)
            f = h @ self.w(p + "mlp.W_out")
            if self.w(p + "mlp.b_out") is not None:
                f = f + self.w(p + "mlp.b_out")
            y = m + f
            if norm == "post":
                y = self.ln(y, self.w(p + "ln2.w"), self.w(p + "ln2.b"))
            x = y
        if norm == "pre":
            x = self.ln(x, self.w("ln_final.w"), self.w("ln_final.b"))
        if out_mask is not None:
            x = x[out_mask]  # only the graded positions go through the unembedding
        W = self.w("embed.W_E").t() if cfg["tied_embeddings"] else self.w("unembed.W_U")
        logits = x @ W
        if self.w("unembed.b_U") is not None:
            logits = logits + self.w("unembed.b_U")
        return logits


def graded(tokens, mask):
    """Inputs tokens[:, :-1], targets tokens[:, 1:] at positions whose target is graded."""
    inp = tokens[:, :-1]
    sel = mask[:, 1:].astype(bool)
    return torch.from_numpy(inp.astype(np.int64)), torch.from_numpy(sel), torch.from_numpy(tokens[:, 1:][sel].astype(np.int64))


def make_optimizer(model, oc):
    opt = torch.optim.AdamW(model.parameters(), lr=oc["lr"], betas=(oc["beta1"], oc["beta2"]), eps=oc["eps"],
                            weight_decay=oc["weight_decay"], foreach=False)
    w = oc["warmup_steps"]
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / w) if w > 0 else 1.0)
    return opt, sched


class Dump:
    """A model and batch dumped by `nn_bench dump`, run through the PyTorch peer in float64: the
    logits at graded rows, the loss (backpropagated), and what 10 AdamW steps give."""

    def __init__(self, d):
        meta = json.load(open(os.path.join(d, "model", "config.json")))
        self.cfg = meta["model"]
        self.names = [p["name"] for p in meta["parameters"]]
        self.params = {n: torch.from_numpy(np.load(os.path.join(d, "model", "params", n + ".npy")).astype(np.float64))
                       for n in self.names}
        self.ref = json.load(open(os.path.join(d, "genlab.json")))
        tokens, mask = np.load(os.path.join(d, "tokens.npy")), np.load(os.path.join(d, "mask.npy"))
        self.inp, self.sel, self.tgt = graded(tokens, mask)
        self.model = Peer(self.cfg, self.params)
        self.logits = self.model(self.inp, self.sel)
        self.loss = torch.nn.functional.cross_entropy(self.logits, self.tgt)
        self.loss.backward()

    def grad(self, name):
        return self.model.w(name).grad.numpy()

    def step_losses(self, steps=10):
        """Losses of `steps` AdamW updates from the same weights (global-norm clipping as genlab)."""
        model = Peer(self.cfg, {k: v.clone() for k, v in self.params.items()})
        oc = self.ref["optimizer"]
        opt, sched = make_optimizer(model, oc)
        losses = []
        for _ in range(steps):
            opt.zero_grad()
            l = torch.nn.functional.cross_entropy(model(self.inp, self.sel), self.tgt)
            l.backward()
            if oc["grad_clip"] > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), oc["grad_clip"])
            opt.step()
            sched.step()
            losses.append(l.item())
        return losses


def crosscheck(d):
    run = Dump(d)
    g_logits = np.load(os.path.join(d, "logits.npy"))
    out = {"config": os.path.basename(os.path.normpath(d))}
    lt = run.logits.detach().numpy()
    out["logits_max_rel"] = float(np.abs(lt - g_logits).max() / np.abs(lt).max())
    out["loss_rel"] = abs(run.loss.item() - run.ref["loss"]) / abs(run.loss.item())
    worst, worst_name = 0.0, ""
    # b_K's gradient vanishes identically without RoPE (softmax is shift invariant): tensor norms
    # are floored at 1e-6 of the whole gradient's norm so rounding noise is not called an error.
    total = math.sqrt(sum(float((run.grad(n) ** 2).sum()) for n in run.names))
    for name in run.names:
        g, gg = run.grad(name), np.load(os.path.join(d, "grads", name + ".npy"))
        rel = float(np.linalg.norm(g - gg) / max(np.linalg.norm(g), 1e-6 * total))
        if rel > worst:
            worst, worst_name = rel, name
    out["grad_max_rel"] = worst
    out["grad_worst_tensor"] = worst_name
    losses = run.step_losses()
    out["step_losses_max_rel"] = max(abs(a - b) / abs(a) for a, b in zip(losses, run.ref["step_losses"]))
    out["torch_step_losses"] = losses
    ok = out["logits_max_rel"] <= 1e-5 and out["loss_rel"] <= 1e-5 and worst <= 1e-5 and out["step_losses_max_rel"] <= 1e-5
    out["ok"] = ok
    print(json.dumps(out))
    return 0 if ok else 1


def export(d, out_dir):
    """PyTorch's logits, loss, gradients (float32, in genlab's parameter order) and 10 AdamW step
    losses for the dumped model in d, written to out_dir as the committed reference that
    tests/nn/pytorch_reference_test.cpp compares genlab against."""
    run = Dump(d)
    os.makedirs(out_dir, exist_ok=True)
    np.save(os.path.join(out_dir, "logits.npy"), run.logits.detach().numpy().astype(np.float64))
    grads = [run.grad(n).reshape(-1) for n in run.names]
    np.save(os.path.join(out_dir, "grads_f32.npy"), np.concatenate(grads).astype(np.float32))
    json.dump({"producer": "bench/nn/torch_peer.py export, torch " + torch.__version__ + ", float64",
               "loss": run.loss.item(), "step_losses": run.step_losses(), "parameters": run.names,
               "sizes": [int(g.size) for g in grads]},
              open(os.path.join(out_dir, "reference.json"), "w"), indent=1)
    print("exported PyTorch reference to", out_dir)
    return 0


def grok(d, max_steps=2000):
    meta = json.load(open(os.path.join(d, "model", "config.json")))
    names = [p["name"] for p in meta["parameters"]]
    params = {n: torch.from_numpy(np.load(os.path.join(d, "model", "params", n + ".npy")).astype(np.float32)) for n in names}
    model = Peer(meta["model"], params)
    oc = json.load(open(os.path.join(d, "optimizer.json")))
    opt, sched = make_optimizer(model, oc)
    tr = graded(np.load(os.path.join(d, "train_tokens.npy")), np.load(os.path.join(d, "train_mask.npy")))
    te = graded(np.load(os.path.join(d, "test_tokens.npy")), np.load(os.path.join(d, "test_mask.npy")))
    t0 = time.perf_counter()
    acc, step = 0.0, 0
    for step in range(max_steps + 1):
        if step % 50 == 0:
            with torch.no_grad():
                acc = (model(te[0], te[1]).argmax(-1) == te[2]).double().mean().item()
            if acc >= 0.99 or step == max_steps:
                break
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(tr[0], tr[1]), tr[2])
        loss.backward()
        if oc["grad_clip"] > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), oc["grad_clip"])
        opt.step()
        sched.step()
    sec = time.perf_counter() - t0
    print(json.dumps({"impl": "torch " + torch.__version__, "threads": torch.get_num_threads(),
                      "grok_step": step if acc >= 0.99 else None, "test_accuracy": acc, "seconds": sec}))
    return 0


def time_steps(which, dtype, steps):
    dt = torch.float32 if dtype == "float" else torch.float64
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    if which == "nanda":
        p = 113
        cfg = dict(vocab_size=p + 1, max_seq_len=3, n_layers=1, d_model=128, n_heads=4, d_mlp=512, activation="relu",
                   norm="none", positions="learned", attention_scale="inv_sqrt_d", scale_length=20, attn_bias=False,
                   mlp_bias=True, unembed_bias=False, tied_embeddings=False, ln_eps=1e-5, rope_base=10000.0)
        pairs = rng.permutation(p * p)[: int(0.3 * p * p)]
        a, b = pairs // p, pairs % p
        tokens = np.stack([a, b, np.full_like(a, p), (a + b) % p], axis=1)
        batches = [tokens]
    else:
        cfg = dict(vocab_size=101, max_seq_len=40, n_layers=2, d_model=128, n_heads=4, d_mlp=512, activation="gelu",
                   norm="pre", positions="none", attention_scale="inv_sqrt_d", scale_length=20, attn_bias=True,
                   mlp_bias=True, unembed_bias=False, tied_embeddings=False, ln_eps=1e-5, rope_base=10000.0)
        x = rng.integers(0, 100, size=(64 * 8, 20))
        tokens = np.concatenate([x, np.full((64 * 8, 1), 100), np.sort(x, axis=1)], axis=1)
        batches = [tokens[i * 64:(i + 1) * 64] for i in range(8)]
    d, f, V = cfg["d_model"], cfg["d_mlp"], cfg["vocab_size"]
    shapes = {"embed.W_E": (V, d)}
    if cfg["positions"] == "learned":
        shapes["embed.W_pos"] = (cfg["max_seq_len"], d)
    for l in range(cfg["n_layers"]):
        p_ = f"blocks.{l}."
        if cfg["norm"] != "none":
            shapes.update({p_ + "ln1.w": (d,), p_ + "ln1.b": (d,), p_ + "ln2.w": (d,), p_ + "ln2.b": (d,)})
        for n in "QKVO":
            shapes[p_ + "attn.W_" + n] = (d, d)
            if cfg["attn_bias"]:
                shapes[p_ + "attn.b_" + n] = (d,)
        shapes.update({p_ + "mlp.W_in": (d, f), p_ + "mlp.W_out": (f, d)})
        if cfg["mlp_bias"]:
            shapes.update({p_ + "mlp.b_in": (f,), p_ + "mlp.b_out": (d,)})
    if cfg["norm"] == "pre":
        shapes.update({"ln_final.w": (d,), "ln_final.b": (d,)})
    shapes["unembed.W_U"] = (d, V)
    params = {k: torch.randn(s, dtype=dt) / math.sqrt(d) for k, s in shapes.items()}
    model = Peer(cfg, params)
    opt, _ = make_optimizer(model, dict(lr=1e-3, beta1=0.9, beta2=0.98, eps=1e-8, weight_decay=1.0, warmup_steps=10))
    mask = np.zeros_like(batches[0])
    mask[:, -1 if which == "nanda" else -20:] = 1

    def step(i):
        inp, sel, tgt = graded(batches[i % len(batches)], mask)
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(inp, sel), tgt)
        loss.backward()
        opt.step()
        return loss.item()
    for i in range(3):
        step(i)
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(steps):
        last = step(i)
    sec, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"impl": "torch " + torch.__version__, "config": which, "scalar": "float32" if dt == torch.float32 else "float64",
                      "batch": int(batches[0].shape[0]), "steps": steps, "ms_per_step": 1e3 * sec / steps, "cpu_ms_per_step": 1e3 * cpu / steps,
                      "threads": torch.get_num_threads(), "last_loss": last}))
    return 0


if __name__ == "__main__":
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", torch.get_num_threads())))
    if len(sys.argv) == 4 and sys.argv[1] == "export":
        sys.exit(export(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 3 and sys.argv[1] == "crosscheck":
        sys.exit(crosscheck(sys.argv[2]))
    if len(sys.argv) in (3, 4) and sys.argv[1] == "grok":
        sys.exit(grok(sys.argv[2], int(sys.argv[3]) if len(sys.argv) == 4 else 2000))
    if len(sys.argv) == 5 and sys.argv[1] == "time":
        sys.exit(time_steps(sys.argv[2], sys.argv[3], int(sys.argv[4])))
    print(__doc__)
    sys.exit(2)
