#!/usr/bin/env python3
"""imbalanced-learn's whole SMOTE task, as a user runs it, for bench/smote/whole_task.sh.

Usage: ${PYTHON:-python3} imblearn_whole_task.py CSV_DIR_OR_FILE OUT_CSV

pandas read_csv of every part-*.csv (f0..f15 as float64, label as int64, id kept), then
SMOTE(k_neighbors=5, random_state=0).fit_resample, then DataFrame.to_csv of the resampled table
(features and label, as imblearn returns them). Prints one JSON object with the three phase times;
the harness times the whole process (interpreter start and imports included) with /usr/bin/time.
"""
import glob
import json
import os
import sys
import time

t_start = time.perf_counter()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from imblearn.over_sampling import SMOTE  # noqa: E402

FEATURES = [f"f{i}" for i in range(16)]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path, out = sys.argv[1], sys.argv[2]
    files = sorted(glob.glob(os.path.join(path, "part-*.csv"))) if os.path.isdir(path) else [path]
    if not files:
        sys.exit(f"imblearn_whole_task.py: no CSV under {path}")
    imports_s = time.perf_counter() - t_start
    t0 = time.perf_counter()
    dtypes = {c: np.float64 for c in FEATURES}
    dtypes["label"] = np.int64
    frames = [pd.read_csv(f, dtype=dtypes) for f in files]
    df = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    X = df[FEATURES]
    y = df["label"]
    t1 = time.perf_counter()
    X_res, y_res = SMOTE(k_neighbors=5, random_state=0).fit_resample(X, y)
    t2 = time.perf_counter()
    result = X_res.copy()
    result["label"] = y_res
    result.to_csv(out, index=False)
    t3 = time.perf_counter()
    json.dump({"rows_in": int(len(df)), "rows_out": int(len(result)), "imports_s": imports_s,
               "read_s": t1 - t0, "fit_resample_s": t2 - t1, "write_s": t3 - t2}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
