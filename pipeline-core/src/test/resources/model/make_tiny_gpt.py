#!/usr/bin/env python3
"""Builds the TorchScript test fixtures of Sampleforge's CausalLm contract with Debian's python3-torch:
a tiny GPT-style decoder (2 layers, 2 heads, width 32, vocabulary 64, context 32; fixed seed, random
weights), exported twice:

  tiny_gpt.pt         forward(input_ids: int64 [B, T]) -> logits float32 [B, T, V]   (no cache)
  tiny_gpt_cached.pt  forward(input_ids: int64 [B, T], past: float32 [L, 2, B, H, P, D], past_len: int64 [])
                      -> (logits float32 [B, T, V], present float32 [L, 2, B, H, P+T, D])
                      (P may be 0: pass an empty [L, 2, B, H, 0, D] tensor and past_len 0 on the first call)

and reference logits for fixed inputs (reference_logits.json). Run: ${PYTHON:-python3} make_tiny_gpt.py
"""
import json
import os

import torch

from gpt_contract import Cached, Gpt, Uncached

here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(1234)
V, D, H, L, CTX = 64, 32, 2, 2, 32
HD = D // H

model = Gpt(V, D, H, L, CTX).eval()
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
