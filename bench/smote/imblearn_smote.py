#!/usr/bin/env python3
"""imbalanced-learn SMOTE baseline for bench/smote/bench.sh.

Usage: ${PYTHON:-python3} imblearn_smote.py CSV_DIR_OR_FILE [--repeats R]

Loads every part-*.csv of a Spark-style CSV directory (or one CSV file) with pandas, takes
X = f0..f15 (float64) and y = label, and times SMOTE(k_neighbors=5, random_state=0).fit_resample
R times. CSV loading is timed separately and is not part of fit_resample_s. Prints one JSON
object on stdout; progress goes to stderr.
"""
import argparse
import glob
import json
import os
import resource
import statistics
import sys
import time

import numpy as np
import pandas as pd
import imblearn
import sklearn
from imblearn.over_sampling import SMOTE

FEATURES = [f"f{i}" for i in range(16)]


def csv_files(path):
    if os.path.isdir(path):
        files = sorted(glob.glob(os.path.join(path, "part-*.csv")))
        if not files:
            sys.exit(f"imblearn_smote.py: no part-*.csv files in {path}")
        return files
    if os.path.isfile(path):
        return [path]
    sys.exit(f"imblearn_smote.py: not found: {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", help="CSV directory (part-*.csv, with header) or one CSV file")
    ap.add_argument("--repeats", type=int, default=1, help="fit_resample runs (default 1)")
    args = ap.parse_args()
    if args.repeats < 1:
        ap.error("--repeats must be >= 1")

    files = csv_files(args.path)
    t0 = time.perf_counter()
    dtypes = {c: np.float64 for c in FEATURES}
    dtypes["label"] = np.int64
    frames = [pd.read_csv(f, usecols=FEATURES + ["label"], dtype=dtypes) for f in files]
    df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    del frames
    X = np.ascontiguousarray(df[FEATURES].to_numpy(dtype=np.float64))
    y = df["label"].to_numpy()
    del df
    load_s = time.perf_counter() - t0
    n = int(len(y))
    classes, counts = np.unique(y, return_counts=True)
    minority = int(counts.min())
    print(f"loaded {n} rows from {len(files)} file(s) in {load_s:.2f} s; "
          f"classes {dict(zip(classes.tolist(), counts.tolist()))}", file=sys.stderr)

    runs = []
    synthetic = None
    for r in range(args.repeats):
        smote = SMOTE(k_neighbors=5, random_state=0)
        t0 = time.perf_counter()
        X_res, y_res = smote.fit_resample(X, y)
        dt = time.perf_counter() - t0
        runs.append(dt)
        synthetic = int(len(y_res) - n)
        del X_res, y_res
        print(f"run {r + 1}/{args.repeats}: fit_resample {dt:.3f} s, {synthetic} synthetic rows", file=sys.stderr)

    result = {
        "n": n,
        "minority": minority,
        "synthetic": synthetic,
        "load_s": load_s,
        "fit_resample_s": runs,
        "median_s": statistics.median(runs),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "imblearn": imblearn.__version__,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "python": sys.version.split()[0],
        "files": len(files),
    }
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
