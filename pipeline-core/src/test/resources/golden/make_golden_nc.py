#!/usr/bin/python3
"""Golden file for the SMOTE-NC test: nc_lending_club.csv.

Data: ../modeldata/lending_club.csv (Debian r-cran-modeldata, MIT), label `Class` ("bad" is the
class "auto" raises), categorical columns term, sub_grade, addr_state, verification_status,
emp_length, every other column continuous (float64).

Metric (SMOTE-NC as in Chawla et al. 2002 and imbalanced-learn >= 0.12): med = median of the
population standard deviations of the continuous columns over the "bad" rows; the squared
distance of two rows is the squared Euclidean distance of their continuous parts plus med**2 for
every categorical column whose values differ. Computed here exactly (float64, exhaustive), not
with imbalanced-learn 0.10's one-hot encoding, which uses med/2 (so med**2/2 per mismatch).

One line per "bad" row: row (0-based data-row index), d1..d5 (ascending exact distances to its 5
nearest other "bad" rows), tie (1 when d5 equals d6, so the neighbour set depends on ties), and
for each categorical column the values tied for most frequent among those 5 neighbours, joined
by "|" (sorted). Also writes nc_summary.json with med and imbalanced-learn 0.10 SMOTENC's output
counts for sampling_strategy="auto" (random_state=0).

Rerun from the repository root: /usr/bin/python3 pipeline-core/src/test/resources/golden/make_golden_nc.py
"""
import json
import os
from collections import Counter

import numpy as np
import pandas as pd
from imblearn.over_sampling import SMOTENC

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, os.pardir, "modeldata", "lending_club.csv")
CATS = ["term", "sub_grade", "addr_state", "verification_status", "emp_length"]
# small-scale continuous columns, so that the categorical term matters for the neighbour order
CONT = ["int_rate", "delinq_2yrs", "inq_last_6mths", "open_il_6m", "open_il_12m", "open_il_24m", "inq_fi",
        "inq_last_12m", "num_il_tl", "acc_now_delinq"]
LABEL = "Class"
K = 5


def main():
    df = pd.read_csv(DATA, keep_default_na=False, dtype={c: str for c in CATS + [LABEL]})
    cont = CONT
    y = df[LABEL].to_numpy()
    Xc = df[cont].to_numpy(dtype=np.float64)
    Xk = df[CATS].to_numpy(dtype=object)
    idx = np.flatnonzero(y == "bad")
    med = float(np.median(np.std(Xc[idx], axis=0)))
    pen = med * med
    lines = ["row,d1,d2,d3,d4,d5,tie," + ",".join(CATS)]
    for i in idx:
        d2 = ((Xc[idx] - Xc[i]) ** 2).sum(axis=1) + pen * (Xk[idx] != Xk[i]).sum(axis=1)
        d2[idx == i] = np.inf
        order = np.argsort(d2, kind="stable")
        d = np.sqrt(d2[order[:K + 1]])
        modes = []
        for j in range(len(CATS)):
            counts = Counter(Xk[idx[order[:K]], j])
            best = max(counts.values())
            modes.append("|".join(sorted(v for v, n in counts.items() if n == best)))
        lines.append(f"{i}," + ",".join(repr(float(v)) for v in d[:K]) + f",{int(d[K - 1] == d[K])}," + ",".join(modes))
    with open(os.path.join(HERE, "nc_lending_club.csv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    X = df[CONT + CATS]
    cat_idx = [X.columns.get_loc(c) for c in CATS]
    _, y_res = SMOTENC(categorical_features=cat_idx, k_neighbors=K, random_state=0).fit_resample(X, y)
    summary = {"median_std": med, "before": dict(sorted(Counter(y.tolist()).items())),
               "smotenc_after": dict(sorted(Counter(y_res.tolist()).items()))}
    with open(os.path.join(HERE, "nc_summary.json"), "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
