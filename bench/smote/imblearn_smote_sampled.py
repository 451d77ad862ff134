#!/usr/bin/env python3
"""imbalanced-learn's SMOTE at sizes where running it whole takes an hour: each step of
SMOTE(k_neighbors=5, random_state=0).fit_resample timed as imbalanced-learn 0.10 runs it, with the
quadratic neighbour queries timed on an evenly spaced sample of the query rows and scaled by the
number of queries.

Usage: ${PYTHON:-python3} imblearn_smote_sampled.py CSV_DIR [--every E] [--dims D] [--full]

What SMOTE._fit_resample runs, and how each step is timed:
  0. input checks and sampling_strategy_ (fit_resample's wrapper)               timed whole
  1. X.copy(), y.copy()                                                          timed whole
  per raised class:
  2. flatnonzero(y == class), X[indices]                                         timed whole
  3. NearestNeighbors(n_neighbors=6).fit(X_class)                                timed whole
     (then one untimed kneighbors call of 512 rows, a warm-up)
  4. kneighbors(X_class) (scikit-learn picks brute force for d > 15)            timed on every E-th
                                                                                 row, scaled by
                                                                                 (rows / sampled rows)
  5. _make_samples(X_class, ..., nns, n_samples)                                 timed whole, on the
     sampled neighbour lists tiled to the class's length (same shapes, same gathers)
  6. np.vstack / np.hstack of the original and synthetic rows                    timed whole
The brute-force query costs the same for every query row (a full pass over the fitted rows, in
chunks spread over the OpenMP threads), so its time is linear in the number of queries; --full also
runs the whole fit_resample, to check the estimate where that is affordable. Prints one JSON object.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
from imblearn.over_sampling import SMOTE
from imblearn.utils import check_sampling_strategy

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "family"))
from imblearn_family import load_table  # noqa: E402


def timed(f):
    t = time.perf_counter()
    r = f()
    return r, time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path")
    ap.add_argument("--every", type=int, default=50)
    ap.add_argument("--dims", type=int, default=16)
    ap.add_argument("--full", action="store_true", help="also time the whole fit_resample")
    a = ap.parse_args()
    (X, y), load_s = timed(lambda: load_table(a.path, a.dims))
    out = {"rows_in": int(len(y)), "every": a.every, "load_s": load_s}
    print(f"loaded {len(y)} rows in {load_s:.1f} s", file=sys.stderr)

    smote = SMOTE(k_neighbors=5, random_state=0)
    steps = {}

    def check():
        Xc, yc, _ = smote._check_X_y(X, y)
        return Xc, yc, check_sampling_strategy(smote.sampling_strategy, yc, smote._sampling_type)

    (Xc, yc, strategy), steps["check"] = timed(check)
    smote.sampling_strategy_ = strategy
    smote._validate_estimator()
    (parts_x, parts_y), steps["copy"] = timed(lambda: ([Xc.copy()], [yc.copy()]))
    sampled = 0
    steps.update({"select": 0.0, "fit": 0.0, "query_sample": 0.0, "query_estimate": 0.0, "make_samples": 0.0})
    for klass, n_samples in strategy.items():
        if n_samples == 0:
            continue
        X_class, dt = timed(lambda: Xc[np.flatnonzero(yc == klass)])
        steps["select"] += dt
        _, dt = timed(lambda: smote.nn_k_.fit(X_class))
        steps["fit"] += dt
        smote.nn_k_.kneighbors(X_class[: min(len(X_class), 512)], return_distance=False)
        sample = np.arange(0, len(X_class), a.every)
        nns, dt = timed(lambda: smote.nn_k_.kneighbors(X_class[sample], return_distance=False)[:, 1:])
        steps["query_sample"] += dt
        steps["query_estimate"] += dt * len(X_class) / len(sample)
        sampled += len(sample)
        full_nns = np.resize(nns, (len(X_class), nns.shape[1]))
        (X_new, y_new), dt = timed(lambda: smote._make_samples(X_class, yc.dtype, klass, X_class, full_nns, n_samples, 1.0))
        steps["make_samples"] += dt
        parts_x.append(X_new)
        parts_y.append(y_new)
        print(f"class {klass}: {len(X_class)} rows, {n_samples} new, {len(sample)} sampled queries in "
              f"{steps['query_sample']:.1f} s", file=sys.stderr)
    (X_res, y_res), steps["stack"] = timed(lambda: (np.vstack(parts_x), np.hstack(parts_y)))
    out["rows_out"] = int(len(y_res))
    del X_res, y_res, parts_x, parts_y
    out["steps_s"] = steps
    out["queries_sampled"] = int(sampled)
    out["estimate_s"] = sum(v for k, v in steps.items() if k != "query_sample")
    if a.full:
        (_, y_full), dt = timed(lambda: SMOTE(k_neighbors=5, random_state=0).fit_resample(X, y))
        out["full_fit_resample_s"] = dt
        out["full_rows_out"] = int(len(y_full))
    print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
