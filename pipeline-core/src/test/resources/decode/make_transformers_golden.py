#!/usr/bin/env python3
"""Golden vectors for Sampleforge's sampler kernels, produced by Hugging Face transformers' own
logits processors and warpers (transformers.generation.logits_process) applied to random float32
logits. Needs torch + transformers (not installable on the build machine; it was run on the
project's GPU machine, which has them):

  python3 make_transformers_golden.py transformers_golden.json

Each case records its parameters, the token history (prompt + generated, with the prompt
length), the input scores and the output of transformers' processor/warper classes chained in
the documented order (-inf written as null). Where the parameters are GenerationConfig fields
(min_tokens_to_keep is not: generate() passes 1, or 2 with beams), the chain transformers itself
builds for generate(do_sample=True) (GenerationMixin._get_logits_processor) is run too, and
"library_chain_agrees" says whether it gives the same scores, i.e. whether the order is the
library's own.
"""
import json
import sys

import numpy as np
import torch
import transformers
from transformers import GenerationConfig, LogitsProcessorList
from transformers.generation import logits_process as lp

rng = np.random.default_rng(20261126)
B, V, PROMPT, GENERATED = 3, 64, 6, 5


def history():
    # small id range so that repetitions and repeated n-grams actually occur
    return rng.integers(3, 12, size=(B, PROMPT + GENERATED)).astype(np.int64)


def scores():
    return (rng.standard_normal((B, V)) * 2.5).astype(np.float32)


def encode(t):
    a = t.detach().cpu().numpy().astype(np.float64)
    return [[None if np.isneginf(x) else float(x) for x in row] for row in a]


def documented_chain(p):
    """transformers' documented order: processors, then temperature, top-k, top-p, min-p, typical, epsilon, eta."""
    keep = p.get("min_tokens_to_keep", 1)
    out = []
    if "repetition_penalty" in p:
        out.append(lp.RepetitionPenaltyLogitsProcessor(p["repetition_penalty"]))
    if "no_repeat_ngram_size" in p:
        out.append(lp.NoRepeatNGramLogitsProcessor(p["no_repeat_ngram_size"]))
    if "bad_words_ids" in p:
        out.append(lp.NoBadWordsLogitsProcessor([[i] for i in p["bad_words_ids"]], eos_token_id=p.get("eos_token_id", 2)))
    if "min_new_tokens" in p:
        out.append(lp.MinNewTokensLengthLogitsProcessor(PROMPT, p["min_new_tokens"], p.get("eos_token_id", 2)))
    if "temperature" in p:
        out.append(lp.TemperatureLogitsWarper(p["temperature"]))
    if "top_k" in p:
        out.append(lp.TopKLogitsWarper(p["top_k"], min_tokens_to_keep=keep))
    if "top_p" in p:
        out.append(lp.TopPLogitsWarper(p["top_p"], min_tokens_to_keep=keep))
    if "min_p" in p:
        out.append(lp.MinPLogitsWarper(p["min_p"], min_tokens_to_keep=keep))
    if "typical_p" in p:
        out.append(lp.TypicalLogitsWarper(p["typical_p"], min_tokens_to_keep=keep))
    if "epsilon" in p:
        out.append(lp.EpsilonLogitsWarper(p["epsilon"], min_tokens_to_keep=keep))
    if "eta" in p:
        out.append(lp.EtaLogitsWarper(p["eta"], min_tokens_to_keep=keep, device="cpu"))
    return LogitsProcessorList(out)


GEN_KEYS = {"repetition_penalty": "repetition_penalty", "no_repeat_ngram_size": "no_repeat_ngram_size",
            "temperature": "temperature", "top_k": "top_k", "top_p": "top_p", "min_p": "min_p",
            "typical_p": "typical_p", "epsilon": "epsilon_cutoff", "eta": "eta_cutoff",
            "min_tokens_to_keep": "min_tokens_to_keep", "min_new_tokens": "min_new_tokens"}


def library_chain(p, model):
    """The chain transformers itself builds for generate(do_sample=True) with these settings."""
    kw = {GEN_KEYS[k]: v for k, v in p.items() if k in GEN_KEYS}
    kw.setdefault("top_k", 0)
    kw.setdefault("temperature", 1.0)
    if "bad_words_ids" in p:
        kw["bad_words_ids"] = [[i] for i in p["bad_words_ids"]]
    kw["eos_token_id"] = p.get("eos_token_id", 2)
    kw["pad_token_id"] = 0
    gc = GenerationConfig(do_sample=True, **kw)
    model._prepare_special_tokens(gc, kwargs_has_attention_mask=False, device="cpu")
    procs = model._get_logits_processor(generation_config=gc, input_ids_seq_length=PROMPT,
                                        encoder_input_ids=torch.zeros(B, PROMPT, dtype=torch.long),
                                        prefix_allowed_tokens_fn=None, logits_processor=LogitsProcessorList(),
                                        device="cpu", model_kwargs={})
    # the library may append warpers in its own order; keep its list as it is
    return procs


CASES = [
    ("temperature", {"temperature": 0.7}),
    ("top_k", {"top_k": 5}),
    ("top_k_min_keep", {"top_k": 2, "min_tokens_to_keep": 4}),
    ("top_p", {"top_p": 0.8}),
    ("top_p_small", {"top_p": 0.3}),
    ("min_p", {"min_p": 0.1}),
    ("min_p_min_keep", {"min_p": 0.6, "min_tokens_to_keep": 3}),
    ("typical", {"typical_p": 0.7}),
    ("typical_small", {"typical_p": 0.2}),
    ("epsilon", {"epsilon": 0.02}),
    ("eta", {"eta": 0.02}),
    ("eta_large", {"eta": 0.2}),
    ("repetition_penalty", {"repetition_penalty": 1.3}),
    ("no_repeat_ngram_2", {"no_repeat_ngram_size": 2}),
    ("no_repeat_ngram_3", {"no_repeat_ngram_size": 3}),
    ("bad_words", {"bad_words_ids": [3, 7, 40]}),
    ("min_new_tokens", {"min_new_tokens": 8, "eos_token_id": 2}),
    ("chain_t_k_p", {"temperature": 0.8, "top_k": 20, "top_p": 0.9}),
    ("chain_all_warpers", {"temperature": 1.3, "top_k": 30, "top_p": 0.95, "min_p": 0.02, "typical_p": 0.95,
                           "epsilon": 0.001, "eta": 0.001}),
    ("chain_processors_and_warpers", {"repetition_penalty": 1.2, "no_repeat_ngram_size": 2, "bad_words_ids": [5],
                                      "temperature": 0.9, "top_k": 40, "top_p": 0.92, "min_p": 0.01}),
    ("chain_min_keep", {"temperature": 0.5, "top_k": 3, "top_p": 0.5, "min_p": 0.5, "min_tokens_to_keep": 5}),
]


def main(out_path):
    torch.manual_seed(0)
    model = None
    try:
        from transformers import GPT2Config, GPT2LMHeadModel
        model = GPT2LMHeadModel(GPT2Config(vocab_size=V, n_positions=32, n_embd=16, n_layer=1, n_head=2, bos_token_id=1, eos_token_id=2))
    except Exception as e:  # noqa: BLE001
        print("no model for _get_logits_processor:", e)
    cases = []
    for name, params in CASES:
        ids = history()
        x = scores()
        expected = documented_chain(params)(torch.from_numpy(ids), torch.from_numpy(x.copy()))
        agrees = None
        if model is not None and "min_tokens_to_keep" not in params:
            try:
                lib = library_chain(params, model)(torch.from_numpy(ids), torch.from_numpy(x.copy()))
                agrees = bool(torch.equal(torch.isinf(lib), torch.isinf(expected))) and bool(torch.allclose(
                    torch.nan_to_num(lib, neginf=0.0), torch.nan_to_num(expected, neginf=0.0), atol=1e-6))
            except Exception as e:  # noqa: BLE001
                print(name, "library chain failed:", repr(e))
        cases.append({"name": name, "params": params, "prompt_length": PROMPT, "input_ids": ids.tolist(),
                      "scores": encode(torch.from_numpy(x)), "expected": encode(expected),
                      "library_chain_agrees": agrees})
        print(f"{name:32s} kept {[int((~torch.isinf(r)).sum()) for r in expected]}; library chain agrees: {agrees}")
    doc = {"transformers": transformers.__version__, "torch": torch.__version__, "batch": B, "vocab": V,
           "script": "pipeline-core/src/test/resources/decode/make_transformers_golden.py", "cases": cases}
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    print("wrote", len(cases), "cases to", out_path)


if __name__ == "__main__":
    main(sys.argv[1])
