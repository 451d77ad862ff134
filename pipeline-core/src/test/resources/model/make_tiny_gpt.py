#!/usr/bin/python3
"""Builds the TorchScript test fixtures of Sampleforge's CausalLm contract with Debian's python3-torch:
a tiny GPT-style decoder (2 layers, 2 heads, width 32, vocabulary 64, context 32; fixed seed, random
weights), exported twice:

  tiny_gpt.pt         forward(input_ids: int64 [B, T]) -> logits float32 [B, T, V]   (no cache)
  tiny_gpt_cached.pt  forward(input_ids: int64 [B, T], past: float32 [L, 2, B, H, P, D], past_len: int64 [])
                      -> (logits float32 [B, T, V], present float32 [L, 2, B, H, P+T, D])
                      (P may be 0: pass an empty [L, 2, B, H, 0, D] tensor and past_len 0 on the first call)

and reference logits for fixed inputs (reference_logits.json). Run: /usr/bin/python3 make_tiny_gpt.py
"""
import json
import math
import os

import torch
from torch import nn

here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(1234)
V, D, H, L, CTX = 64, 32, 2, 2, 32
HD = D // H


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D)
        self.qkv = nn.Linear(D, 3 * D)
        self.proj = nn.Linear(D, D)
        self.ln2 = nn.LayerNorm(D)
        self.fc = nn.Linear(D, 4 * D)
        self.out = nn.Linear(4 * D, D)
        self.d = D
        self.h = H
        self.hd = HD

    def forward(self, x, past_k, past_v, start: int):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(self.d, dim=2)
        q = q.view(b, t, self.h, self.hd).transpose(1, 2)
        k = k.view(b, t, self.h, self.hd).transpose(1, 2)
        v = v.view(b, t, self.h, self.hd).transpose(1, 2)
        k = torch.cat([past_k, k], dim=2)
        v = torch.cat([past_v, v], dim=2)
        total = k.shape[2]
        att = (q @ k.transpose(-2, -1)) / math.sqrt(self.hd)
        qpos = torch.arange(t).view(t, 1) + start
        kpos = torch.arange(total).view(1, total)
        att = att.masked_fill(kpos > qpos, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, self.d)
        x = x + self.proj(y)
        x = x + self.out(torch.nn.functional.gelu(self.fc(self.ln2(x))))
        return x, k, v


class TinyGpt(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(V, D)
        self.pos = nn.Embedding(CTX, D)
        self.blocks = nn.ModuleList([Block() for _ in range(L)])
        self.ln = nn.LayerNorm(D)
        self.head = nn.Linear(D, V, bias=False)

    def step(self, input_ids, past, past_len):
        b, t = input_ids.shape
        start = int(past_len)
        x = self.tok(input_ids) + self.pos(torch.arange(start, start + t).view(1, t))
        presents = []
        for i, blk in enumerate(self.blocks):
            x, k, v = blk(x, past[i, 0], past[i, 1], start)
            presents.append(torch.stack([k, v]))
        return self.head(self.ln(x)), torch.stack(presents)


class Uncached(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m
        self.layers = L
        self.h = H
        self.hd = HD

    def forward(self, input_ids):
        b = input_ids.shape[0]
        empty = torch.zeros(self.layers, 2, b, self.h, 0, self.hd)
        return self.m.step(input_ids, empty, torch.tensor(0))[0]


class Cached(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, past, past_len):
        return self.m.step(input_ids, past, past_len)


model = TinyGpt().eval()
with torch.no_grad():
    ids = torch.tensor([[1, 5, 9, 2, 7, 3], [4, 4, 8, 1, 0, 6]], dtype=torch.int64)
    uncached = torch.jit.script(Uncached(model))
    cached = torch.jit.script(Cached(model))
    uncached.save(os.path.join(here, "tiny_gpt.pt"))
    cached.save(os.path.join(here, "tiny_gpt_cached.pt"))
    logits = uncached(ids)
    # cached: the first 4 tokens at once, then one at a time; the last positions must match
    past = torch.zeros(L, 2, 2, H, 0, HD)
    l1, past = cached(ids[:, :4], past, torch.tensor(0))
    l2, past = cached(ids[:, 4:5], past, torch.tensor(4))
    assert torch.allclose(l2[:, 0], logits[:, 4], atol=1e-5)
    json.dump({"input_ids": ids.tolist(), "logits": logits.tolist(), "vocab": V, "torch": torch.__version__},
              open(os.path.join(here, "reference_logits.json"), "w"))
print("wrote tiny_gpt.pt, tiny_gpt_cached.pt, reference_logits.json with torch", torch.__version__)
