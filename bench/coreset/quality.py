#!/usr/bin/env python3
"""Coreset quality from the samples CoresetBench wrote (numpy, benchmark time only).

  quality.py TABLE.csv SAMPLES.csv

The coreset is drawn on M = all columns (the features and the target b, the last column). Per method and m,
medians over the seeds of:
  - the subspace-embedding error: max |eig - 1| of (M^T M)^{-1/2} M_s^T W M_s (M^T M)^{-1/2}, i.e. the largest
    relative error of |S M x|^2 against |M x|^2 over all x (exact, not over random x);
  - the l2 regression cost ratio |A x_s - b|_2^2 / |A x* - b|_2^2, x_s the weighted least-squares fit on the sample;
  - the l1 regression cost ratio |A x_s - b|_1 / |A x* - b|_1, both fits by IRLS (the same solver on both sides).
Prints a markdown table.
"""
import sys

import numpy as np
import pandas as pd


def l1_fit(a, b, w, iters=100):
    x = np.linalg.lstsq(a * np.sqrt(w)[:, None], b * np.sqrt(w), rcond=None)[0]
    for _ in range(iters):
        r = np.abs(a @ x - b)
        c = w / np.maximum(r, 1e-9 * (1 + np.abs(b)))
        s = np.sqrt(c)
        x = np.linalg.lstsq(a * s[:, None], b * s, rcond=None)[0]
    return x


def main():
    m_all = pd.read_csv(sys.argv[1]).to_numpy(dtype=float)
    samples = pd.read_csv(sys.argv[2])
    a, b = m_all[:, :-1], m_all[:, -1]
    g = m_all.T @ m_all
    lo = np.linalg.cholesky(g)
    li = np.linalg.inv(lo)
    x2 = np.linalg.lstsq(a, b, rcond=None)[0]
    c2 = np.sum((a @ x2 - b) ** 2)
    x1 = l1_fit(a, b, np.ones(len(b)))
    c1 = np.sum(np.abs(a @ x1 - b))
    rows = []
    for (method, m), grp in samples.groupby(["method", "m"], sort=False):
        emb, r2, r1, size = [], [], [], []
        for _, s in grp.groupby("seed"):
            idx = s["row"].to_numpy()
            w = s["weight"].to_numpy()
            ms = m_all[idx]
            k = li @ (ms.T * w) @ ms @ li.T
            emb.append(np.max(np.abs(np.linalg.eigvalsh((k + k.T) / 2) - 1)))
            xs = np.linalg.lstsq(a[idx] * np.sqrt(w)[:, None], b[idx] * np.sqrt(w), rcond=None)[0]
            r2.append(np.sum((a @ xs - b) ** 2) / c2)
            xs1 = l1_fit(a[idx], b[idx], w)
            r1.append(np.sum(np.abs(a @ xs1 - b)) / c1)
            size.append(len(idx))
        rows.append((method, m, np.mean(size), np.median(emb), np.median(r2), np.median(r1), len(size)))
    print("| method | m | mean rows | subspace-embedding error | l2 cost ratio | l1 cost ratio | seeds |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for method, m, size, e, q2, q1, k in rows:
        print(f"| {method} | {m} | {size:.0f} | {e:.3f} | {q2:.4f} | {q1:.4f} | {k} |")


if __name__ == "__main__":
    main()
