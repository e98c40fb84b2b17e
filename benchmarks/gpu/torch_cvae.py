#!/usr/bin/env python3
"""The harness's CVAE in PyTorch eager, for side-by-side timings on the same machine.

Same model as the harness (SPEC.md): encoder 794->512->ReLU->2L, prior 10->128->ReLU->2L,
decoder (L+10)->512->ReLU->784->sigmoid, L=20; loss = mean MSE + w_KL * sum KL / B; Adam.
The dataset sits on the device for the whole run (as the harness does), shuffled by
torch.randperm each epoch; no per-step .item() (that would only slow PyTorch down).

Prints one line per epoch: epoch, seconds, train loss, test loss; and a JSON summary.
"""
import argparse, gzip, json, os, statistics, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    if magic == 0x803:
        n = int.from_bytes(data[4:8], "big")
        return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, 784)
    n = int.from_bytes(data[4:8], "big")
    return np.frombuffer(data, dtype=np.uint8, offset=8)


def find(d, name):
    for cand in (name, name + ".gz"):
        p = os.path.join(d, cand)
        if os.path.exists(p):
            return p
    sys.exit(f"{d}: no {name}[.gz]")


class CVAE(nn.Module):
    def __init__(self, latent=20):
        super().__init__()
        self.latent = latent
        self.enc = nn.Sequential(nn.Linear(794, 512), nn.ReLU(), nn.Linear(512, 2 * latent))
        self.prior = nn.Sequential(nn.Linear(10, 128), nn.ReLU(), nn.Linear(128, 2 * latent))
        self.dec = nn.Sequential(nn.Linear(latent + 10, 512), nn.ReLU(), nn.Linear(512, 784), nn.Sigmoid())

    def forward(self, x, y):
        mu, ls = self.enc(torch.cat([x, y], 1)).chunk(2, 1)
        pmu, pls = self.prior(y).chunk(2, 1)
        z = mu + ls.exp() * torch.randn_like(mu)
        xh = self.dec(torch.cat([z, y], 1))
        kl = (pls - ls + ((2 * ls).exp() + (mu - pmu) ** 2) / (2 * (2 * pls).exp()) - 0.5).sum(1)
        return xh, kl


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--kl-weight", type=float, default=1e-5)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    dev = torch.device(args.device)
    torch.manual_seed(0)
    Xtr = torch.tensor(idx(find(args.data, "train-images-idx3-ubyte")), dtype=torch.float32, device=dev) / 255
    Ytr = F.one_hot(torch.tensor(idx(find(args.data, "train-labels-idx1-ubyte")).astype(np.int64), device=dev), 10).float()
    Xte = torch.tensor(idx(find(args.data, "t10k-images-idx3-ubyte")), dtype=torch.float32, device=dev) / 255
    Yte = F.one_hot(torch.tensor(idx(find(args.data, "t10k-labels-idx1-ubyte")).astype(np.int64), device=dev), 10).float()
    model = CVAE().to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    n, B, w = Xtr.shape[0], args.batch_size, args.kl_weight
    times, rows = [], []
    for epoch in range(args.epochs):
        if dev.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        perm = torch.randperm(n, device=dev)
        total = torch.zeros((), device=dev)
        for s in range(0, n, B):
            idxs = perm[s:s + B]
            x, y = Xtr[idxs], Ytr[idxs]
            xh, kl = model(x, y)
            loss = F.mse_loss(xh, x) + w * kl.sum() / x.shape[0]
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.detach() * x.shape[0]
        if dev.type == "cuda":
            torch.cuda.synchronize()
        secs = time.perf_counter() - t0
        with torch.no_grad():
            tl = 0.0
            for s in range(0, Xte.shape[0], 1000):
                xh, kl = model(Xte[s:s + 1000], Yte[s:s + 1000])
                tl += (F.mse_loss(xh, Xte[s:s + 1000], reduction="sum") / 784 + w * kl.sum()).item()
        times.append(secs)
        rows.append({"epoch": epoch, "seconds": secs, "train_loss": total.item() / n, "test_loss": tl / Xte.shape[0]})
        print(f"epoch {epoch}  {secs:.3f} s  train {rows[-1]['train_loss']:.6f}  test {rows[-1]['test_loss']:.6f}", flush=True)
    steady = times[1:] if len(times) > 1 else times
    print(json.dumps({"torch": torch.__version__, "device": torch.cuda.get_device_name(0) if dev.type == "cuda" else "cpu",
                      "batch_size": B, "median_epoch_s_after_first": statistics.median(steady), "epochs": rows}))


if __name__ == "__main__":
    main()
