#!/usr/bin/env python3
"""Whole-process benchmark of `corrupt` against pandas + numpy doing the same job (issue 23): read a CSV of N rows
x D numeric columns with an id, mask cells completely at random (rate 0.2) and add Gaussian noise (sigma_y 0.1) to
the observed ones, keep the clean values, write the result as CSV. Both sides include reading and writing; the
Sampleforge side includes JVM and Spark start-up. Medians of R runs, alternating the two.

Usage: bench/corrupt/bench.py [ROWS ...] [--repeats R] [--columns D]   (defaults 1000000, 3 repeats, 8 columns)
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def pandas_job(src, dst, cols, rate, sigma, seed):
    t = time.time()
    df = pd.read_csv(src)
    x = df[cols].to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    missing = rng.random(x.shape) < rate
    y = x + sigma * rng.standard_normal(x.shape)
    y[missing] = np.nan
    out = pd.DataFrame(y, columns=cols)
    out.insert(0, "id", df["id"])
    out["observed"] = ["[" + ",".join("true" if o else "false" for o in row) + "]" for row in ~missing]
    for c in cols:
        out["clean_" + c] = df[c]
    out.to_csv(dst, index=False)
    return time.time() - t


def sampleforge_job(src, dst, cols, rate, sigma):
    t = time.time()
    subprocess.run([os.path.join(ROOT, "submit.sh"), "corrupt", "-c", "conf/jobs/corrupt.yaml", "--input", src,
                    "--output", dst, "--set", "id_column=id", "--set", "columns=[" + ",".join(cols) + "]",
                    "--set", f"operator.mask_rate={rate}", "--set", f"operator.sigma_y={sigma}", "--set", "format=csv"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.time() - t


def main():
    args = sys.argv[1:]
    repeats = 3
    d = 8
    if "--repeats" in args:
        i = args.index("--repeats")
        repeats = int(args[i + 1])
        del args[i:i + 2]
    if "--columns" in args:
        i = args.index("--columns")
        d = int(args[i + 1])
        del args[i:i + 2]
    sizes = [int(a) for a in args] or [1_000_000]
    cols = [f"f{j}" for j in range(d)]
    work = tempfile.mkdtemp(prefix="sf-corrupt-bench-")
    print(f"corrupt: mask rate 0.2 + noise sigma_y 0.1, {d} columns, clean values kept, CSV in and out; medians of {repeats}")
    print()
    print("| rows | pandas + numpy (s) | Sampleforge corrupt, whole process (s) | ratio pandas / Sampleforge |")
    print("|---:|---:|---:|---:|")
    for n in sizes:
        src = os.path.join(work, f"clean-{n}.csv")
        rng = np.random.default_rng(0)
        frame = pd.DataFrame(rng.standard_normal((n, d)), columns=cols)
        frame.insert(0, "id", np.arange(n))
        frame.to_csv(src, index=False)
        tp, ts = [], []
        for r in range(repeats):
            tp.append(pandas_job(src, os.path.join(work, f"pd-{n}-{r}.csv"), cols, 0.2, 0.1, r))
            ts.append(sampleforge_job(src, os.path.join(work, f"sf-{n}-{r}"), cols, 0.2, 0.1))
        mp, ms = statistics.median(tp), statistics.median(ts)
        print(f"| {n:,} | {mp:.1f} | {ms:.1f} | {mp / ms:.2f} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
