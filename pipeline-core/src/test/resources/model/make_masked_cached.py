#!/usr/bin/env python3
"""Exports the cached form of a toy masked LM (toy_mlm/, toy_mlm_long/): Fast-dLLM's block-wise prefix
and dual KV caches (Wu et al. 2025, "Fast-dLLM", generate_with_prefix_cache / generate_with_dual_cache)
in the contract "masked-kv-v1" (docs/diffusion.md, "Masked model export contract"):

  forward(input_ids int64 [B, W], start int64 [] (0-dim), past float32 [N, 2, B, H, L, D])
      -> (logits float32 [B, W, V], present float32 [N, 2, B, H, L, D])

The window holds the tokens at absolute positions [start, start + W) of rows of length L. At every
layer the window's fresh keys/values replace past[i, 0/1] at [start, start + W), and the window's
queries attend (bidirectionally) over all L positions of that updated K/V; present is past with
those replacements. start = 0, W = L, past = zeros is the full forward ("refresh").

Usage (Debian's python3-torch 1.13, CPU; seconds):

  OMP_NUM_THREADS=1 /usr/bin/python3 make_masked_cached.py <fixture-dir>

Reads <fixture-dir>/model.pt (the uncached TorchScript export of make_toy_mlm.py's MaskedLm, left
unchanged) and <fixture-dir>/config.json (heads), copies the weights into the cached module below
(the same architecture), scripts and checks it, and writes <fixture-dir>/model_cached.pt,
<fixture-dir>/cached_reference.json (the logits and drift numbers a Java test compares with) and the
key "cache" of <fixture-dir>/config.json (other keys unchanged).
"""
import json
import math
import os
import sys

import torch
from torch import nn

CONTRACT = "masked-kv-v1"
TOL = 1e-5


class CachedBlock(nn.Module):
    """make_toy_mlm.py's Block (pre-LayerNorm, bidirectional attention, GELU MLP), with the window's
    fresh K/V written over the cached K/V at [start, start + W) before attending over all L positions."""

    def __init__(self, d: int, h: int):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.out = nn.Linear(4 * d, d)
        self.d, self.h, self.hd = d, h, d // h

    def forward(self, x, past_k, past_v, start: int):
        b, w, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(self.d, dim=2)
        q = q.view(b, w, self.h, self.hd).transpose(1, 2)
        k = k.view(b, w, self.h, self.hd).transpose(1, 2)
        v = v.view(b, w, self.h, self.hd).transpose(1, 2)
        keys = torch.cat([past_k[:, :, :start], k, past_k[:, :, start + w:]], dim=2)
        values = torch.cat([past_v[:, :, :start], v, past_v[:, :, start + w:]], dim=2)
        att = ((q @ keys.transpose(-2, -1)) / math.sqrt(self.hd)).softmax(-1)
        x = x + self.proj((att @ values).transpose(1, 2).reshape(b, w, self.d))
        return x + self.out(torch.nn.functional.gelu(self.fc(self.ln2(x)))), keys, values


class CachedMaskedLm(nn.Module):
    """make_toy_mlm.py's MaskedLm (same parameter names, so model.pt's state_dict loads strictly)."""

    def __init__(self, vocab: int, d: int, h: int, layers: int, context: int):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(context, d)
        self.blocks = nn.ModuleList([CachedBlock(d, h) for _ in range(layers)])
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab)
        self.layers, self.h, self.hd, self.context = layers, h, d // h, context

    def forward(self, input_ids, start, past):
        b, w = input_ids.shape
        s = int(start)
        if past.dim() != 6:
            raise RuntimeError("past must be [N, 2, B, H, L, D], got " + str(past.dim()) + " dims")
        n, two, pb, ph, length, pd = past.shape
        if n != self.layers or two != 2 or pb != b or ph != self.h or pd != self.hd:
            raise RuntimeError("past shape " + str(past.shape) + " does not match [N=" + str(self.layers) + ", 2, B="
                               + str(b) + ", H=" + str(self.h) + ", L, D=" + str(self.hd) + "]")
        if length > self.context or s < 0 or s + w > length:
            raise RuntimeError("window [" + str(s) + ", " + str(s + w) + ") must lie in [0, L) with L = "
                               + str(length) + " <= " + str(self.context))
        x = self.tok(input_ids) + self.pos(torch.arange(s, s + w, device=input_ids.device).view(1, w))
        presents = []
        for i, blk in enumerate(self.blocks):
            x, k, v = blk(x, past[i, 0], past[i, 1], s)
            presents.append(torch.stack([k, v]))
        return self.head(self.ln(x)), torch.stack(presents)


def functional_reference(sd, heads, ids):
    """An independent eager forward over the state_dict: (logits [B, L, V], [(K, V) per layer])."""
    f = torch.nn.functional
    b, length = ids.shape
    d = sd["tok.weight"].shape[1]
    hd = d // heads
    x = sd["tok.weight"][ids] + sd["pos.weight"][:length].unsqueeze(0)
    kvs = []
    i = 0
    while "blocks.%d.qkv.weight" % i in sd:
        p = "blocks.%d." % i
        y = f.layer_norm(x, (d,), sd[p + "ln1.weight"], sd[p + "ln1.bias"])
        qkv = y @ sd[p + "qkv.weight"].t() + sd[p + "qkv.bias"]
        q, k, v = (t.reshape(b, length, heads, hd).permute(0, 2, 1, 3) for t in qkv.split(d, dim=2))
        kvs.append((k, v))
        att = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(hd), dim=-1)
        a = (att @ v).permute(0, 2, 1, 3).reshape(b, length, d)
        x = x + a @ sd[p + "proj.weight"].t() + sd[p + "proj.bias"]
        y = f.layer_norm(x, (d,), sd[p + "ln2.weight"], sd[p + "ln2.bias"])
        x = x + f.gelu(y @ sd[p + "fc.weight"].t() + sd[p + "fc.bias"]) @ sd[p + "out.weight"].t() + sd[p + "out.bias"]
        i += 1
    x = f.layer_norm(x, (d,), sd["ln.weight"], sd["ln.bias"])
    return x @ sd["head.weight"].t() + sd["head.bias"], kvs


def close(a, b, what, tol=TOL):
    diff = (a - b).abs().max().item() if a.numel() else 0.0
    assert a.shape == b.shape, "%s: shape %s != %s" % (what, tuple(a.shape), tuple(b.shape))
    assert diff <= tol, "%s: max |diff| %.3g > %g" % (what, diff, tol)
    return diff


def softmax_no_mask(logits, mask_id):
    keep = [c for c in range(logits.shape[-1]) if c != mask_id]
    return torch.softmax(logits[..., keep].double(), dim=-1)


def drift(window_logits, exact_logits, changed_ids, mask_id):
    """Drift of cached logits from the exact full forward of the changed rows, at the given positions."""
    tv = 0.5 * (softmax_no_mask(window_logits, mask_id) - softmax_no_mask(exact_logits, mask_id)).abs().sum(-1)
    masked = changed_ids == mask_id
    return {"max_abs_logit_diff": round((window_logits.double() - exact_logits.double()).abs().max().item(), 6),
            "mean_tv": round(tv.mean().item(), 6),
            "mean_tv_masked": round(tv[masked].mean().item(), 6) if masked.any() else None,
            "positions": int(tv.numel()), "masked_positions": int(masked.sum().item())}


def rounded(t):
    return [[[round(v, 6) for v in pos] for pos in row] for row in t.tolist()]


def main(fixture):
    uncached = torch.jit.load(os.path.join(fixture, "model.pt"))
    uncached.eval()
    config_path = os.path.join(fixture, "config.json")
    config = json.load(open(config_path, encoding="utf-8"))
    sd = {k: v.detach().clone() for k, v in uncached.state_dict().items()}
    vocab, d = sd["tok.weight"].shape
    context = sd["pos.weight"].shape[0]
    layers = len([k for k in sd if k.startswith("blocks.") and k.endswith(".qkv.weight")])
    heads, mask_id = config["heads"], config["mask_id"]
    assert layers == config["layers"] and d == config["width"] and vocab == config["vocab_size"], config
    head_dim = d // heads
    module = CachedMaskedLm(vocab, d, heads, layers, context)
    module.load_state_dict(sd, strict=True)
    module.eval()
    cached = torch.jit.script(module)
    out_path = os.path.join(fixture, "model_cached.pt")
    cached.save(out_path)
    cached = torch.jit.load(out_path)  # check the file as written
    cached.eval()
    g = torch.Generator().manual_seed(31)
    zero = torch.tensor(0, dtype=torch.long)

    def past0(b, length):
        return torch.zeros(layers, 2, b, heads, length, head_dim)

    def call(ids, start, past):
        logits, present = cached(ids, torch.tensor(start, dtype=torch.long), past)
        assert logits.dtype == torch.float32 and present.dtype == torch.float32
        assert tuple(logits.shape) == (ids.shape[0], ids.shape[1], vocab), logits.shape
        assert present.shape == past.shape, (present.shape, past.shape)
        return logits, present

    def random_rows(b, length):
        ids = torch.randint(3, vocab - 1, (b, length), generator=g)
        ids[torch.rand(b, length, generator=g) < 0.5] = mask_id
        return ids

    lengths = sorted({1, 5, min(16, context), min(64, context), context})
    worst = {"full": 0.0, "kv": 0.0, "window": 0.0}
    with torch.no_grad():
        for length in lengths:
            for b in ((1, 3) if length <= 256 else (1, 2)):
                ids = random_rows(b, length)
                ref = uncached(ids)
                # (a) the full forward equals model.pt's forward, and present holds every position's K/V
                full, present = call(ids, 0, past0(b, length))
                worst["full"] = max(worst["full"], close(full, ref, "full forward L=%d B=%d" % (length, b)))
                fl, kvs = functional_reference(sd, heads, ids)
                close(fl, ref, "functional reference L=%d" % length, 1e-4)
                for i, (k, v) in enumerate(kvs):
                    worst["kv"] = max(worst["kv"], close(present[i, 0], k, "present K layer %d" % i, 1e-4),
                                      close(present[i, 1], v, "present V layer %d" % i, 1e-4))
                # (b) unchanged tokens: prefix ([s, L)) and dual ([s, s + w)) windows give the full logits
                for s, w in {(0, length), (0, max(1, length // 4)), (length // 4, max(1, length // 4)),
                             (length // 2, length - length // 2), (length - 1, 1)}:
                    if s + w > length or w < 1:
                        continue
                    for a, e, mode in ((s, length, "prefix"), (s, s + w, "dual")):
                        logits, new = call(ids[:, a:e], a, present)
                        worst["window"] = max(worst["window"], close(logits, full[:, a:e], "%s [%d, %d) L=%d" % (mode, a, e, length)))
                        close(new, present, "%s present, unchanged tokens" % mode)
                # the cache is really read: a zero past gives other window logits (when the window is not the row)
                if length > 1:
                    logits, _ = call(ids[:, :1], 0, past0(b, length))
                    assert (logits - full[:, :1]).abs().max().item() > 1e-3, "zero past gave the full logits"
                # a window out of range or a past of another shape is refused
                bad_calls = [(ids[:, :1], length, past0(b, length)),
                             (ids, 0, past0(b + 1, length)),
                             (ids, 0, torch.zeros(layers, 2, b, heads + 1, length, head_dim))]
                for bad_ids, bad_start, bad_past in bad_calls:
                    try:
                        cached(bad_ids, torch.tensor(bad_start), bad_past)
                    except torch.jit.Error:
                        continue
                    raise AssertionError("bad call accepted: start %d ids %s past %s"
                                         % (bad_start, tuple(bad_ids.shape), tuple(bad_past.shape)))
    print("checks passed: max |diff| full %.2g, present K/V vs functional %.2g, unchanged windows %.2g"
          % (worst["full"], worst["kv"], worst["window"]), flush=True)

    cases = reference_cases(config, context)
    out_cases = []
    with torch.no_grad():
        for case in cases:
            ids = torch.tensor(case["input_ids"], dtype=torch.long)
            changed = torch.tensor(case["changed_input_ids"], dtype=torch.long)
            b, length = ids.shape
            s, w = case["start"], case["block"]
            diffcols = (ids != changed).nonzero()[:, 1]
            assert diffcols.numel() > 0 and diffcols.min() >= s and diffcols.max() < s + w, case["name"]
            assert (ids[(ids != changed)] == mask_id).all(), "only masked tokens change"
            refresh, present = call(ids, 0, past0(b, length))
            close(refresh, uncached(ids), "refresh " + case["name"])
            exact = uncached(changed)
            prefix, prefix_present = call(changed[:, s:], s, present)
            dual, dual_present = call(changed[:, s:s + w], s, present)
            close(dual_present[:, :, :, :, :s], present[:, :, :, :, :s], "dual present prefix")
            close(dual_present[:, :, :, :, s + w:], present[:, :, :, :, s + w:], "dual present suffix")
            # layer 0 K/V depend on the embeddings only: the window's fresh layer-0 K/V are exact
            _, exact_kvs = functional_reference(sd, heads, changed)
            close(prefix_present[0, 0], exact_kvs[0][0], "layer-0 K of the prefix present", 1e-4)
            close(dual_present[0, 1, :, :, s:s + w], exact_kvs[0][1][:, :, s:s + w], "layer-0 V of the dual window", 1e-4)
            entry = {"name": case["name"], "length": length, "start": s, "block": w,
                     "input_ids": ids.tolist(), "changed_input_ids": changed.tolist()}
            modes = {"prefix": (prefix, [s, length]), "dual": (dual, [s, s + w])}
            drifts = {}
            for mode, (logits, window) in modes.items():
                a, e = window
                drifts[mode] = {"window": window,
                                "drift_window": drift(logits, exact[:, a:e], changed[:, a:e], mask_id),
                                "drift_block": drift(logits[:, :w], exact[:, s:s + w], changed[:, s:s + w], mask_id)}
            if case["store_logits"]:
                entry["refresh_logits"] = rounded(refresh)
                entry["exact_logits"] = rounded(exact)
                for mode, (logits, _) in modes.items():
                    drifts[mode]["logits"] = rounded(logits)
            entry.update(drifts)
            out_cases.append(entry)
            print("case %-28s L=%4d start %3d block %3d  prefix max|dlogit| %.4f tv %.5f (block tv %.5f)  dual max|dlogit| %.4f tv %.5f"
                  % (case["name"], length, s, w, drifts["prefix"]["drift_window"]["max_abs_logit_diff"],
                     drifts["prefix"]["drift_window"]["mean_tv"], drifts["prefix"]["drift_block"]["mean_tv"],
                     drifts["dual"]["drift_window"]["max_abs_logit_diff"], drifts["dual"]["drift_window"]["mean_tv"]), flush=True)

    reference = {
        "contract": CONTRACT, "vocab": vocab, "mask_id": mask_id, "layers": layers, "heads": heads, "head_dim": head_dim,
        "max_length": context, "torch": torch.__version__,
        "definitions": {
            "refresh_logits": "model_cached.pt(input_ids, start 0, past zeros [N, 2, B, H, L, D]) logits, [B, L, V]"
                              " (equal to model.pt(input_ids) within 1e-5)",
            "exact_logits": "model.pt(changed_input_ids), [B, L, V]",
            "prefix": "model_cached.pt(changed_input_ids[:, start:], start, present of the refresh): window [start, L)",
            "dual": "model_cached.pt(changed_input_ids[:, start:start+block], start, present of the refresh):"
                    " window [start, start+block)",
            "drift_window": "cached window logits against exact_logits at the window's positions",
            "drift_block": "the same at the block's positions [start, start+block) only",
            "max_abs_logit_diff": "max over rows, positions and all V columns of |cached - exact| logits",
            "mean_tv": "mean over rows and positions of the total variation 0.5 * sum |p - q| between the float64"
                       " softmaxes of the cached and exact logits with the mask column dropped",
            "mean_tv_masked": "the same mean over the positions where changed_input_ids holds the mask only",
            "rounding": "logits rounded to 1e-6; drift numbers computed from the unrounded float32 logits, rounded to 1e-6",
            "stored": "cases without refresh_logits/exact_logits/logits keys store ids and drift numbers only (file size)",
        },
        "cases": out_cases,
    }
    with open(os.path.join(fixture, "cached_reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference, f)
    config["cache"] = {"layers": layers, "heads": heads, "head_dim": head_dim, "contract": CONTRACT}
    with open(config_path, "w", encoding="utf-8") as f:
        json.dump(config, f, indent=1)
    print("wrote", out_path, "cached_reference.json and config.json key cache", config["cache"])


def reference_cases(config, context):
    """Fixed batch-2 inputs with masks: the row at a block start (prefix given, block and suffix masked),
    then some block tokens unmasked (the changed rows); toy_mlm vocabulary."""
    vocab_file = os.path.join(os.path.dirname(os.path.abspath(__file__)), "toy_mlm", "tokenizer.json")
    ids = json.load(open(vocab_file, encoding="utf-8"))["model"]["vocab"]
    m, eos = config["mask_id"], config["eos_id"]

    def row(words, length):
        out = [m if w == "_" else ids[w] for w in words.split()]
        return out + [m] * (length - len(out))

    def case(name, length, start, block, rows, changes, store):
        given = [row(r, length) for r in rows]
        changed = [list(r) for r in given]
        for r, pos, word in changes:
            assert changed[r][pos] == m
            changed[r][pos] = ids[word]
        return {"name": name, "length": length, "start": start, "block": block, "input_ids": given,
                "changed_input_ids": changed, "store_logits": store}

    cases = []
    if context < 64:
        # toy_mlm layout: one sentence, then </s>
        cases.append(case("L16 middle block", 16, 4, 4,
                          ["the big dog sees", "many cats chase the _ _ _ _ _ _ _ _ _ _ </s> </s>"],
                          [(0, 4, "a"), (0, 6, "cat"), (1, 5, "dog"), (1, 6, ".")], True))
        cases.append(case("L16 first block", 16, 0, 8,
                          ["_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ </s>", "some _ _ _ _ _ ."],
                          [(0, 0, "the"), (0, 1, "cat"), (0, 2, "sleeps"), (1, 1, "red"), (1, 2, "birds"), (1, 4, ".")],
                          True))
        cases.append(case("L16 last block", 16, 12, 4,
                          ["every teacher with the dog follows the old farmers . </s> </s>",
                           "a bird near the small children sings ."],
                          [(0, 12, "</s>"), (0, 14, "</s>"), (1, 12, "</s>"), (1, 13, "</s>")], True))
    if context >= 64:
        # toy_mlm_long layout: consecutive sentences packed whole, then </s>
        text = ("the big dog sees a cat . many cats chase the farmers . some birds sing . every child with the"
                " old teacher likes the red bird .")
        given = text.split()
        cases.append(case("L64 second block", 64, 16, 16,
                          [" ".join(given[:16]), " ".join(given[:10])],
                          [(0, 16, "sing"), (0, 17, "."), (0, 20, "with"), (1, 16, "child"), (1, 22, ".")], True))
        for length, block in ((256, 32), (1024, 32)):
            if context >= length:
                cases.append(case("L%d third block" % length, length, 2 * block, block,
                                  [" ".join((given * 3)[:2 * block]), " ".join((given * 3)[:2 * block - 7])],
                                  [(0, 2 * block + 1, "cat"), (0, 2 * block + 2, "."), (1, 2 * block + 3, "dogs"),
                                   (1, 2 * block + 9, ".")], False))
    return cases


if __name__ == "__main__":
    torch.manual_seed(0)
    torch.set_num_threads(1)
    if len(sys.argv) != 2:
        sys.exit("usage: make_masked_cached.py <fixture-dir>")
    main(sys.argv[1])
