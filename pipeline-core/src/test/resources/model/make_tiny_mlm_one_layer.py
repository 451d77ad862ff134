#!/usr/bin/env python3
"""A one-layer masked LM with seeded random weights (untrained), exported uncached (model.pt) and,
by make_masked_cached.py, under the cached masked contract (model_cached.pt): the fixture on which
Fast-dLLM's prefix and dual caches are exact. In one layer the keys/values of a position depend
only on its token and position, and within a block neither the prefix (committed tokens) nor the
suffix (masks) changes, so a cached window's logits equal the full forward's and a cached sampler
must reproduce the uncached one token for token (CachedParallelDecodingTest). Architecture and
parameter names are make_toy_mlm.py's MaskedLm with LAYERS = 1, width 32; vocabulary 45 with mask
id 44 as toy_mlm. Debian python3-torch, CPU, seconds:

  /usr/bin/python3 make_tiny_mlm_one_layer.py && /usr/bin/python3 make_masked_cached.py tiny_mlm_one_layer
"""
import json
import math
import os

import torch
from torch import nn

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny_mlm_one_layer")
os.makedirs(here, exist_ok=True)
torch.manual_seed(41)
V, D, H, LAYERS, T, MASK = 45, 32, 4, 1, 16, 44


class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.out = nn.Linear(4 * d, d)
        self.d, self.h, self.hd = d, h, d // h

    def forward(self, x):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(self.d, dim=2)
        q = q.view(b, t, self.h, self.hd).transpose(1, 2)
        k = k.view(b, t, self.h, self.hd).transpose(1, 2)
        v = v.view(b, t, self.h, self.hd).transpose(1, 2)
        att = ((q @ k.transpose(-2, -1)) / math.sqrt(self.hd)).softmax(-1)
        x = x + self.proj((att @ v).transpose(1, 2).reshape(b, t, self.d))
        return x + self.out(torch.nn.functional.gelu(self.fc(self.ln2(x))))


class MaskedLm(nn.Module):
    def __init__(self, vocab, d, h, layers, context):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(context, d)
        self.blocks = nn.ModuleList([Block(d, h) for _ in range(layers)])
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab)

    def forward(self, input_ids):
        t = input_ids.shape[1]
        x = self.tok(input_ids) + self.pos(torch.arange(t, device=input_ids.device).view(1, t))
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.ln(x))


model = MaskedLm(V, D, H, LAYERS, T)
with torch.no_grad():
    model.head.weight.mul_(8.0)  # peaked conditionals: confidences spread over (0, 1), few near-ties
model.eval()
torch.jit.script(model).save(os.path.join(here, "model.pt"))
json.dump({"vocab_size": V, "mask_id": MASK, "eos_id": 2, "length": T, "layers": LAYERS, "heads": H, "width": D,
           "time_conditioned": False, "trained": False, "seed": 41, "head_scale": 8.0, "torch": torch.__version__},
          open(os.path.join(here, "config.json"), "w"), indent=1)
