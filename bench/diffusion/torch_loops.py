#!/usr/bin/env python3
"""PyTorch re-implementations of LLaDA's generate() (ML-GSAI/LLaDA generate.py: low_confidence
remasking, float64 Gumbel noise, top-k transfer per the floor(M/s) + [i < M mod s] schedule, one block)
and MDLM's ancestral loop (kuleshov-group/mdlm diffusion.py: log-linear schedule, q(v) = p(v)(t - s),
q(mask) = s, here with float64 categorical draws and without ddpm_cache), run on the same TorchScript
masked-LM fixture as the Java side, B fully masked rows of length 16, median of R runs.
Prints name, median ms, model calls per run, ms per call (tab-separated).
   torch_loops.py MODEL_PT BATCH REPEATS THREADS"""
import statistics
import sys
import time

import torch

path, B, R, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
model = torch.jit.load(path).eval()
L, MASK = 16, 44


def logits_of(x):
    out = model(x).to(torch.float64)
    out[..., MASK] = -float("inf")      # SUBS: the mask column is never a prediction
    return out


def transfer_counts(masks, steps):
    base, rem = divmod(masks, steps)
    return [base + (1 if i < rem else 0) for i in range(steps)]


def llada(steps=16, temperature=1.0):
    x = torch.full((B, L), MASK, dtype=torch.long)
    counts = transfer_counts(L, steps)
    for i in range(steps):
        mask_index = x == MASK
        logits = logits_of(x)
        noise = torch.rand_like(logits)
        gumbel = (-torch.log(noise)) ** temperature
        x0 = torch.argmax(logits.exp() / gumbel, dim=-1)
        p = torch.softmax(logits, dim=-1)
        x0_p = torch.gather(p, -1, x0.unsqueeze(-1)).squeeze(-1)
        x0 = torch.where(mask_index, x0, x)
        confidence = torch.where(mask_index, x0_p, torch.tensor(-float("inf"), dtype=torch.float64))
        transfer = torch.zeros_like(x0, dtype=torch.bool)
        for j in range(B):
            _, chosen = torch.topk(confidence[j], k=counts[i])
            transfer[j, chosen] = True
        x[transfer] = x0[transfer]
    return x, steps


def mdlm(steps=16, eps=1e-5):
    x = torch.full((B, L), MASK, dtype=torch.long)
    ts = torch.linspace(1, eps, steps + 1, dtype=torch.float64)
    for i in range(steps):
        t, s = ts[i].item(), ts[i + 1].item()
        p_x0 = torch.softmax(logits_of(x), dim=-1)
        q = p_x0 * (t - s)
        q[..., MASK] = s
        u = torch.rand_like(q)
        draw = torch.argmax(q / -torch.log(u), dim=-1)     # exponential race in float64
        x = torch.where(x != MASK, x, draw)
    return x, steps


for name, loop in [("LLaDA low_confidence, 16 steps, T=1", llada), ("MDLM ancestral, 16 steps, no cache", mdlm)]:
    times = []
    calls = 0
    for r in range(R + 2):
        torch.manual_seed(r)
        start = time.perf_counter()
        with torch.no_grad():
            _, calls = loop()
        if r >= 2:
            times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    print(f"{name}\t{median:.2f}\t{calls}\t{median / calls:.3f}", flush=True)
