#!/usr/bin/env python3
"""Test fixtures for Hugging Face causal LMs: two tiny transformers models (GPT-2 with learned
positions; Llama with rotary positions and grouped-query attention) trained briefly on the toy
grammar with the toy tokenizer, saved as ordinary Hugging Face folders, exported by the
user-facing script pipeline-core/src/main/python/export_hf_causal_lm.py, plus reference outputs
computed by transformers itself. Needs torch + transformers + tokenizers (+ onnx, onnxruntime);
it was run on the project's GPU machine, which has them (see docs/jobs/generate.md, "Hugging Face models"):

  java -cp <test classpath> io.sampleforge.text.ToyCorpusDump 20000 1 > toy.txt
  python3 make_hf_fixtures.py toy.txt OUT

OUT/hf_gpt2 and OUT/hf_llama each get src/ (config.json, model.safetensors, tokenizer.json), the
exported files of export_hf_causal_lm.py, and reference.json:
  prompts            token id lists (each starts with <s>)
  last_logits        transformers' own forward: float32 logits at each prompt's last position
  greedy             transformers' generate(do_sample=False, max_new_tokens=20, eos 2): new ids
  greedy_penalized   the same with repetition_penalty=1.5 and no_repeat_ngram_size=2
"""
import json
import os
import shutil
import subprocess
import sys

import torch
import transformers
from tokenizers import Tokenizer
from transformers import GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

HERE = os.path.dirname(os.path.abspath(__file__))
EXPORT = os.path.join(HERE, "..", "..", "..", "main", "python", "export_hf_causal_lm.py")
TOKENIZER = os.path.join(HERE, "toy_gpt", "tokenizer.json")
BOS, EOS, CTX = 1, 2, 64
PROMPTS = ["", "the", "some big", "many quiet dogs chase", "every teacher with the child", "dogs dogs dogs"]


def configs(vocab):
    common = dict(vocab_size=vocab, bos_token_id=BOS, eos_token_id=EOS, pad_token_id=EOS)
    return {
        "hf_gpt2": (GPT2LMHeadModel, GPT2Config(n_positions=CTX, n_embd=64, n_layer=2, n_head=4, **common)),
        "hf_llama": (LlamaForCausalLM, LlamaConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                                                   num_attention_heads=4, num_key_value_heads=2,
                                                   max_position_embeddings=CTX, tie_word_embeddings=False,
                                                   **common)),
    }


def train(model, seqs, device, steps=600, batch=64):
    model.to(device).train()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    g = torch.Generator().manual_seed(11)
    for step in range(steps):
        pick = torch.randint(0, len(seqs), (batch,), generator=g).tolist()
        width = max(len(seqs[i]) for i in pick)
        x = torch.full((batch, width), EOS, dtype=torch.long)
        y = torch.full((batch, width), -100, dtype=torch.long)
        for r, i in enumerate(pick):
            s = torch.tensor(seqs[i])
            x[r, : len(s)] = s
            y[r, : len(s)] = s
        loss = model(input_ids=x.to(device), labels=y.to(device)).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
        for group in opt.param_groups:
            group["lr"] = 3e-3 * (1 - step / steps)
        if step % 200 == 0 or step == steps - 1:
            print("  step", step, "loss", round(loss.item(), 4), flush=True)
    return model.eval().cpu().float(), round(loss.item(), 4)


@torch.no_grad()
def references(model, prompts):
    ref = {"prompts": prompts, "last_logits": [], "greedy": [], "greedy_penalized": []}
    for p in prompts:
        x = torch.tensor([p])
        ref["last_logits"].append(model(input_ids=x).logits[0, -1].tolist())
        common = dict(do_sample=False, max_new_tokens=20, eos_token_id=EOS, pad_token_id=EOS)
        ref["greedy"].append(model.generate(x, **common)[0, len(p):].tolist())
        ref["greedy_penalized"].append(
            model.generate(x, repetition_penalty=1.5, no_repeat_ngram_size=2, **common)[0, len(p):].tolist())
    return ref


def main(corpus, out):
    torch.manual_seed(7)
    tok = Tokenizer.from_file(TOKENIZER)
    vocab = tok.get_vocab_size()
    lines = [line.strip() for line in open(corpus, encoding="utf-8") if line.strip()]
    seqs = [([BOS] + tok.encode(s).ids + [EOS])[:CTX] for s in lines]
    prompts = [[BOS] + tok.encode(p).ids if p else [BOS] for p in PROMPTS]
    device = "cuda" if torch.cuda.is_available() else "cpu"
    status = 0
    for name, (cls, cfg) in configs(vocab).items():
        print(name, flush=True)
        torch.manual_seed(7)
        model, loss = train(cls(cfg), seqs, device)
        target = os.path.join(out, name)
        src = os.path.join(target, "src")
        model.save_pretrained(src)
        shutil.copy(TOKENIZER, os.path.join(src, "tokenizer.json"))
        # the toy tokenizer adds no <s>, but the models were trained with one
        rc = subprocess.call([sys.executable, EXPORT, src, target, "--bos-id", str(BOS)])
        status |= rc
        ref = references(model, prompts)
        ref.update({"final_loss": loss, "torch": torch.__version__, "transformers": transformers.__version__,
                    "trained_on": device})
        with open(os.path.join(target, "reference.json"), "w", encoding="utf-8") as f:
            json.dump(ref, f)
        for p, g in zip(PROMPTS, ref["greedy"]):
            print("  ", repr(p), "->", tok.decode(g, skip_special_tokens=False))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
