#!/usr/bin/env python3
"""Trains a small GPT-style decoder on the toy grammar and exports it for the generate job
(Debian python3-torch; fixed seeds, CPU, a few minutes):

  java -cp <test classpath> io.sampleforge.text.ToyCorpusDump 20000 1 > /tmp/toy.txt
  ${PYTHON:-python3} make_toy_gpt.py /tmp/toy.txt

Writes toy_gpt/model.pt (uncached contract), toy_gpt/model_cached.pt (cached contract; see
ExportedLm), toy_gpt/tokenizer.json (a Hugging Face WordLevel tokenizer with a whitespace
pre-tokenizer: ids 0 <unk>, 1 <s>, 2 </s>, then the sorted words) and toy_gpt/config.json.
"""
import json
import os
import sys

import torch
from torch import nn

from gpt_contract import Cached, Gpt, Uncached

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "toy_gpt")
os.makedirs(here, exist_ok=True)
torch.manual_seed(7)
torch.set_num_threads(2)
sentences = [line.split() for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
words = sorted({w for s in sentences for w in s})
vocab = ["<unk>", "<s>", "</s>"] + words
ids = {w: i for i, w in enumerate(vocab)}
V, D, H, L, CTX = len(vocab), 64, 4, 2, 40
HD = D // H

seqs = [[1] + [ids[w] for w in s] + [2] for s in sentences]
seqs = [s[:CTX] for s in seqs]
model = Gpt(V, D, H, L, CTX)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
g = torch.Generator().manual_seed(11)
steps, batch = 1200, 64
for step in range(steps):
    pick = torch.randint(0, len(seqs), (batch,), generator=g).tolist()
    width = max(len(seqs[i]) for i in pick)
    x = torch.full((batch, width), 2, dtype=torch.long)
    y = torch.full((batch, width), -100, dtype=torch.long)
    for r, i in enumerate(pick):
        s = torch.tensor(seqs[i])
        x[r, : len(s)] = s
        y[r, : len(s) - 1] = s[1:]
    empty = torch.zeros(L, 2, batch, H, 0, HD)
    logits = model.step(x, empty, torch.tensor(0))[0]
    loss = nn.functional.cross_entropy(logits.reshape(-1, V), y.reshape(-1), ignore_index=-100)
    opt.zero_grad()
    loss.backward()
    opt.step()
    for group in opt.param_groups:
        group["lr"] = 3e-3 * (1 - step / steps)
    if step % 200 == 0:
        print("step", step, "loss", round(loss.item(), 4))
model.eval()
torch.jit.script(Uncached(model)).save(os.path.join(here, "model.pt"))
torch.jit.script(Cached(model)).save(os.path.join(here, "model_cached.pt"))
tokenizer = {
    "version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
    "pre_tokenizer": {"type": "WhitespaceSplit"}, "post_processor": None, "decoder": None,
    "model": {"type": "WordLevel", "vocab": {w: i for i, w in enumerate(vocab)}, "unk_token": "<unk>"},
}
json.dump(tokenizer, open(os.path.join(here, "tokenizer.json"), "w"), indent=1)
json.dump({"vocab_size": V, "layers": L, "heads": H, "head_dim": HD, "context": CTX, "bos_id": 1, "eos_id": 2,
           "final_loss": round(loss.item(), 4), "torch": torch.__version__},
          open(os.path.join(here, "config.json"), "w"), indent=1)
print("final loss", loss.item(), "vocab", V)
