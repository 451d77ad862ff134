#!/usr/bin/env python3
"""imbalanced-learn's SMOTEENN / SMOTETomek at sizes where running them whole takes hours: each step
timed as imbalanced-learn 0.10 runs it, with the quadratic neighbour queries timed on an evenly
spaced sample of the query rows and scaled by the number of queries.

Usage: ${PYTHON:-python3} imblearn_sampled.py CSV_DIR METHOD [--every E] [--dims D] [--full]

METHOD: smote+enn | smote+tomek. What SMOTEENN(random_state=0) / SMOTETomek(random_state=0) run:
  1. SMOTE(random_state=0).fit_resample(X, y)                                  timed whole
  2. NearestNeighbors(n_neighbors=4 (ENN: 3 + itself) or 2 (Tomek)).fit(X_res)   timed whole
     (then one untimed kneighbors call of 512 rows, a warm-up)
  3. kneighbors of the query rows (ENN: every row, class by class; Tomek: every row), brute force
     (scikit-learn picks brute for d > 15)                                     timed on every E-th
     query row of each class, scaled by (rows / sampled rows)
  4. the rest: ENN's per-row label test (timed on the sample, scaled); Tomek's is_tomek loop over
     every row (timed whole, on the sampled neighbours tiled to full length)
The brute-force query costs the same for every query row (a full pass over the fitted rows, in
chunks of 256 queries spread over the OpenMP threads), so its time is linear in the number of
queries; --full also runs the whole fit_resample to check the estimate. Prints one JSON object.
"""
import argparse
import json
import sys
import time
from collections import Counter

import numpy as np
from imblearn.over_sampling import SMOTE
from imblearn.under_sampling import TomekLinks
from sklearn.neighbors import NearestNeighbors

from imblearn_family import load_table, sampler


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path")
    ap.add_argument("method", choices=["smote+enn", "smote+tomek"])
    ap.add_argument("--every", type=int, default=50)
    ap.add_argument("--dims", type=int, default=20)
    ap.add_argument("--full", action="store_true", help="also time the whole fit_resample")
    a = ap.parse_args()
    X, y = load_table(a.path, a.dims)
    out = {"method": a.method, "rows_in": int(len(y)), "every": a.every}

    t = time.perf_counter()
    X_res, y_res = SMOTE(random_state=0).fit_resample(X, y)
    out["smote_s"] = time.perf_counter() - t
    out["rows_resampled"] = int(len(y_res))

    enn = a.method == "smote+enn"
    t = time.perf_counter()
    nn = NearestNeighbors(n_neighbors=4 if enn else 2).fit(X_res)
    out["fit_s"] = time.perf_counter() - t
    # one untimed call first: the first kneighbors call also starts the OpenMP pool and allocates
    # its buffers, which would weigh on short sampled calls (small N) and not on the whole run
    nn.kneighbors(X_res[: min(len(y_res), 512)], return_distance=False)

    sampled = 0
    query_s = 0.0
    if enn:
        # EditedNearestNeighbours(sampling_strategy="all", kind_sel="all"): every class, class by class
        est_query = 0.0
        est_rest = 0.0
        for c in np.unique(y_res):
            idx = np.flatnonzero(y_res == c)
            sample = idx[:: a.every]
            t = time.perf_counter()
            nbrs = nn.kneighbors(X_res[sample], return_distance=False)[:, 1:]
            dq = time.perf_counter() - t
            t = time.perf_counter()
            keep = np.all(y_res[nbrs] == c, axis=1)
            dr = time.perf_counter() - t
            sampled += len(sample)
            query_s += dq
            est_query += dq * len(idx) / len(sample)
            est_rest += dr * len(idx) / len(sample)
            out.setdefault("kept_share_in_sample", {})[str(c)] = float(keep.mean())
        out["query_estimate_s"] = est_query
        out["rest_estimate_s"] = est_rest
    else:
        sample = np.arange(0, len(y_res), a.every)
        t = time.perf_counter()
        nbrs = nn.kneighbors(X_res[sample], return_distance=False)[:, 1]
        query_s = time.perf_counter() - t
        sampled = len(sample)
        out["query_estimate_s"] = query_s * len(y_res) / sampled
        # is_tomek loops over every row in Python: time it whole on a full-length neighbour index
        full_index = np.resize(nbrs, len(y_res))
        t = time.perf_counter()
        TomekLinks.is_tomek(y_res, full_index, list(np.unique(y_res)))
        out["rest_estimate_s"] = time.perf_counter() - t
    out["queries_sampled"] = int(sampled)
    out["query_sample_s"] = query_s
    out["estimate_s"] = out["smote_s"] + out["fit_s"] + out["query_estimate_s"] + out["rest_estimate_s"]
    if a.full:
        s = sampler(a.method)
        t = time.perf_counter()
        _, y_full = s.fit_resample(X, y)
        out["full_fit_resample_s"] = time.perf_counter() - t
        out["full_rows_out"] = int(len(y_full))
        out["full_counts"] = {str(k): int(v) for k, v in sorted(Counter(y_full.tolist()).items())}
    print(json.dumps(out))


if __name__ == "__main__":
    sys.exit(main())
