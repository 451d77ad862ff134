#!/usr/bin/env python3
"""imbalanced-learn baseline for bench/family/bench.py: one method, one CSV table.

Usage: ${PYTHON:-python3} imblearn_family.py CSV_DIR METHOD [--dims D]

METHOD: smote | borderline-1 | borderline-2 | adasyn | random | smote+enn | smote+tomek
(imblearn's SMOTE, BorderlineSMOTE(m_neighbors=10), ADASYN(n_neighbors=5), RandomOverSampler,
SMOTEENN, SMOTETomek, all with random_state=0 and sampling_strategy="auto"). Times fit_resample
only (CSV loading excluded) and prints one JSON object: seconds, rows out, per-class counts.
"""
import argparse
import glob
import json
import os
import sys
import time
from collections import Counter

import numpy as np
import pandas as pd
from imblearn.combine import SMOTEENN, SMOTETomek
from imblearn.over_sampling import ADASYN, SMOTE, BorderlineSMOTE, RandomOverSampler


def sampler(method):
    return {
        "smote": lambda: SMOTE(k_neighbors=5, random_state=0),
        "borderline-1": lambda: BorderlineSMOTE(kind="borderline-1", m_neighbors=10, random_state=0),
        "borderline-2": lambda: BorderlineSMOTE(kind="borderline-2", m_neighbors=10, random_state=0),
        "adasyn": lambda: ADASYN(n_neighbors=5, random_state=0),
        "random": lambda: RandomOverSampler(random_state=0),
        "smote+enn": lambda: SMOTEENN(random_state=0),
        "smote+tomek": lambda: SMOTETomek(random_state=0),
    }[method]()


def load_table(path, dims):
    """Features f0..f{dims-1} as a contiguous float64 matrix and the int64 label, from a CSV file or
    a folder of Spark CSV parts."""
    features = [f"f{i}" for i in range(dims)]
    files = sorted(glob.glob(os.path.join(path, "part-*.csv"))) or [path]
    dtypes = {c: np.float64 for c in features}
    dtypes["label"] = np.int64
    df = pd.concat([pd.read_csv(f, usecols=features + ["label"], dtype=dtypes) for f in files], ignore_index=True)
    return np.ascontiguousarray(df[features].to_numpy(dtype=np.float64)), df["label"].to_numpy()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path")
    ap.add_argument("method")
    ap.add_argument("--dims", type=int, default=20)
    a = ap.parse_args()
    X, y = load_table(a.path, a.dims)
    s = sampler(a.method)
    t0 = time.perf_counter()
    _, y_res = s.fit_resample(X, y)
    dt = time.perf_counter() - t0
    print(json.dumps({"method": a.method, "seconds": dt, "rows_in": int(len(y)), "rows_out": int(len(y_res)),
                      "counts": {str(k): int(v) for k, v in sorted(Counter(y_res.tolist()).items())}}))


if __name__ == "__main__":
    sys.exit(main())
