#!/usr/bin/env python3
"""Trains a small masked (bidirectional) LM on the toy grammar with the absorbing-state objective of
masked diffusion (MDLM, Sahoo et al. 2024: mask each position with probability t, t ~ U(0, 1) per
row; cross-entropy on the masked positions) and exports it to TorchScript for ExportedMaskedDenoiser
(Debian python3-torch; fixed seeds, CPU, about a minute):

  java -cp <test classpath> io.sampleforge.text.ToyCorpusDump 20000 1 > /tmp/toy.txt
  ${PYTHON:-python3} make_toy_mlm.py /tmp/toy.txt

Contract of toy_mlm/model.pt:

  forward(input_ids int64 [B, T]) -> logits float32 [B, T, V],  T <= 16, V = 45

no time input (time-agnostic), no attention mask (every position sees every position). Ids: the
toy_gpt vocabulary (0 <unk>, 1 <s>, 2 </s>, then the grammar's sorted words, 3 '.' .. 43 'with')
plus 44 <mask>. A training row is a sentence of at most 15 words followed by </s> up to T = 16, so
a sample reads up to its first </s>. Writes toy_mlm/model.pt, toy_mlm/tokenizer.json (WordLevel,
<mask> included), toy_mlm/config.json (sizes, ids, training numbers) and toy_mlm/reference.json
(the logits PyTorch computes for fixed inputs).
"""
import json
import math
import time
import os
import sys

import torch
from torch import nn

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "toy_mlm")
os.makedirs(here, exist_ok=True)
torch.manual_seed(17)
torch.set_num_threads(1)
sentences = [line.split() for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
words = sorted({w for s in sentences for w in s})
vocab = ["<unk>", "<s>", "</s>"] + words + ["<mask>"]
ids = {w: i for i, w in enumerate(vocab)}
EOS, MASK = 2, len(vocab) - 1
V, D, H, LAYERS, T = len(vocab), 64, 4, 2, 16


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
        # bidirectional: no causal mask
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


rows = [[ids[w] for w in s] + [EOS] * (T - len(s)) for s in sentences if len(s) <= T - 1]
data = torch.tensor(rows, dtype=torch.long)
held = data[:1000]
train = data[1000:]
model = MaskedLm(V, D, H, LAYERS, T)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
g = torch.Generator().manual_seed(23)
steps, batch = 3000, 64


def masked_loss(x, generator):
    t = torch.rand(x.shape[0], 1, generator=generator)
    masked = torch.rand(x.shape, generator=generator) < t
    masked[:, 0] |= ~masked.any(1)  # at least one masked position per row
    logits = model(torch.where(masked, torch.full_like(x, MASK), x))
    return nn.functional.cross_entropy(logits[masked], x[masked])


for step in range(steps):
    x = train[torch.randint(0, len(train), (batch,), generator=g)]
    loss = masked_loss(x, g)
    opt.zero_grad()
    loss.backward()
    opt.step()
    for group in opt.param_groups:
        group["lr"] = 3e-3 * (1 - step / steps)
    if step % 250 == 0:
        print("step", step, "loss", round(loss.item(), 4), "cpu", round(time.process_time(), 1), flush=True)
model.eval()
with torch.no_grad():
    held_loss = masked_loss(held, torch.Generator().manual_seed(29)).item()
print("final train loss", loss.item(), "held-out masked loss", held_loss, "vocab", V, "rows", len(rows))

scripted = torch.jit.script(model)
scripted.save(os.path.join(here, "model.pt"))
M = MASK
inputs = torch.tensor([
    [M] * T,
    [ids["the"], M, M, ids["sees"], M, M, ids["."]] + [EOS] * (T - 7),
    [ids["many"], ids["cats"], M, M, M, M, M, M, M, M, M, M, M, M, M, M],
    [M, M, ids["dog"], M, M, M, M, ids["."], M, M, M, M, EOS, EOS, EOS, EOS],
], dtype=torch.long)
with torch.no_grad():
    ref = scripted(inputs)
json.dump({"input_ids": inputs.tolist(), "logits": [[[round(v, 6) for v in pos] for pos in row] for row in ref.tolist()],
           "vocab": V, "mask_id": MASK, "torch": torch.__version__},
          open(os.path.join(here, "reference.json"), "w"))
tokenizer = {
    "version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
    "pre_tokenizer": {"type": "WhitespaceSplit"}, "post_processor": None, "decoder": None,
    "model": {"type": "WordLevel", "vocab": {w: i for i, w in enumerate(vocab)}, "unk_token": "<unk>"},
}
json.dump(tokenizer, open(os.path.join(here, "tokenizer.json"), "w"), indent=1)
json.dump({"vocab_size": V, "mask_id": MASK, "eos_id": EOS, "length": T, "layers": LAYERS, "heads": H, "width": D,
           "time_conditioned": False, "training_rows": len(train), "steps": steps, "batch": batch,
           "final_loss": round(loss.item(), 4), "held_out_masked_loss": round(held_loss, 4), "torch": torch.__version__},
          open(os.path.join(here, "config.json"), "w"), indent=1)
