#!/usr/bin/env python3
"""Exports a Hugging Face causal LM to the model contracts of Sampleforge's `generate` job.

  python3 export_hf_causal_lm.py SRC OUT [--formats torchscript,torchscript-cached,onnx,onnx-cached]

SRC is a local model folder (config.json + weights, optionally tokenizer.json) that
transformers' AutoModelForCausalLM loads; nothing is downloaded. Needs torch and transformers
(tested with torch 2.11 / transformers 5.17; onnx + onnxruntime for the ONNX formats). OUT gets:

  model.pt          TorchScript, uncached: forward(input_ids int64 [B, T]) -> logits float32 [B, T, V]
  model_cached.pt   TorchScript, cached:   forward(input_ids [B, T], past float32 [L, 2, B, H, P, D],
                                                   past_len int64 []) -> (logits [B, T, V],
                                                   present [L, 2, B, H, P+T, D]); P may be 0
  model.onnx        ONNX, uncached: input "input_ids" -> output "logits" (dynamic batch and length)
  model_cached.onnx ONNX, cached: inputs "input_ids", "past", "past_len" -> "logits", "present"
  tokenizer.json    copied from SRC when present
  sampleforge.json  the generate job's model keys (vocab_size, layers, heads, head_dim, context,
                    bos_id, eos_ids) and the largest |difference| found by the checks below

bos_id is the start-of-sequence id the tokenizer's own post-processor adds (what transformers'
tokenizer(prompt) gives generate(): <s> for Llama, nothing for GPT-2), since the job encodes
prompts without special tokens and prepends bos_id itself; --bos-id overrides it (-1 = none).
eos_ids come from generation_config.json when SRC has one, else from config.json. ONNX models
over 2 GB keep their weights in external data files beside model.onnx; give such a folder to the
job as a local path (the Hadoop URI fetch copies single files).

H is the number of key/value heads (grouped-query attention keeps fewer than query heads). The
wrappers give the model an explicit additive causal mask, position ids and cache positions
computed with tensor operations only, so one trace serves every batch size, length and past
length. Every exported file is checked before it is written: the exported module is run at
shapes other than the traced ones and must match the Hugging Face model's own forward (and its
own incremental decoding, for the cached contracts) within --tolerance; a format that fails the
check is reported and not written, and the script exits 1.
"""
import argparse
import json
import os
import shutil
import sys

import torch
from torch import nn
from transformers import AutoModelForCausalLM, DynamicCache


def load(src):
    try:
        model = AutoModelForCausalLM.from_pretrained(src, dtype=torch.float32, attn_implementation="eager")
    except TypeError:  # transformers < 4.56 names it torch_dtype
        model = AutoModelForCausalLM.from_pretrained(src, torch_dtype=torch.float32, attn_implementation="eager")
    return model.eval().cpu()


def geometry(cfg):
    layers = cfg.num_hidden_layers
    q_heads = cfg.num_attention_heads
    kv_heads = getattr(cfg, "num_key_value_heads", None) or q_heads
    head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // q_heads
    context = getattr(cfg, "max_position_embeddings", None) or getattr(cfg, "n_positions", 0) or 0
    return layers, kv_heads, head_dim, context


def positions(input_ids, past_len):
    """[B, T] absolute positions past_len .. past_len+T-1, from tensor operations only."""
    return torch.ones_like(input_ids).cumsum(1) - 1 + past_len


def additive_mask(input_ids, past, past_len, dtype):
    """[1, 1, T, P+T] additive causal mask (0 where a query may look, the dtype's minimum elsewhere)."""
    q = positions(input_ids[:1], past_len)[0]
    k_past = torch.ones_like(past[0, 0, 0, 0, :, 0], dtype=torch.long)
    k = torch.cat([k_past, torch.ones_like(input_ids[0])]).cumsum(0) - 1
    blocked = k.view(1, -1) > q.view(-1, 1)
    return (blocked.to(dtype) * torch.finfo(dtype).min).view(1, 1, blocked.shape[0], blocked.shape[1])


def new_cache(config):
    try:
        return DynamicCache(config=config)
    except TypeError:
        return DynamicCache()


def cache_tensors(cache, layers):
    if hasattr(cache, "layers"):  # transformers >= 4.56
        return [(cache.layers[i].keys, cache.layers[i].values) for i in range(layers)]
    return [(cache.key_cache[i], cache.value_cache[i]) for i in range(layers)]


class Cached(nn.Module):
    def __init__(self, model, layers):
        super().__init__()
        self.model = model
        self.layers = layers

    def forward(self, input_ids, past, past_len):
        cache = new_cache(self.model.config)
        for i in range(self.layers):
            cache.update(past[i, 0], past[i, 1], i)
        pos = positions(input_ids, past_len)
        mask = additive_mask(input_ids, past, past_len, torch.float32)
        out = self.model(input_ids=input_ids, attention_mask=mask, position_ids=pos, cache_position=pos[0],
                         past_key_values=cache, use_cache=True)
        present = torch.stack([torch.stack([k, v]) for k, v in cache_tensors(out.past_key_values, self.layers)])
        return out.logits, present


class Uncached(nn.Module):
    def __init__(self, model, layers, kv_heads, head_dim):
        super().__init__()
        self.model = model
        self.shape = (layers, 2, kv_heads, head_dim)

    def forward(self, input_ids):
        l, two, h, d = self.shape
        empty = torch.zeros(l, two, input_ids.shape[0], h, 0, d)
        pos = positions(input_ids, torch.tensor(0))
        mask = additive_mask(input_ids, empty, torch.tensor(0), torch.float32)
        return self.model(input_ids=input_ids, attention_mask=mask, position_ids=pos, use_cache=False).logits


def ids(batch, length, vocab, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, vocab, (batch, length), generator=g)


@torch.no_grad()
def reference_step(model, prefix, step):
    """The HF model's own incremental decoding: logits of `step` after `prefix`, and the cache."""
    first = model(input_ids=prefix, use_cache=True)
    out = model(input_ids=step, past_key_values=first.past_key_values, use_cache=True)
    return out.logits


@torch.no_grad()
def check_uncached(run, model, vocab):
    worst = 0.0
    for b, t, seed in [(1, 1, 1), (2, 9, 2), (3, 17, 3)]:
        x = ids(b, t, vocab, seed)
        worst = max(worst, (run(x) - model(input_ids=x).logits).abs().max().item())
    return worst


@torch.no_grad()
def check_cached(run, model, vocab, geom):
    layers, h, d, _ = geometry(model.config)
    worst = 0.0
    for b, p, t, seed in [(1, 0, 4, 4), (2, 7, 1, 5), (3, 11, 3, 6)]:
        prefix = ids(b, p if p > 0 else t, vocab, seed)
        if p == 0:
            logits, present = run(prefix, torch.zeros(layers, 2, b, h, 0, d), torch.tensor(0))
            worst = max(worst, (logits - model(input_ids=prefix).logits).abs().max().item())
            continue
        _, past = run(prefix, torch.zeros(layers, 2, b, h, 0, d), torch.tensor(0))
        step = ids(b, t, vocab, seed + 100)
        logits, present = run(step, past, torch.tensor(p))
        worst = max(worst, (logits - reference_step(model, prefix, step)).abs().max().item())
        if present.shape != (layers, 2, b, h, p + t, d):
            raise AssertionError(f"present has shape {tuple(present.shape)}, expected {(layers, 2, b, h, p + t, d)}")
    return worst


def export_torchscript(wrapper, example, path):
    with torch.no_grad():
        traced = torch.jit.trace(wrapper, example, check_trace=False, strict=False)
    traced.save(path)
    return torch.jit.load(path)


def export_onnx(wrapper, example, path, names, outputs, dynamic):
    with torch.no_grad():
        try:
            torch.onnx.export(wrapper, example, path, input_names=names, output_names=outputs, dynamic_axes=dynamic,
                              opset_version=17, dynamo=False)
        except TypeError:  # torch without the dynamo switch
            torch.onnx.export(wrapper, example, path, input_names=names, output_names=outputs, dynamic_axes=dynamic,
                              opset_version=17)
    import onnx
    m = onnx.load(path, load_external_data=False)  # weights of models over 2 GB stay in their external files
    m.ir_version = min(m.ir_version, 8)  # readable by older ONNX Runtime releases (DJL 0.36 ships 1.21)
    onnx.save(m, path)
    import onnxruntime as ort
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])

    def run(*args):
        feeds = {n: a.numpy() for n, a in zip(names, args)}
        res = session.run(outputs, feeds)
        return tuple(torch.from_numpy(r) for r in res) if len(res) > 1 else torch.from_numpy(res[0])
    return run


def tokenizer_bos(path):
    """The id the tokenizer's post-processor puts before the text, or -1 (also without tokenizer.json)."""
    if not os.path.exists(path):
        return -1
    from tokenizers import Tokenizer
    t = Tokenizer.from_file(path)
    plain = t.encode("a", add_special_tokens=False).ids
    full = t.encode("a", add_special_tokens=True).ids
    return full[0] if len(full) > len(plain) and full[len(full) - len(plain):] == plain else -1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--formats", default="torchscript,torchscript-cached,onnx,onnx-cached")
    ap.add_argument("--tolerance", type=float, default=1e-4)
    ap.add_argument("--bos-id", type=int, default=None,
                    help="start-of-sequence id the job prepends to prompts (default: what the tokenizer adds; -1 = none)")
    a = ap.parse_args(argv)
    torch.manual_seed(0)
    model = load(a.src)
    cfg = model.config
    layers, kv_heads, head_dim, context = geometry(cfg)
    vocab = cfg.vocab_size
    os.makedirs(a.out, exist_ok=True)
    uncached = Uncached(model, layers, kv_heads, head_dim).eval()
    cached = Cached(model, layers).eval()
    ex_u = (ids(2, 5, vocab, 0),)
    ex_c = (ids(2, 3, vocab, 0), torch.randn(layers, 2, 2, kv_heads, 4, head_dim), torch.tensor(4))
    checks, failed = {}, []
    for fmt in [f.strip() for f in a.formats.split(",") if f.strip()]:
        path = os.path.join(a.out, {"torchscript": "model.pt", "torchscript-cached": "model_cached.pt",
                                    "onnx": "model.onnx", "onnx-cached": "model_cached.onnx"}[fmt])
        try:
            if fmt == "torchscript":
                diff = check_uncached(export_torchscript(uncached, ex_u, path), model, vocab)
            elif fmt == "torchscript-cached":
                diff = check_cached(export_torchscript(cached, ex_c, path), model, vocab, None)
            elif fmt == "onnx":
                run = export_onnx(uncached, ex_u, path, ["input_ids"], ["logits"],
                                  {"input_ids": {0: "batch", 1: "length"}, "logits": {0: "batch", 1: "length"}})
                diff = check_uncached(run, model, vocab)
            elif fmt == "onnx-cached":
                run = export_onnx(cached, ex_c, path, ["input_ids", "past", "past_len"], ["logits", "present"],
                                  {"input_ids": {0: "batch", 1: "length"}, "past": {2: "batch", 4: "past"},
                                   "logits": {0: "batch", 1: "length"}, "present": {2: "batch", 4: "total"}})
                diff = check_cached(run, model, vocab, None)
            else:
                raise ValueError(f"unknown format {fmt!r}")
        except Exception as e:  # noqa: BLE001 - report every format, write only the ones that pass
            diff, err = float("inf"), repr(e)
            print(f"{fmt}: export or check failed: {err[:500]}", file=sys.stderr)
        ok = diff <= a.tolerance
        checks[fmt] = diff
        print(f"{fmt:20s} max |diff| vs transformers = {diff:.3g} -> {'ok' if ok else 'FAILED'}")
        if not ok:
            failed.append(fmt)
            if os.path.exists(path):
                os.remove(path)
    tok = os.path.join(a.src, "tokenizer.json")
    if os.path.exists(tok):
        shutil.copy(tok, os.path.join(a.out, "tokenizer.json"))
    gen = getattr(model, "generation_config", None)
    eos = gen.eos_token_id if gen is not None and gen.eos_token_id is not None else cfg.eos_token_id
    eos = eos if isinstance(eos, list) else [eos] if eos is not None else []
    bos = a.bos_id if a.bos_id is not None else tokenizer_bos(tok)
    meta = {"vocab_size": vocab, "layers": layers, "heads": kv_heads, "head_dim": head_dim, "context": context,
            "bos_id": bos, "eos_ids": eos,
            "architecture": (cfg.architectures or [type(model).__name__])[0], "max_abs_diff": checks,
            "torch": torch.__version__, "transformers": __import__("transformers").__version__}
    with open(os.path.join(a.out, "sampleforge.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
