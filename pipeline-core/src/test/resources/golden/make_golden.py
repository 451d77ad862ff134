#!/usr/bin/env python3
"""Generate golden reference files for Sampleforge's SMOTE tests.

What it makes (all written next to this script, in golden/):

  smote_counts.json
      {"versions": {...}, "cases": [...], "errors": [...]}
      Each case records the class counts before and after running
      imblearn.over_sampling.SMOTE(sampling_strategy=<strategy>, k_neighbors=5,
      random_state=0).fit_resample(X, y) on one of the mlbench datasets in
      ../mlbench/.  "binary_positive" is null for the dataset's own labels, or
      the class kept as positive while every other class is relabelled "rest".
      Each error records a strategy that imblearn refuses, with the first line
      of the exception message.  imblearn 0.10.0 wrongly refuses the string
      "minority" for over-samplers (parameter-constraint bug, fixed in
      0.10.1): those refusals are listed under "errors" with a "note", and the
      matching cases are still computed, with the constraint corrected on the
      SMOTE instance, and carry the same "note".

  knn_<dataset>.csv
      For every row of every class that "auto" would over-sample (all classes
      but the majority) and that has at least 2 rows: the Euclidean distances
      to its k=5 nearest neighbours among rows of the same class, the row
      itself excluded (duplicates of it are NOT excluded and give distance 0).
      Columns: row (0-based data-row index in the CSV), label, d1..d5 (ascending;
      empty where the class has fewer than 6 rows).  Distances are written with
      repr(), i.e. the shortest string that round-trips to the same float64.
      The neighbour search is sklearn NearestNeighbors(algorithm='brute')
      .kneighbors() with no X argument; distances are then recomputed exactly
      as sqrt(sum over features, in column order, of (a_j - b_j)^2) in float64
      and checked against an exhaustive exact search, so the values do not
      carry sklearn's ||a||^2 - 2ab + ||b||^2 rounding.

Inputs: ../mlbench/{Shuttle,Satellite,PimaIndiansDiabetes,LetterRecognition}.csv
(R exports from the mlbench package; label is the last column, except `lettr`,
which is the first column of LetterRecognition.csv).  Features are read as
float64.

Rerun from the repository root with Debian's python3-imblearn (0.10),
python3-sklearn and python3-pandas installed:

    ${PYTHON:-python3} pipeline-core/src/test/resources/golden/make_golden.py

The output is deterministic (SMOTE uses random_state=0; only counts are kept;
the script re-executes itself with PYTHONHASHSEED=0 so error messages that
print Python sets come out in the same order).
"""

import json
import os
import sys
from collections import Counter

# imblearn's "minority" refusal message prints a Python set of strings, whose
# order depends on hash randomisation; pin it so the JSON is reproducible.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import numpy as np
import pandas as pd
import imblearn
import sklearn
from imblearn.over_sampling import SMOTE
from sklearn.neighbors import NearestNeighbors
from sklearn.utils._param_validation import StrOptions

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, os.pardir, "mlbench")
K = 5

# dataset stem -> (label column, binary_positive or None)
DATASETS = {
    "Shuttle": ("Class", None),
    "Satellite": ("classes", "damp grey soil"),
    "PimaIndiansDiabetes": ("diabetes", None),
    "LetterRecognition": ("lettr", "Z"),
}


def load(stem):
    """Return (X float64 array, y array of str, label column name)."""
    label, positive = DATASETS[stem]
    df = pd.read_csv(os.path.join(DATA, stem + ".csv"),
                     dtype={label: str}, keep_default_na=False)
    y = df[label].to_numpy(dtype=object).astype(str)
    X = df.drop(columns=[label]).to_numpy(dtype=np.float64)
    if positive is not None:
        assert positive in set(y), (stem, positive)
        y = np.where(y == positive, positive, "rest").astype(str)
    return X, y, label


def counts(y):
    return {str(c): int(n) for c, n in sorted(Counter(y).items())}


def run_smote(X, y, strategy, fix_minority=False):
    smote = SMOTE(sampling_strategy=strategy, k_neighbors=K, random_state=0)
    if fix_minority:
        # imblearn 0.10.0 bug: BaseOverSampler._parameter_constraints lists
        # StrOptions({"auto", "majority", ...}) where "minority" belongs
        # (fixed upstream in 0.10.1), so "minority" is refused before
        # check_sampling_strategy, which does support it for over-samplers.
        # Put "minority" in, on this instance only.
        cons = dict(smote._parameter_constraints)
        cons["sampling_strategy"] = [
            StrOptions({"auto", "minority", "not minority", "not majority",
                        "all"}) if isinstance(c, StrOptions) else c
            for c in cons["sampling_strategy"]]
        smote._parameter_constraints = cons
    _, y_res = smote.fit_resample(X, y)
    return counts(y_res)


MINORITY_NOTE = ("imblearn 0.10.0 refuses sampling_strategy='minority' for "
                 "over-samplers (its parameter constraint lists 'majority' "
                 "instead; fixed in 0.10.1); 'after' was computed with "
                 "'minority' put back into the constraint on that instance")


def first_line(exc):
    msg = str(exc).strip()
    return msg.splitlines()[0] if msg else type(exc).__name__


def make_counts():
    satellite_rest = None
    cases_spec = [
        ("Shuttle", ["auto", "minority", "not minority", "not majority", "all",
                     {"Bpv.Close": 500, "Fpv.Open": 1000}]),
        ("Satellite", ["auto", "minority", 0.5, 0.75, 1.0, "SATELLITE_DICT"]),
        ("PimaIndiansDiabetes", ["auto", "all", 0.6, 0.9]),
        ("LetterRecognition", ["auto", 0.3]),
    ]
    errors_spec = [
        ("PimaIndiansDiabetes", 0.2),
        ("Shuttle", 0.5),
        ("Shuttle", {"nope": 100}),
        ("Shuttle", {"Bpv.Close": 5}),
    ]
    cache = {}
    cases, errors = [], []
    for stem, strategies in cases_spec:
        X, y, label = cache.setdefault(stem, load(stem))
        before = counts(y)
        for strategy in strategies:
            if strategy == "SATELLITE_DICT":
                satellite_rest = before["rest"]  # real count: 6435 - 626
                strategy = {"damp grey soil": 2000, "rest": satellite_rest}
            note = None
            try:
                after = run_smote(X, y, strategy)
            except ValueError as exc:  # InvalidParameterError is a ValueError
                if strategy != "minority":
                    raise
                errors.append({"dataset": stem, "strategy": strategy,
                               "error": first_line(exc),
                               "note": MINORITY_NOTE})
                after = run_smote(X, y, strategy, fix_minority=True)
                note = MINORITY_NOTE
            case = {
                "dataset": stem,
                "label": label,
                "binary_positive": DATASETS[stem][1],
                "k": K,
                "strategy": strategy,
                "before": before,
                "after": after,
            }
            if note:
                case["note"] = note
            cases.append(case)
            print(f"{stem:20s} {strategy!s:40s} {after}")
    for stem, strategy in errors_spec:
        X, y, _ = cache.setdefault(stem, load(stem))
        try:
            after = run_smote(X, y, strategy)
        except Exception as exc:  # imblearn raises ValueError
            errors.append({"dataset": stem, "strategy": strategy,
                           "error": first_line(exc)})
            print(f"{stem:20s} {strategy!s:40s} ERROR {type(exc).__name__}: "
                  f"{first_line(exc)}")
        else:
            sys.exit(f"expected imblearn to refuse {stem} {strategy!r}, "
                     f"got {after}")
    out = {
        "versions": {
            "python": sys.version.split()[0],
            "imblearn": imblearn.__version__,
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
            "pandas": pd.__version__,
        },
        "cases": cases,
        "errors": errors,
    }
    with open(os.path.join(HERE, "smote_counts.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    return cache


def exact_sqdist(A, B):
    """(len(A), len(B)) squared Euclidean distances, summed feature by
    feature in column order (the naive loop a Java implementation uses)."""
    acc = np.zeros((A.shape[0], B.shape[0]), dtype=np.float64)
    for j in range(A.shape[1]):
        d = A[:, j][:, None] - B[:, j][None, :]
        acc += d * d
    return acc


def class_knn(Xc):
    """Sorted exact distances (n, min(K, n-1)) to same-class neighbours."""
    n = Xc.shape[0]
    k = min(K, n - 1)
    nn = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(Xc)
    sk_dist, sk_idx = nn.kneighbors()  # no X: excludes each query point
    out = np.empty((n, k), dtype=np.float64)
    step = 1024
    for s in range(0, n, step):
        e = min(n, s + step)
        sq = exact_sqdist(Xc[s:e], Xc)
        sq[np.arange(e - s), np.arange(s, e)] = np.inf  # drop self only
        exact = np.sqrt(np.sort(sq, axis=1)[:, :k])  # exhaustive exact k-NN
        rows = np.arange(s, e)[:, None]
        d = Xc[rows, :] - Xc[sk_idx[s:e], :]
        # recompute sklearn's neighbours' distances exactly, column order
        sq_sk = np.zeros((e - s, k), dtype=np.float64)
        for j in range(Xc.shape[1]):
            sq_sk += d[:, :, j] * d[:, :, j]
        from_sk = np.sort(np.sqrt(sq_sk), axis=1)
        if not np.array_equal(exact, from_sk):
            bad = np.max(np.abs(exact - from_sk))
            # sklearn may only disagree by choosing among near-ties
            assert bad < 1e-9, f"sklearn neighbours differ from exact: {bad}"
        assert np.allclose(sk_dist[s:e], exact, rtol=1e-7, atol=1e-6)
        out[s:e] = exact
    return out


def make_knn(cache):
    for stem in DATASETS:
        X, y, _ = cache.get(stem) or load(stem)
        c = Counter(y)
        majority = max(c.values())
        path = os.path.join(HERE, f"knn_{stem}.csv")
        written = 0
        with open(path, "w") as f:
            f.write("row,label," + ",".join(f"d{i}" for i in range(1, K + 1))
                    + "\n")
            for cls in sorted(c):
                # "auto" == "not majority": every class with fewer rows than
                # the majority class gets over-sampled (no ties in these data sets)
                if c[cls] == majority or c[cls] < 2:
                    continue
                idx = np.flatnonzero(y == cls)
                dist = class_knn(X[idx])
                label = f'"{cls}"' if ("," in cls or '"' in cls) else cls
                for r, drow in zip(idx, dist):
                    cells = [repr(float(v)) for v in drow]
                    cells += [""] * (K - len(cells))
                    f.write(f"{r},{label}," + ",".join(cells) + "\n")
                    written += 1
        print(f"{os.path.basename(path)}: {written} rows, "
              f"{os.path.getsize(path)} bytes")


if __name__ == "__main__":
    make_knn(make_counts())
