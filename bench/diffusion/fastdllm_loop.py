#!/usr/bin/python3
"""Fast-dLLM's LLaDA decoding loop, re-implemented in PyTorch as the reference side of the issue-21
benchmark (Sampleforge's ParallelDecodingSampler against it, same fixture, same NFE).

Reference followed: NVlabs/Fast-dLLM llada/generate.py at commit f6b35ec3 (generate,
generate_with_prefix_cache, generate_with_dual_cache, get_transfer_index,
get_transfer_index_dynamic); Wu et al., "Fast-dLLM: Training-free Acceleration of Diffusion LLM by
Enabling KV Cache and Parallel Decoding", arXiv 2505.22618. That file is Copyright 2025 NVIDIA
CORPORATION & AFFILIATES, Apache License 2.0 (itself modified from ML-GSAI/LLaDA). This file is an
independent re-implementation written for Sampleforge; it copies none of that code. What it keeps
from the reference, on purpose:

- blocks of block_length over the last gen_length positions, decoded left to right; a block is
  decoded in steps until no position of it holds the mask; every step is one model call (one NFE)
  on the whole batch, and the batch keeps stepping until every row's block is full;
- remasking 'low_confidence': the value x0 is the argmax of the logits (T = 0) or of the float64
  race exp(logits) / (-log u)^T with u ~ U(0, 1) from torch.rand_like over the whole window (T > 0);
  the confidence is softmax(float64 logits)[x0], without temperature; both over ALL V columns,
  the mask column included (the reference does not drop it; --exclude-mask-column does);
- threshold rule (get_transfer_index with threshold): top-k over every masked position of the
  block, then every one but the first with confidence < tau dropped;
- factor rule (get_transfer_index_dynamic): sorted confidences c_0 >= c_1 >= ...; thresholds
  1 - f / (n + 1) for n = 1..m with the first forced to -1; the loop's stop index i is the first
  failing one (or m - 1 when none fails) and i is raised by one when it is 0 or m - 1; top-i
  committed;
- cache none: every step calls model.pt on the whole row;
- cache prefix / dual: the first step of a block is the refresh forward on the whole row (one NFE),
  whose K/V are kept; later steps of the block call the cached model on the window
  [block start, L) (prefix) or [block start, block end) (dual); the loop checks "block full" before
  each window call (f6b35ec3; the June 2025 version always made one window call);
- prefix mode also draws (and throws away) one Gumbel argmax over the window before the selection,
  as the reference does (it consumes torch's random stream when T > 0).

Deviations (forced, documented): the cached model follows Sampleforge's export contract
(model_cached.pt: forward(input_ids [B, W], start, past [N, 2, B, H, L, D]) -> (logits, present)),
so the prefix cache is passed at full length L and the model replaces positions >= start (the
reference slices it to [:start] and concatenates; same attention inputs). The factor rule on a row
whose block is already full (batch > 1) commits nothing; the reference raises IndexError there.

Model files (--model-dir): model.pt (forward(input_ids int64 [B, L]) -> logits float32 [B, L, V])
and, for --cache prefix|dual, model_cached.pt; config.json gives vocab_size, mask_id, eos_id,
length, and for the cache shape its "cache" block (layers, heads, head_dim) or layers, heads, width.

Timing: wall time of the timed batches (after --warmup untimed batches), time inside model calls
(perf_counter around each forward, under torch.no_grad), per-call medians by call kind.

  /usr/bin/python3 bench/diffusion/fastdllm_loop.py --model-dir DIR --cache none --rule threshold \\
      --threshold 0.9 --gen-length 15 --block-length 5 --prompt-length 1 --batch 1 --samples 64 \\
      --seed 7 --out /tmp/fd.json
  /usr/bin/python3 bench/diffusion/fastdllm_loop.py --model-dir DIR --self-check
"""
import argparse
import hashlib
import json
import math
import os
import statistics
import sys
import time

import torch

PROMPT_TEXT = "the old farmer sees a small bird . many happy children sing near the red cats ."


def fail(message):
    print("fastdllm_loop: " + message, file=sys.stderr)
    sys.exit(2)


# ---------------------------------------------------------------------------------------------
# Fixture


class Fixture:
    """model.pt, optionally model_cached.pt, and the sizes from config.json."""

    def __init__(self, model_dir, need_cached):
        cfg_path = os.path.join(model_dir, "config.json")
        if not os.path.isfile(cfg_path):
            fail("--model-dir %r has no config.json" % model_dir)
        cfg = json.load(open(cfg_path))
        for key in ("vocab_size", "mask_id", "eos_id", "length"):
            if key not in cfg:
                fail("%s lacks %r" % (cfg_path, key))
        self.dir = model_dir
        self.config = cfg
        self.vocab, self.mask, self.eos, self.length = cfg["vocab_size"], cfg["mask_id"], cfg["eos_id"], cfg["length"]
        self.model_path = os.path.join(model_dir, "model.pt")
        self.model = torch.jit.load(self.model_path).eval()
        self.cached = None
        self.cached_path = os.path.join(model_dir, "model_cached.pt")
        if need_cached:
            if not os.path.isfile(self.cached_path):
                fail("--cache prefix|dual needs %s (the cached export contract)" % self.cached_path)
            shape = cfg.get("cache") or {}
            if "head_dim" not in shape and "width" in cfg and "heads" in cfg:
                shape = dict(shape, head_dim=cfg["width"] // cfg["heads"])
            for key in ("layers", "heads", "head_dim"):
                if key not in shape and key not in cfg:
                    fail("%s lacks %r (needed for the cache shape [N, 2, B, H, L, D])" % (cfg_path, key))
            self.cached = torch.jit.load(self.cached_path).eval()
            self.layers = shape.get("layers", cfg.get("layers"))
            self.heads = shape.get("heads", cfg.get("heads"))
            self.head_dim = shape.get("head_dim", cfg.get("head_dim"))
        tok_path = os.path.join(model_dir, "tokenizer.json")
        vocab = json.load(open(tok_path))["model"]["vocab"] if os.path.isfile(tok_path) else {}
        self.ids = vocab
        self.words = {i: w for w, i in vocab.items()}

    def empty_past(self, batch, length):
        """Zero K/V for rows of this length (the row length, which may be below the fixture's maximum)."""
        return torch.zeros(self.layers, 2, batch, self.heads, length, self.head_dim)


def sha256_16(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# Timed model calls


class Calls:
    """Every forward goes through here: counts NFE and times it (perf_counter, ms)."""

    def __init__(self):
        self.ms = {"full": [], "refresh": [], "window": []}
        self.rows = 0

    def full(self, fx, x):
        t0 = time.perf_counter()
        logits = fx.model(x)
        self.ms["full"].append((time.perf_counter() - t0) * 1e3)
        self.rows += x.shape[0]
        return logits

    def refresh(self, fx, x, past):
        t0 = time.perf_counter()
        logits, present = fx.cached(x, torch.tensor(0, dtype=torch.long), past)
        self.ms["refresh"].append((time.perf_counter() - t0) * 1e3)
        self.rows += x.shape[0]
        return logits, present

    def window(self, fx, ids, start, past):
        t0 = time.perf_counter()
        logits, present = fx.cached(ids, torch.tensor(start, dtype=torch.long), past)
        self.ms["window"].append((time.perf_counter() - t0) * 1e3)
        self.rows += ids.shape[0]
        return logits, present

    def all_ms(self):
        return self.ms["full"] + self.ms["refresh"] + self.ms["window"]


# ---------------------------------------------------------------------------------------------
# Selection (get_transfer_index / get_transfer_index_dynamic)


def gumbel_scores(logits, temperature):
    """The reference's float64 Gumbel race: exp(l) / (-log u)^T (argmax = a draw from softmax(l / T))."""
    if temperature == 0:
        return logits
    wide = logits.to(torch.float64)
    u = torch.rand_like(wide, dtype=torch.float64)
    return wide.exp() / (-torch.log(u)) ** temperature


def proposals(logits, temperature, mask_index, x, mask_id, exclude_mask):
    """x0 (kept tokens where not masked) and low_confidence scores (-inf where not masked)."""
    if exclude_mask:
        logits = logits.clone()
        logits[..., mask_id] = -math.inf
    x0 = torch.argmax(gumbel_scores(logits, temperature), dim=-1)
    p = torch.softmax(logits.to(torch.float64), dim=-1)
    x0_p = torch.gather(p, -1, x0.unsqueeze(-1)).squeeze(-1)
    x0 = torch.where(mask_index, x0, x)
    confidence = torch.where(mask_index, x0_p, torch.full_like(x0_p, -math.inf))
    return x0, confidence


def threshold_count(sorted_conf, tau):
    """Positions kept by the threshold rule, from the descending masked confidences."""
    m = len(sorted_conf)
    if m == 0:
        return 0
    return 1 + sum(1 for c in sorted_conf[1:] if not c < tau)


def factor_count(sorted_conf, factor):
    """get_transfer_index_dynamic's count, loop quirk included; 0 for a full block (see header)."""
    m = len(sorted_conf)
    if m == 0:
        return 0
    limits = [-1.0] + [1 - factor / (n + 1) for n in range(2, m + 1)]
    stop = m - 1
    for i in range(m):
        if sorted_conf[i] < limits[i]:
            stop = i
            break
    if stop == 0 or stop == m - 1:
        stop += 1
    return stop


def select(confidence, mask_index, rule, tau, factor):
    """The transfer mask [B, W]: per row, the top-k confident masked positions for the rule's k."""
    transfer = torch.zeros_like(mask_index)
    counts = []
    for j in range(confidence.shape[0]):
        m = int(mask_index[j].sum())
        if rule == "threshold":
            # reference: topk over all m masked, then every one but the first below tau dropped
            # (a prefix of the descending order)
            values, order = torch.topk(confidence[j], k=m)
            k = threshold_count(values.tolist(), tau)
            transfer[j, order[:k]] = True
            counts.append(k)
        else:
            ordered = torch.sort(confidence[j][mask_index[j]], descending=True)[0].tolist()
            k = factor_count(ordered, factor)
            if k > 0:
                _, order = torch.topk(confidence[j], k=k)
                transfer[j, order] = True
            counts.append(k)
    return transfer, counts


# ---------------------------------------------------------------------------------------------
# The three loops


class Run:
    """One call of a generate function on a batch: tokens, NFE, commits per row and step."""

    def __init__(self, batch):
        self.nfe = 0
        self.active = [0] * batch          # steps in which the row's block still had masks
        self.commits = [[] for _ in range(batch)]
        self.mask_commits = 0              # commits of the mask id itself (full-vocabulary argmax)

    def record(self, active_rows, counts, x0, transfer, mask_id):
        self.nfe += 1
        for j, k in enumerate(counts):
            if active_rows[j]:
                self.active[j] += 1
                self.commits[j].append(k)
        self.mask_commits += int((x0[transfer] == mask_id).sum())


def step(args, fx, run, logits, x_window, block_mask):
    """One selection on window logits; block_mask marks the current block's masked window positions."""
    active_rows = block_mask.any(dim=1).tolist()
    x0, confidence = proposals(logits, args.temperature, block_mask, x_window, fx.mask, args.exclude_mask_column)
    transfer, counts = select(confidence, block_mask, args.rule, args.threshold, args.factor)
    x_window[transfer] = x0[transfer]
    run.record(active_rows, counts, x0, transfer, fx.mask)


def block_full(x, start, end, mask_id):
    return not bool((x[:, start:end] == mask_id).any())


def decode_none(args, fx, calls, x, prompt_len):
    run = Run(x.shape[0])
    for b in range(args.gen_length // args.block_length):
        start = prompt_len + b * args.block_length
        end = start + args.block_length
        while True:
            mask_index = x == fx.mask
            logits = calls.full(fx, x)
            mask_index[:, end:] = False
            step(args, fx, run, logits, x, mask_index)
            if block_full(x, start, end, fx.mask):
                break
            check_steps(run, args)
    return run


def decode_prefix(args, fx, calls, x, prompt_len):
    run = Run(x.shape[0])
    for b in range(args.gen_length // args.block_length):
        start = prompt_len + b * args.block_length
        end = start + args.block_length
        # refresh: full forward, keep the K/V (only positions < start are read by later steps)
        logits, past = calls.refresh(fx, x, fx.empty_past(x.shape[0], x.shape[1]))
        mask_index = x == fx.mask
        mask_index[:, end:] = False
        step(args, fx, run, logits, x, mask_index)
        while not block_full(x, start, end, fx.mask):
            window = x[:, start:]
            mask_index = window == fx.mask
            mask_index[:, args.block_length:] = False
            logits, _ = calls.window(fx, window, start, past)
            torch.argmax(gumbel_scores(logits, args.temperature), dim=-1)  # the reference's unused draw
            step(args, fx, run, logits, window, mask_index)
            check_steps(run, args)
    return run


def decode_dual(args, fx, calls, x, prompt_len):
    run = Run(x.shape[0])
    for b in range(args.gen_length // args.block_length):
        start = prompt_len + b * args.block_length
        end = start + args.block_length
        logits, past = calls.refresh(fx, x, fx.empty_past(x.shape[0], x.shape[1]))
        mask_index = x == fx.mask
        mask_index[:, end:] = False
        step(args, fx, run, logits, x, mask_index)
        while not block_full(x, start, end, fx.mask):
            window = x[:, start:end]
            mask_index = window == fx.mask
            # prefix and suffix K/V from the refresh; the block's are recomputed and replaced
            logits, past = calls.window(fx, window, start, past)
            step(args, fx, run, logits, window, mask_index)
            check_steps(run, args)
    return run


def check_steps(run, args):
    # the reference has no cap; a committed mask id can keep a block open, so stop runaway loops
    if run.nfe > 10 * args.gen_length:
        raise RuntimeError("more than 10 * gen_length model calls: the model keeps predicting the mask id "
                           "(try --exclude-mask-column)")


DECODERS = {"none": decode_none, "prefix": decode_prefix, "dual": decode_dual}


# ---------------------------------------------------------------------------------------------
# Metrics (the definitions of io.sampleforge.spark.text.CompletionMetrics and ToyGrammar)

DET_S, DET_P = {"a", "every", "the"}, {"some", "many", "the"}
N_S = {"cat", "dog", "bird", "child", "teacher", "farmer"}
N_P = {"cats", "dogs", "birds", "children", "teachers", "farmers"}
ADJ = {"big", "small", "happy", "red", "quiet", "old"}
PREP = {"with", "near", "behind"}
TV_S, TV_P = {"sees", "chases", "likes", "follows"}, {"see", "chase", "like", "follow"}
IV_S, IV_P = {"sleeps", "runs", "sings"}, {"sleep", "run", "sing"}


def _at(t, i, words):
    return i < len(t) and t[i] in words


def _noun_phrases(t, i, plural, allow_pp):
    ends = set()
    if not _at(t, i, DET_P if plural else DET_S):
        return ends
    for adjectives in range(3):
        j = i + 1 + adjectives
        if all(_at(t, k, ADJ) for k in range(i + 1, j)) and _at(t, j, N_P if plural else N_S):
            ends.add(j + 1)
            if allow_pp:
                ends |= _prepositionals(t, j + 1)
    return ends


def _prepositionals(t, i):
    if not _at(t, i, PREP):
        return set()
    return _noun_phrases(t, i + 1, False, False) | _noun_phrases(t, i + 1, True, False)


def _verb_phrases(t, i, plural):
    ends = set()
    if _at(t, i, TV_P if plural else TV_S):
        ends |= _noun_phrases(t, i + 1, False, True) | _noun_phrases(t, i + 1, True, True)
    if _at(t, i, IV_P if plural else IV_S):
        ends.add(i + 1)
    out = set(ends)
    for e in ends:
        out |= _prepositionals(t, e)
    return out


def grammatical(tokens):
    n = len(tokens)
    if n < 3 or tokens[-1] != ".":
        return False
    return any(vp == n - 1 for plural in (False, True) for np_ in _noun_phrases(tokens, 0, plural, True)
               for vp in _verb_phrases(tokens, np_, plural))


def sentences_with_generated(prompt_words, words):
    """(complete, grammatical) counts over the '.'-ended sentences of prompt + completion that hold a
    generated word (for multi-sentence rows such as toy_mlm_long's; not a CompletionMetrics number)."""
    text, complete, good, current, generated = prompt_words + words, 0, 0, [], False
    for i, w in enumerate(text):
        current.append(w)
        generated |= i >= len(prompt_words)
        if w == ".":
            if generated:
                complete += 1
                good += grammatical(current)
            current, generated = [], False
    return complete, good


def distinct(completions, n):
    grams = [tuple(t[i:i + n]) for t in (c.split() for c in completions) for i in range(len(t) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


# ---------------------------------------------------------------------------------------------
# Driver


def prompt_ids(fx, length):
    words = PROMPT_TEXT.split()
    if length > 0 and not fx.ids:
        fail("--prompt-length %d needs %s/tokenizer.json" % (length, fx.dir))
    seq = [words[i % len(words)] for i in range(length)]
    for w in seq:
        if w not in fx.ids:
            fail("prompt word %r is not in the fixture's vocabulary" % w)
    return [fx.ids[w] for w in seq], seq


def validate(args, fx):
    total = args.prompt_length + args.gen_length
    if args.gen_length < 1 or args.block_length < 1 or args.gen_length % args.block_length:
        fail("--block-length must divide --gen-length (both >= 1); got %d and %d" % (args.block_length, args.gen_length))
    if args.prompt_length < 0 or total > fx.length:
        fail("--prompt-length + --gen-length must be <= the fixture's length %d; got %d" % (fx.length, total))
    if not 0 < args.threshold <= 1:
        fail("--threshold must be in (0, 1]; got %s" % args.threshold)
    if not (args.factor > 0 and math.isfinite(args.factor)):
        fail("--factor must be a finite float > 0; got %s" % args.factor)
    if args.temperature < 0 or args.batch < 1 or args.samples < 1 or args.threads < 1 or args.warmup < 0:
        fail("--temperature >= 0, --batch/--samples/--threads >= 1 and --warmup >= 0 required")


def generate(args, fx, calls, prompts):
    """The reference's generate(model, prompt [B, P]): rows are the prompts followed by gen_length masks."""
    plen = len(prompts[0])
    x = torch.full((len(prompts), plen + args.gen_length), fx.mask, dtype=torch.long)
    x[:, :plen] = torch.tensor(prompts, dtype=torch.long).view(len(prompts), plen)
    with torch.no_grad():
        run = DECODERS[args.cache](args, fx, calls, x, plen)
    return x, run


def benchmark(args):
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    fx = Fixture(args.model_dir, args.cache != "none")
    validate(args, fx)
    prompt, prompt_words = prompt_ids(fx, args.prompt_length)
    for _ in range(args.warmup):
        generate(args, fx, Calls(), [prompt] * min(args.batch, args.samples))
    torch.manual_seed(args.seed)
    calls = Calls()
    sequences, histogram, mask_commits = [], {}, 0
    t0 = time.perf_counter()
    done = 0
    while done < args.samples:
        rows = min(args.batch, args.samples - done)
        x, run = generate(args, fx, calls, [prompt] * rows)
        mask_commits += run.mask_commits
        for j in range(rows):
            sequences.append((x[j].tolist(), run.nfe, run.active[j], run.commits[j]))
        done += rows
    wall = time.perf_counter() - t0
    out_seqs, completions = [], []
    grammatical_count, sentence_counts = 0, [0, 0]
    for ids, nfe, active, commits in sequences:
        span = ids[len(prompt):]
        cut = span.index(fx.eos) if fx.eos in span else len(span)
        words = [fx.words.get(i, "<%d>" % i) for i in span[:cut]]
        completion = " ".join(words)
        finish = "eos" if cut < len(span) else "length"
        completions.append(completion)
        if finish == "eos" and grammatical(prompt_words + words):
            grammatical_count += 1
        complete, good = sentences_with_generated(prompt_words, words)
        sentence_counts[0] += complete
        sentence_counts[1] += good
        for k in commits:
            histogram[k] = histogram.get(k, 0) + 1
        out_seqs.append({"ids": ids, "generated": span, "completion": completion, "finish_reason": finish,
                         "token_count": cut, "nfe": nfe, "active_steps": active, "commits_per_step": commits})
    all_ms = calls.all_ms()
    steps = sum(histogram.values())
    committed = sum(k * c for k, c in histogram.items())
    result = {
        "reference": "NVlabs/Fast-dLLM llada/generate.py @ f6b35ec3 (re-implemented)",
        "settings": {k: getattr(args, k) for k in ("cache", "rule", "threshold", "factor", "temperature", "gen_length",
                                                   "block_length", "prompt_length", "batch", "samples", "seed",
                                                   "threads", "warmup", "exclude_mask_column")},
        "rule_parameter": args.threshold if args.rule == "threshold" else args.factor,
        "model": {"dir": os.path.abspath(fx.dir), "model_pt_sha256_16": sha256_16(fx.model_path),
                  "model_cached_pt_sha256_16": sha256_16(fx.cached_path) if fx.cached is not None else None,
                  "length": fx.length, "vocab_size": fx.vocab, "mask_id": fx.mask, "eos_id": fx.eos},
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "prompt_ids": prompt,
        "prompt": " ".join(prompt_words),
        "stats": {
            "sequences": len(sequences),
            "nfe_mean": statistics.mean(s[1] for s in sequences),
            "active_steps_mean": statistics.mean(s[2] for s in sequences),
            "model_calls": len(all_ms),
            "model_rows": calls.rows,
            "commits_per_step_histogram": {str(k): histogram[k] for k in sorted(histogram)},
            "mean_commits_per_step": committed / steps if steps else 0.0,
            "mask_id_commits": mask_commits,
            "wall_s": wall,
            "model_s": sum(all_ms) / 1e3,
            "per_call_ms_median": statistics.median(all_ms),
            "per_call_ms_median_by_kind": {k: statistics.median(v) for k, v in calls.ms.items() if v},
            "calls_by_kind": {k: len(v) for k, v in calls.ms.items() if v},
            "positions_filled_per_s": len(sequences) * args.gen_length / wall,
            "completion_tokens_per_s": sum(s["token_count"] for s in out_seqs) / wall,
            "distinct_1": distinct(completions, 1),
            "distinct_2": distinct(completions, 2),
            "grammatical_fraction": grammatical_count / len(sequences),
            "generated_sentences": sentence_counts[0],
            "generated_sentences_grammatical_fraction": sentence_counts[1] / sentence_counts[0]
            if sentence_counts[0] else 0.0,
        },
        "sequences": out_seqs,
    }
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=1)
    s = result["stats"]
    print("cache=%s rule=%s(%s) L=%d gen=%d block=%d batch=%d samples=%d threads=%d: NFE %.2f (active %.2f), "
          "commits/step %.2f, "
          "wall %.3f s, model %.3f s, per call %.3f ms (%s), %.0f positions/s, distinct-2 %.3f, grammatical %.3f"
          % (args.cache, args.rule, result["rule_parameter"], args.prompt_length + args.gen_length, args.gen_length,
             args.block_length, args.batch, args.samples, args.threads, s["nfe_mean"], s["active_steps_mean"],
             s["mean_commits_per_step"],
             s["wall_s"], s["model_s"], s["per_call_ms_median"],
             ", ".join("%s %.3f" % kv for kv in s["per_call_ms_median_by_kind"].items()),
             s["positions_filled_per_s"], s["distinct_2"], s["grammatical_fraction"]))
    return result


# ---------------------------------------------------------------------------------------------
# Self-check


def self_check(args):
    torch.set_num_threads(args.threads)
    failures = []

    def expect(ok, what):
        print(("ok    " if ok else "FAIL  ") + what)
        if not ok:
            failures.append(what)

    # rule counts on hand-derived cases (threshold: >= tau kept; factor: 1 - f/(n+1), quirks)
    expect(threshold_count([0.5, 0.4], 0.9) == 1, "threshold: none reaches tau -> the most confident only")
    expect(threshold_count([0.95, 0.9, 0.89], 0.9) == 2, "threshold: c >= tau kept (0.9 kept, 0.89 dropped)")
    expect(threshold_count([0.999, 0.999, 0.999], 1.0) == 1, "threshold 1.0: one per step")
    expect(factor_count([0.99, 0.5, 0.4], 1.0) == 1, "factor f=1: 0.5 < 1 - 1/3 at index 1 -> 1")
    expect(factor_count([0.99, 0.9, 0.8, 0.1], 1.0) == 4, "factor quirk: 0.9, 0.8 pass, 0.1 fails at the last index -> 4")
    expect(factor_count([0.99, 0.9, 0.5], 1.0) == 3, "factor quirk: first failure at the last index commits all")
    expect(factor_count([0.99, 0.5], 1.0) == 2, "factor quirk: m = 2, failure at index 1 commits both")
    expect(factor_count([0.3], 1.0) == 1, "factor: m = 1 -> 1")
    expect(factor_count([0.99, 0.9, 0.5, 0.4], 1.0) == 2, "factor f=1: failure at index 2 of 4 -> 2")

    fx = Fixture(args.model_dir, False)
    cached_ok = os.path.isfile(fx.cached_path)
    if cached_ok:
        fx = Fixture(args.model_dir, True)
    L = min(fx.length, 64)   # rows of the self-check: at most 64 long (the fixture may allow more)
    configs = []    # (gen_length, block_length, prompt_length)
    for gen in sorted({L // 2, (3 * L) // 4, L - 1}):
        blocks = [k for k in (4, 5, 6, 7, 8) if gen % k == 0]
        for k in sorted(set(blocks))[:2] or [gen]:
            configs.append((gen, k, L - gen))
    configs.append((L // 2, 4, 2))   # rows shorter than L
    modes = ["none"] + (["prefix", "dual"] if cached_ok else [])
    g = torch.Generator().manual_seed(args.seed)
    word_ids = [i for w, i in fx.ids.items() if i not in (fx.mask, fx.eos) and not w.startswith("<")]
    tokens = {}
    for cache in modes:
        for gen, block, plen in configs:
            for temperature in (0.0, 1.0):
                ns = argparse.Namespace(**vars(args))
                ns.cache, ns.rule, ns.threshold, ns.temperature = cache, "threshold", 1.0, temperature
                ns.gen_length, ns.block_length = gen, block
                torch.manual_seed(args.seed)
                # 16 rows with different prompts: random words of the vocabulary (same for every mode)
                pick = torch.randint(len(word_ids), (16, plen), generator=torch.Generator().manual_seed(args.seed + plen))
                prompts = [[word_ids[i] for i in row] for row in pick.tolist()]
                try:
                    x, run = generate(ns, fx, Calls(), prompts)
                except RuntimeError as e:
                    expect(False, "cache %s, T = %g, gen %d block %d: %s" % (cache, temperature, gen, block, e))
                    continue
                ones = all(k == 1 for row in run.commits for k in row)
                expect(ones and run.nfe == gen and all(a == gen for a in run.active) and not (x == fx.mask).any(),
                       "cache %s, threshold 1.0, T = %g, gen %d block %d prompt %d, 16 rows: one token per step, "
                       "NFE %d == gen_length" % (cache, temperature, gen, block, plen, run.nfe))
                if temperature == 0:
                    tokens[(cache, gen, block, plen)] = x
    # batch with rows that finish their block at different steps (threshold 0.9, factor 1): no crash, no mask left
    for cache in modes:
        for rule in ("threshold", "factor"):
            ns = argparse.Namespace(**vars(args))
            ns.cache, ns.rule, ns.threshold, ns.factor, ns.temperature = cache, rule, 0.9, 1.0, 1.0
            gen, block, plen = configs[-1]
            ns.gen_length, ns.block_length = gen, block
            prompts = [[word_ids[(r * 7 + c) % len(word_ids)] for c in range(plen)] for r in range(8)]
            try:
                x, run = generate(ns, fx, Calls(), prompts)
            except RuntimeError as e:
                expect(False, "cache %s, %s rule, batch 8: %s" % (cache, rule, e))
                continue
            sums = [sum(c) for c in run.commits]
            expect(not (x == fx.mask).any() and all(s_ == gen for s_ in sums) and run.nfe >= max(run.active),
                   "cache %s, %s rule, T = 1, batch 8: all filled, commits sum to gen_length, NFE %d (batch) >= "
                   "active steps %s" % (cache, rule, run.nfe, sorted(set(run.active))))
    if cached_ok:
        # contract spot checks: refresh == model.pt, and an unchanged window == the full forward
        x = torch.full((3, L), fx.mask, dtype=torch.long)
        x[:, 0] = fx.ids.get("the", 0)
        x[1, 3], x[2, 5] = fx.ids.get("cat", 0), fx.ids.get(".", 0)
        with torch.no_grad():
            full = fx.model(x)
            ref, present = fx.cached(x, torch.tensor(0), fx.empty_past(3, L))
            win, _ = fx.cached(x[:, 4:10], torch.tensor(4), present.clone())
        expect(float((ref - full).abs().max()) <= 1e-5, "refresh logits == model.pt (max diff %.2e)"
               % float((ref - full).abs().max()))
        expect(float((win - full[:, 4:10]).abs().max()) <= 1e-4, "unchanged window == full forward (max diff %.2e)"
               % float((win - full[:, 4:10]).abs().max()))
        short = x[:, :L - 5]
        with torch.no_grad():
            diff = float((fx.cached(short, torch.tensor(0), fx.empty_past(3, L - 5))[0] - fx.model(short)).abs().max())
        expect(diff <= 1e-5, "refresh on rows of length %d == model.pt (max diff %.2e)" % (L - 5, diff))
        for cache in ("prefix", "dual"):
            rows = differ = positions = 0
            for gen, block, plen in configs:
                if ("none", gen, block, plen) not in tokens or (cache, gen, block, plen) not in tokens:
                    continue
                a, b = tokens[("none", gen, block, plen)], tokens[(cache, gen, block, plen)]
                rows += a.shape[0]
                differ += int((a != b).any(dim=1).sum())
                positions += int((a != b).sum())
            print("info  threshold 1.0, T = 0: %s vs none differ in %d of %d rows (%d positions; the cache's "
                  "approximation)" % (cache, differ, rows, positions))
    else:
        print("info  no %s: prefix/dual checks skipped" % fx.cached_path)
    print("self-check: %d failure(s)" % len(failures))
    return 1 if failures else 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model-dir", required=True)
    p.add_argument("--cache", choices=["none", "prefix", "dual"], default="none")
    p.add_argument("--rule", choices=["threshold", "factor"], default="threshold")
    p.add_argument("--threshold", type=float, default=0.9)
    p.add_argument("--factor", type=float, default=1.0)
    p.add_argument("--temperature", type=float, default=0.0)
    p.add_argument("--gen-length", type=int, default=15)
    p.add_argument("--block-length", type=int, default=5)
    p.add_argument("--prompt-length", type=int, default=1)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--samples", type=int, default=64)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--warmup", type=int, default=2, help="untimed batches before the timed ones")
    p.add_argument("--exclude-mask-column", action="store_true",
                   help="drop the mask logit before argmax and softmax (Sampleforge's SUBS); the reference keeps it")
    p.add_argument("--out")
    p.add_argument("--self-check", action="store_true")
    args = p.parse_args(argv)
    if args.self_check:
        return self_check(args)
    benchmark(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
