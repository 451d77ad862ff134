#!/usr/bin/env python3
"""The transformers warper chain re-implemented in PyTorch from its documented semantics
(generation/logits_process.py: temperature -> top-k -> top-p -> min-p -> typical -> epsilon -> eta,
each on the previous output, filter value -inf), timed on a [batch, vocab] float32 block.
Written for this benchmark (Debian python3-torch); not transformers' code.

usage: warpers.py BATCH VOCAB REPEATS THREADS  -> one line per warper: name median_ms
"""
import math
import sys
import time

import torch

B, V, R, T = (int(a) for a in sys.argv[1:5])
torch.set_num_threads(T)
NEG = -float("inf")


def temperature(s, t):
    return s / t


def top_k(s, k, keep=1):
    k = min(max(k, keep), s.size(-1))
    kth = torch.topk(s, k)[0][..., -1, None]
    return s.masked_fill(s < kth, NEG)


def top_p(s, p, keep=1):
    sorted_s, idx = torch.sort(s, descending=False)
    cum = sorted_s.softmax(-1).cumsum(-1)
    remove = cum <= (1 - p)
    remove[..., -keep:] = False
    return s.masked_fill(remove.scatter(1, idx, remove), NEG)


def min_p(s, p, keep=1):
    probs = s.softmax(-1)
    remove = probs < p * probs.amax(-1, keepdim=True)
    idx = torch.argsort(s, descending=True)
    remove_sorted = torch.gather(remove, 1, idx)
    remove_sorted[..., :keep] = False
    return s.masked_fill(remove_sorted.scatter(1, idx, remove_sorted), NEG)


def typical(s, mass, keep=1):
    logp = s.log_softmax(-1)
    p = logp.exp()
    ent = -(logp * p).nansum(-1, keepdim=True)
    shifted = (-logp - ent).abs()
    sorted_sh, idx = torch.sort(shifted, descending=False)
    cum = s.gather(-1, idx).softmax(-1).cumsum(-1)
    last = (cum < mass).sum(1).clamp(max=s.shape[-1] - 1)
    remove_sorted = sorted_sh > sorted_sh.gather(1, last.view(-1, 1))
    remove_sorted[..., :keep] = 0
    return s.masked_fill(remove_sorted.scatter(1, idx, remove_sorted), NEG)


def epsilon(s, eps, keep=1):
    probs = s.softmax(-1)
    remove = probs < eps
    kth = torch.topk(s, min(keep, s.size(-1)))[0][..., -1, None]
    return s.masked_fill(remove & (s < kth), NEG)


def eta(s, e, keep=1):
    probs = s.softmax(-1)
    ent = torch.distributions.Categorical(logits=s).entropy()
    thr = torch.min(torch.tensor(e), math.sqrt(e) * torch.exp(-ent))[..., None]
    remove = probs < thr
    kth = torch.topk(s, min(keep, s.size(-1)))[0][..., -1, None]
    return s.masked_fill(remove & (s < kth), NEG)


def chain(s):
    s = temperature(s, 0.8)
    s = top_k(s, 50)
    s = top_p(s, 0.9)
    s = min_p(s, 0.05)
    s = typical(s, 0.95)
    s = epsilon(s, 3e-4)
    return eta(s, 3e-4)


g = torch.Generator().manual_seed(0)
x = torch.randn(B, V, generator=g) * 3
cases = [
    ("temperature", lambda s: temperature(s, 0.8)),
    ("top_k(50)", lambda s: top_k(s, 50)),
    ("top_p(0.9)", lambda s: top_p(s, 0.9)),
    ("min_p(0.05)", lambda s: min_p(s, 0.05)),
    ("typical(0.95)", lambda s: typical(s, 0.95)),
    ("epsilon(3e-4)", lambda s: epsilon(s, 3e-4)),
    ("eta(3e-4)", lambda s: eta(s, 3e-4)),
    ("whole chain", chain),
]
for name, f in cases:
    times = []
    for r in range(R + 2):
        t = time.perf_counter()
        out = f(x)
        out.sum().item()
        times.append(time.perf_counter() - t)
    times = sorted(times[2:])
    print("%s\t%.3f" % (name, 1000 * times[len(times) // 2]))
