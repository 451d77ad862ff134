#!/usr/bin/env python3
"""The same scores with numpy/scipy on one box (benchmark time only).

  numpy_scores.py kernel TABLE.csv METHOD REPEATS [JAVA_SCORES.csv]
      median seconds of the scores alone (data in memory): leverage = row norms of Q from np.linalg.qr;
      root-leverage = its square root (p = 1); lewis = the l1 Lewis fixed point, each step a QR of
      W^{-1/2} A, to the same tolerance (1e-10) as Sampleforge; prints kernel_s and, given Sampleforge's
      scores, the largest absolute difference
  numpy_scores.py dump TABLE.csv METHOD OUT.txt
      the scores, one per line (the oracle of TsqrVsGramBench)
  numpy_scores.py whole TABLE.csv METHOD M OUT.csv
      the whole process as a script: read the CSV (pandas), score, Poisson-sample with weights, write CSV
"""
import sys
import time

import numpy as np
import pandas as pd


def leverage(a):
    q, _ = np.linalg.qr(a)
    return np.einsum("ij,ij->i", q, q)


def lewis(a, p=1.0, tol=1e-10, cap=200):
    w = np.ones(a.shape[0])
    for _ in range(cap):
        scale = w ** (0.5 - 1.0 / p)
        tau = leverage(a * scale[:, None])
        # w_i = (a_i^T (A^T W^{1-2/p} A)^{-1} a_i)^{p/2} = (tau_i / w_i^{1-2/p})^{p/2}
        new = (tau / w ** (1 - 2.0 / p)) ** (p / 2)
        change = np.max(np.abs(new - w) / new)
        w = new
        if change < tol:
            return w
    raise RuntimeError("Lewis iteration did not converge")


def scores(a, method):
    if method == "leverage":
        return leverage(a)
    if method == "root-leverage":
        return np.sqrt(leverage(a))
    if method == "lewis":
        return lewis(a)
    if method == "uniform":
        return np.ones(a.shape[0])
    raise ValueError(method)


def main():
    what, table, method = sys.argv[1], sys.argv[2], sys.argv[3]
    if what == "kernel":
        a = pd.read_csv(table).to_numpy(dtype=float)
        times = []
        for _ in range(int(sys.argv[4])):
            start = time.perf_counter()
            s = scores(a, method)
            times.append(time.perf_counter() - start)
        line = f"kernel_s={np.median(times):.4f} rows={a.shape[0]} d={a.shape[1]}"
        if len(sys.argv) > 5:
            java = pd.read_csv(sys.argv[5])
            js = java[java["method"] == method].sort_values("row")["score"].to_numpy()
            line += f" max_abs_diff={np.max(np.abs(js - s)):.3g}"
        print(line)
        return
    if what == "dump":
        np.savetxt(sys.argv[4], scores(pd.read_csv(table).to_numpy(dtype=float), method), fmt="%.17g")
        return
    m, out = int(sys.argv[4]), sys.argv[5]
    df = pd.read_csv(table)
    a = df.to_numpy(dtype=float)
    s = scores(a, method)
    p = np.minimum(1.0, m * s / s.sum())
    keep = np.random.default_rng(42).random(len(p)) < p
    res = df[keep].copy()
    res["score"] = s[keep]
    res["weight"] = 1.0 / p[keep]
    res.to_csv(out, index=False)


if __name__ == "__main__":
    main()
