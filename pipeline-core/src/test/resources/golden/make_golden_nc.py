#!/usr/bin/env python3
"""Golden file for the SMOTE-NC test: nc_lending_club.csv, made from imbalanced-learn's own parts.

Data: ../modeldata/lending_club.csv (Debian r-cran-modeldata, MIT), label `Class` ("bad" is the
class "auto" raises), categorical columns term, sub_grade, addr_state, verification_status,
emp_length; the continuous columns below (float64).

The rule Sampleforge documents is SMOTE-NC as in Chawla et al. 2002 and imbalanced-learn >= 0.12:
med = the median of the standard deviations of the continuous columns over the minority class,
and every differing categorical column adds med**2 to the squared distance (the one-hot block is
scaled by med/sqrt(2)). The installed imbalanced-learn (Debian, 0.10) scales the one-hot block by
med/2 instead (med**2/2 per mismatch). So this script takes from imbalanced-learn 0.10 itself:
  - med: SMOTENC.median_std_ after fit_resample (its own variance and median);
  - the encoding: SMOTENC.ohe_ (its fitted OneHotEncoder) beside the continuous columns, i.e. its
    X_encoded, with the one-hot block rescaled by sqrt(2) (0.10's med/2 -> 0.12's med/sqrt(2)),
    the one documented difference;
  - the neighbour sets: SMOTENC.nn_k_ (its k+1 nearest-neighbour estimator) refitted on the
    minority rows of that encoding, as its _fit_resample does.
Distances are then recomputed exactly in float64 on the encoded vectors (the estimator's BLAS
distances are only used for the neighbour sets, and checked against the exact ones).

One line per "bad" row: row (0-based data-row index), d1..d5 (ascending encoded distances to its 5
nearest other "bad" rows), tie (1 when the 5th and 6th distances agree to 1e-9 relative, so the
neighbour set depends on ties), and for each categorical column the values tied for most frequent
among those 5 neighbours, joined by "|" (sorted). nc_summary.json holds med and imbalanced-learn
0.10 SMOTENC's output counts for sampling_strategy="auto" (random_state=0).

Rerun from the repository root: ${PYTHON:-python3} pipeline-core/src/test/resources/golden/make_golden_nc.py
"""
import json
import os
from collections import Counter

import imblearn
import numpy as np
import pandas as pd
from imblearn.over_sampling import SMOTENC
from sklearn.base import clone

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
    y = df[LABEL].to_numpy()
    X = df[CONT + CATS].to_numpy(dtype=object)
    cat_idx = list(range(len(CONT), len(CONT) + len(CATS)))
    smote = SMOTENC(categorical_features=cat_idx, k_neighbors=K, random_state=0)
    _, y_res = smote.fit_resample(X, y)
    med = float(smote.median_std_)
    idx = np.flatnonzero(y == "bad")
    # imbalanced-learn's encoding (X_encoded), its one-hot block at 0.12's scale med/sqrt(2)
    cont = X[idx][:, :len(CONT)].astype(np.float64)
    ohe = smote.ohe_.transform(X[idx][:, len(CONT):]).toarray() * (med / np.sqrt(2.0))
    enc = np.hstack([cont, ohe])
    nn = clone(smote.nn_k_).set_params(n_neighbors=K + 2).fit(enc)
    _, nbr = nn.kneighbors(enc)
    Xk = X[idx][:, len(CONT):]
    lines = ["row,d1,d2,d3,d4,d5,tie," + ",".join(CATS)]
    mismatched_sets = 0
    for a in range(len(idx)):
        exact = np.sqrt(((enc - enc[a]) ** 2).sum(axis=1))
        exact[a] = np.inf
        order = np.argsort(exact, kind="stable")
        d = exact[order[:K + 1]]
        tie = abs(d[K] - d[K - 1]) <= 1e-9 * d[K - 1]
        # the estimator's neighbour set (self removed) must be the exact one unless the 5th place is tied
        est = [j for j in nbr[a] if j != a][:K]
        if not tie and set(est) != set(order[:K]):
            mismatched_sets += 1
        modes = []
        for j in range(len(CATS)):
            counts = Counter(Xk[est, j])
            best = max(counts.values())
            modes.append("|".join(sorted(v for v, n in counts.items() if n == best)))
        lines.append(f"{idx[a]}," + ",".join(repr(float(v)) for v in d[:K]) + f",{int(tie)}," + ",".join(modes))
    assert mismatched_sets == 0, f"{mismatched_sets} neighbour sets differ from the exact encoded distances"
    with open(os.path.join(HERE, "nc_lending_club.csv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    summary = {"imblearn_version": imblearn.__version__, "median_std": med,
               "before": dict(sorted(Counter(y.tolist()).items())),
               "smotenc_after": dict(sorted(Counter(y_res.tolist()).items()))}
    with open(os.path.join(HERE, "nc_summary.json"), "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
