#!/usr/bin/env python3
"""Data for the downstream check (bench/family/downstream.sh).

For Satellite ("damp grey soil" vs rest) and LetterRecognition ("Z" vs rest) from
pipeline-core/src/test/resources/mlbench: a stratified 70/30 train/test split (scikit-learn
train_test_split, random_state=0), written as bench-out/downstream/<stem>/{train,test}.csv with
columns id, f0..f(d-1), label; and imbalanced-learn 0.10's output on the training rows for each
method (imblearn-<method>.csv, same columns, id empty for synthetic rows).
"""
import os
import sys

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "pipeline-core", "src", "test", "resources", "golden"))
os.environ.setdefault("PYTHONHASHSEED", "0")
from make_golden import load  # noqa: E402

sys.path.insert(0, HERE)
from imblearn_family import sampler  # noqa: E402

METHODS = ["smote", "borderline-1", "borderline-2", "adasyn", "random", "smote+enn", "smote+tomek"]
SETS = {"Satellite": "damp grey soil", "LetterRecognition": "Z"}


def frame(X, y, ids):
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    df.insert(0, "id", ids)
    df["label"] = y
    return df


def main():
    for stem in SETS:
        X, y, _ = load(stem)
        idx = np.arange(len(y))
        tr, te = train_test_split(idx, test_size=0.3, stratify=y, random_state=0)
        out = os.path.join(ROOT, "bench-out", "downstream", stem)
        os.makedirs(out, exist_ok=True)
        frame(X[tr], y[tr], tr).to_csv(os.path.join(out, "train.csv"), index=False)
        frame(X[te], y[te], te).to_csv(os.path.join(out, "test.csv"), index=False)
        for m in METHODS:
            Xr, yr = sampler(m).fit_resample(X[tr], y[tr])
            ids = pd.array([None] * len(yr), dtype="Int64")
            frame(Xr, yr, ids).to_csv(os.path.join(out, f"imblearn-{m}.csv"), index=False)
            print(stem, m, len(yr), file=sys.stderr)


if __name__ == "__main__":
    main()
