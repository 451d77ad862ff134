#!/usr/bin/env python3
"""Trains a tiny sequence classifier on toy_mlm's vocabulary (is this row a toy-grammar sentence?) and
exports it for TorchScriptScorer, the reward model of reward-guided masked diffusion (SVDD);
Debian python3-torch, fixed seeds, CPU, one thread, about two minutes:

  java -cp <test classpath> io.sampleforge.text.ToyCorpusDump 20000 1 > /tmp/toy.txt
  OMP_NUM_THREADS=1 ${PYTHON:-/usr/bin/python3} make_toy_scorer.py /tmp/toy.txt

Contract of toy_scorer/model.pt:

  forward(input_ids int64 [B, T]) -> score float32 [B],  T = 16, ids in [0, 45)

score = the logit that the row is grammatical. Rows have toy_mlm's layout (toy_mlm/tokenizer.json:
0 <unk>, 1 <s>, 2 </s>, 3 '.' .. 43 'with', 44 <mask>): a sentence of at most 15 words, then </s>
up to T = 16. Positives: the corpus sentences. Negatives: corruptions of them (one word of the other number, two words
swapped, one to three words replaced, the period dropped, a word deleted or inserted, a word after the </s>
padding, the sentence cut short, a row of random words), each labelled by the recogniser below
(the toy grammar, as io.sampleforge.text.ToyGrammar#grammatical defines it, written again here so the
labels are exact: a corruption that happens to be grammatical is labelled 1). The mask id has an
embedding but never occurs in training, so masked rows are outside the training distribution.
Writes toy_scorer/model.pt, toy_scorer/config.json (sizes, training numbers, held-out accuracy) and
toy_scorer/reference.json (the scores PyTorch computes for fixed rows).
"""
import json
import math
import os
import random
import sys
import time

import torch
from torch import nn

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "toy_scorer")
os.makedirs(here, exist_ok=True)
torch.manual_seed(41)
torch.set_num_threads(1)
rng = random.Random(43)

DET_S, DET_P = {"a", "every", "the"}, {"some", "many", "the"}
N_S = {"cat", "dog", "bird", "child", "teacher", "farmer"}
N_P = {"cats", "dogs", "birds", "children", "teachers", "farmers"}
ADJ = {"big", "small", "happy", "red", "quiet", "old"}
PREP = {"with", "near", "behind"}
TV_S, TV_P = {"sees", "chases", "likes", "follows"}, {"see", "chase", "like", "follow"}
IV_S, IV_P = {"sleeps", "runs", "sings"}, {"sleep", "run", "sing"}


def at(t, i, words):
    return i < len(t) and t[i] in words


def noun_phrases(t, i, plural, allow_pp):
    ends = set()
    if not at(t, i, DET_P if plural else DET_S):
        return ends
    for adjectives in range(3):
        j = i + 1 + adjectives
        if all(at(t, k, ADJ) for k in range(i + 1, j)) and at(t, j, N_P if plural else N_S):
            ends.add(j + 1)
            if allow_pp:
                ends |= prepositionals(t, j + 1)
    return ends


def prepositionals(t, i):
    if not at(t, i, PREP):
        return set()
    return noun_phrases(t, i + 1, False, False) | noun_phrases(t, i + 1, True, False)


def verb_phrases(t, i, plural):
    ends = set()
    if at(t, i, TV_P if plural else TV_S):
        ends |= noun_phrases(t, i + 1, False, True) | noun_phrases(t, i + 1, True, True)
    if at(t, i, IV_P if plural else IV_S):
        ends.add(i + 1)
    with_pp = set(ends)
    for e in ends:
        with_pp |= prepositionals(t, e)
    return with_pp


def grammatical(t):
    if len(t) < 3 or t[-1] != ".":
        return False
    return any(vp == len(t) - 1 for plural in (False, True) for np_ in noun_phrases(t, 0, plural, True)
               for vp in verb_phrases(t, np_, plural))


sentences = [line.split() for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
words = sorted({w for s in sentences for w in s})
vocab = ["<unk>", "<s>", "</s>"] + words + ["<mask>"]
ids = {w: i for i, w in enumerate(vocab)}
EOS, MASK = 2, len(vocab) - 1
V, D, H, LAYERS, T = len(vocab), 32, 4, 2, 16
assert V == 45 and MASK == 44, (V, MASK)
sentences = [s for s in sentences if len(s) <= T - 1]
assert all(grammatical(s) for s in sentences), "the recogniser rejects a corpus sentence"
WORD_IDS = list(range(3, MASK))  # '.' and the grammar's words


def row(word_ids, tail=()):
    """Sentence ids, then </s> to T; `tail` = (position, id) pairs written over the padding."""
    r = list(word_ids)[:T] + [EOS] * (T - min(len(word_ids), T))
    for p, v in tail:
        r[p] = v
    return r


def label(r):
    """1 when the row is a grammatical sentence followed only by </s>."""
    n = r.index(EOS) if EOS in r else T
    if any(v != EOS for v in r[n:]):
        return 0
    return int(grammatical([vocab[v] for v in r[:n]]))


SINGULAR = ["cat", "dog", "bird", "child", "teacher", "farmer", "sees", "chases", "likes", "follows", "sleeps", "runs",
            "sings", "a", "every"]
PLURAL = ["cats", "dogs", "birds", "children", "teachers", "farmers", "see", "chase", "like", "follow", "sleep", "run",
          "sing", "some", "many"]
OTHER_NUMBER = {**dict(zip(SINGULAR, PLURAL)), **dict(zip(PLURAL, SINGULAR))}


def corrupt(s):
    w = [ids[x] for x in s]
    kind = rng.randrange(11)
    flippable = [i for i, x in enumerate(s) if x in OTHER_NUMBER]
    if kind >= 9 and flippable:  # one word of the other number (an agreement error, mostly)
        i = rng.choice(flippable)
        w[i] = ids[OTHER_NUMBER[s[i]]]
        return row(w)
    if kind == 0 and len(w) >= 3:  # swap two adjacent words (the period included)
        i = rng.randrange(len(w) - 1)
        w[i], w[i + 1] = w[i + 1], w[i]
    elif kind == 1:  # swap two words anywhere
        i, j = rng.sample(range(len(w)), 2)
        w[i], w[j] = w[j], w[i]
    elif kind == 2:  # replace one to three words
        for _ in range(rng.choice((1, 1, 2, 3))):
            w[rng.randrange(len(w))] = rng.choice(WORD_IDS) if rng.random() < 0.95 else rng.choice((0, 1))
    elif kind == 3:  # drop the period
        w = w[:-1]
    elif kind == 4:  # delete a word
        del w[rng.randrange(len(w))]
    elif kind == 5 and len(w) < T - 1:  # insert a word
        w.insert(rng.randrange(len(w) + 1), rng.choice(WORD_IDS))
    elif kind == 6 and len(w) < T - 1:  # a word after the </s> padding
        return row(w, [(rng.randrange(len(w) + 1, T), rng.choice(WORD_IDS))])
    elif kind == 7:  # cut short, sometimes with a period at the cut
        w = w[:rng.randrange(len(w) - 1)] + ([ids["."]] if rng.random() < 0.5 else [])
    else:  # random words
        w = [rng.choice(WORD_IDS) for _ in range(rng.randrange(1, T))]
    return row(w)


pos_rows = [row([ids[x] for x in s]) for s in sentences]
neg_rows = [corrupt(s) for s in sentences]
neg_labels = [label(r) for r in neg_rows]
assert all(label(r) == 1 for r in pos_rows)
rows = torch.tensor(pos_rows + neg_rows, dtype=torch.long)
labels = torch.tensor([1.0] * len(pos_rows) + [float(v) for v in neg_labels])
n = len(pos_rows)
held_idx = torch.tensor(list(range(1000)) + list(range(n, n + 1000)))
train_idx = torch.tensor(list(range(1000, n)) + list(range(n + 1000, 2 * n)))
print("rows", len(rows), "corruptions that stayed grammatical", sum(neg_labels), flush=True)


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


class Scorer(nn.Module):
    """Bidirectional encoder, mean over positions, one logit per row."""

    def __init__(self, vocab, d, h, layers, context):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(context, d)
        self.blocks = nn.ModuleList([Block(d, h) for _ in range(layers)])
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, 1)

    def forward(self, input_ids):
        t = input_ids.shape[1]
        x = self.tok(input_ids) + self.pos(torch.arange(t, device=input_ids.device).view(1, t))
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.ln(x).mean(1)).squeeze(1)


model = Scorer(V, D, H, LAYERS, T)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
g = torch.Generator().manual_seed(47)
steps, batch = int(os.environ.get("STEPS", "3000")), 64
loss_fn = nn.BCEWithLogitsLoss()
for step in range(steps):
    pick = train_idx[torch.randint(0, len(train_idx), (batch,), generator=g)]
    loss = loss_fn(model(rows[pick]), labels[pick])
    opt.zero_grad()
    loss.backward()
    opt.step()
    for group in opt.param_groups:
        group["lr"] = 3e-3 * (1 - step / steps)
    if step % 250 == 0:
        print("step", step, "loss", round(loss.item(), 4), "cpu", round(time.process_time(), 1), flush=True)
model.eval()
with torch.no_grad():
    held_scores = model(rows[held_idx])
    held_loss = loss_fn(held_scores, labels[held_idx]).item()
    held_acc = ((held_scores > 0).float() == labels[held_idx]).float().mean().item()
    pos_acc = (held_scores[:1000] > 0).float().mean().item()
print("final train loss", loss.item(), "held-out loss", held_loss, "accuracy", held_acc, "on positives", pos_acc,
      "cpu", round(time.process_time(), 1))

scripted = torch.jit.script(model)
scripted.save(os.path.join(here, "model.pt"))


def sent(text, tail=()):
    return row([ids[x] for x in text.split()], tail)


M = MASK
inputs = torch.tensor([
    sent("the cat sees many dogs ."),
    sent("the cat see many dogs ."),
    sent("the cat sees many dogs"),
    sent("every happy child near the red birds sleeps ."),
    sent("cat the sees many dogs ."),
    sent("the cat sees many dogs .", [(10, ids["dog"])]),
    [EOS] * T,
    [M] * T,
    sent("the cat sees many dogs .")[:2] + [M, M] + sent("the cat sees many dogs .")[4:],
    sent("some old teachers with a bird chase the quiet small farmer behind many cats ."),
], dtype=torch.long)
with torch.no_grad():
    ref = scripted(inputs)
json.dump({"input_ids": inputs.tolist(), "scores": [round(v, 6) for v in ref.tolist()],
           "labels": [None if MASK in r else label(r) for r in inputs.tolist()], "vocab": V, "mask_id": MASK,
           "torch": torch.__version__},
          open(os.path.join(here, "reference.json"), "w"), indent=1)
json.dump({"vocab_size": V, "mask_id": MASK, "eos_id": EOS, "length": T, "layers": LAYERS, "heads": H, "width": D,
           "parameters": sum(p.numel() for p in model.parameters()), "output": "score float32 [B] (logit)",
           "training_rows": len(train_idx), "corruptions_labelled_grammatical": sum(neg_labels), "steps": steps,
           "batch": batch, "final_loss": round(loss.item(), 4), "held_out_rows": len(held_idx),
           "held_out_loss": round(held_loss, 4), "held_out_accuracy": round(held_acc, 4),
           "held_out_positive_accuracy": round(pos_acc, 4), "torch": torch.__version__},
          open(os.path.join(here, "config.json"), "w"), indent=1)
