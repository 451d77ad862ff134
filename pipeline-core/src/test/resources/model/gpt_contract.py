"""A small GPT-style decoder in the two TorchScript contracts of Sampleforge's ExportedLm
(shared by make_tiny_gpt.py and make_toy_gpt.py; run with Debian's python3-torch):

  Uncached.forward(input_ids int64 [B, T]) -> logits float32 [B, T, V]
  Cached.forward(input_ids int64 [B, T], past float32 [L, 2, B, H, P, D], past_len int64 [])
      -> (logits [B, T, V], present [L, 2, B, H, P+T, D])
"""
import math

import torch
from torch import nn


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

    def forward(self, x, past_k, past_v, start: int):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(self.d, dim=2)
        q = q.view(b, t, self.h, self.hd).transpose(1, 2)
        k = torch.cat([past_k, k.view(b, t, self.h, self.hd).transpose(1, 2)], dim=2)
        v = torch.cat([past_v, v.view(b, t, self.h, self.hd).transpose(1, 2)], dim=2)
        total = k.shape[2]
        att = (q @ k.transpose(-2, -1)) / math.sqrt(self.hd)
        qpos = torch.arange(t).view(t, 1) + start
        att = att.masked_fill(torch.arange(total).view(1, total) > qpos, float("-inf")).softmax(-1)
        x = x + self.proj((att @ v).transpose(1, 2).reshape(b, t, self.d))
        return x + self.out(torch.nn.functional.gelu(self.fc(self.ln2(x)))), k, v


class Gpt(nn.Module):
    def __init__(self, vocab, d, h, layers, context):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(context, d)
        self.blocks = nn.ModuleList([Block(d, h) for _ in range(layers)])
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.layers, self.h, self.hd = layers, h, d // h

    def step(self, input_ids, past, past_len):
        b, t = input_ids.shape
        start = int(past_len)
        x = self.tok(input_ids) + self.pos(torch.arange(start, start + t).view(1, t))
        presents = []
        for i, blk in enumerate(self.blocks):
            x, k, v = blk(x, past[i, 0], past[i, 1], start)
            presents.append(torch.stack([k, v]))
        return self.head(self.ln(x)), torch.stack(presents)

    def empty_past(self, batch):
        return torch.zeros(self.layers, 2, batch, self.h, 0, self.hd)


class Uncached(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m
        self.layers, self.h, self.hd = m.layers, m.h, m.hd

    def forward(self, input_ids):
        empty = torch.zeros(self.layers, 2, input_ids.shape[0], self.h, 0, self.hd)
        return self.m.step(input_ids, empty, torch.tensor(0))[0]


class Cached(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, past, past_len):
        return self.m.step(input_ids, past, past_len)
