#!/usr/bin/env python3
"""Golden files for the SMOTEN test: smoten_<dataset>.csv and smoten_summary.json.

Data: ../mlbench/HouseVotes84.csv and Soybean.csv (label `Class`, every other column categorical;
"NA" read as an ordinary category string). For every row of every class sampling_strategy="auto"
raises, the synthetic row imbalanced-learn 0.10's SMOTEN makes from it, computed with its own
pieces: OrdinalEncoder on the whole table, ValueDifferenceMetric(k=1, r=2) fitted on the whole
table, NearestNeighbors(k_neighbors+1=6, metric="precomputed") on the class's VDM matrix, and the
per-feature scipy mode (smallest value on ties) over those 6 rows (the row itself included).

Columns: row (0-based data-row index), tie (1 when the 6th and 7th smallest VDM distances of the
row are equal, so the neighbour set depends on tie-breaking), then the synthetic values in
column order. smoten_summary.json: imblearn SMOTEN's output counts (random_state=0).

Rerun from the repository root: ${PYTHON:-python3} pipeline-core/src/test/resources/golden/make_golden_smoten.py
"""
import json
import os
from collections import Counter

import numpy as np
import pandas as pd
from imblearn.metrics.pairwise import ValueDifferenceMetric
from imblearn.over_sampling import SMOTEN
from scipy.stats import mode
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import OrdinalEncoder

HERE = os.path.dirname(os.path.abspath(__file__))
K = 5


def main():
    summary = {}
    for stem in ["HouseVotes84", "Soybean"]:
        df = pd.read_csv(os.path.join(HERE, os.pardir, "mlbench", stem + ".csv"), dtype=str, keep_default_na=False)
        y = df["Class"].to_numpy()
        X = df.drop(columns=["Class"]).to_numpy(dtype=object)
        counts = Counter(y.tolist())
        majority = max(sorted(counts), key=lambda c: counts[c])
        enc = OrdinalEncoder(dtype=np.int32)
        Xe = enc.fit_transform(X)
        vdm = ValueDifferenceMetric(n_categories=[len(c) for c in enc.categories_]).fit(Xe, y)
        lines = ["row,tie," + ",".join(df.columns.drop("Class"))]
        for c in sorted(counts):
            if c == majority:
                continue
            idx = np.flatnonzero(y == c)
            D = vdm.pairwise(Xe[idx])
            nn = NearestNeighbors(n_neighbors=K + 1, metric="precomputed").fit(D).kneighbors(D, return_distance=False)
            new = np.squeeze(mode(Xe[idx][nn], axis=1, keepdims=True).mode, axis=1)
            decoded = enc.inverse_transform(new)
            for pos, i in enumerate(idx):
                d = np.sort(D[pos])
                tie = int(len(d) > K + 1 and d[K] == d[K + 1])
                lines.append(f"{i},{tie}," + ",".join(str(v) for v in decoded[pos]))
        with open(os.path.join(HERE, f"smoten_{stem}.csv"), "w") as f:
            f.write("\n".join(lines) + "\n")
        _, y_res = SMOTEN(k_neighbors=K, random_state=0).fit_resample(X, y)
        summary[stem] = {"before": dict(sorted(counts.items())), "after": dict(sorted(Counter(y_res.tolist()).items()))}
    with open(os.path.join(HERE, "smoten_summary.json"), "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
