#!/usr/bin/env python3
"""SMOTE-NC at scale: Sampleforge's smote job (categorical columns) vs imbalanced-learn SMOTENC.

Usage: ${PYTHON:-python3} bench/family/nc_bench.py [N=3000000] [--imblearn-timeout 1800]

Generates bench-out/nc/nN.csv (seed 0): 5 numeric columns (Gaussian, minority shifted by 0.5) and
5 categorical columns with 10, 100, 1,000, 10,000 and 100,000 distinct values (Zipf-like draws,
minority with its own skew), 5 % minority. Runs the Sampleforge job on the CSV (wall time of
submit.sh, peak RSS from /usr/bin/time -v) and imblearn SMOTENC(k_neighbors=5) fit_resample in a
child process (wall, peak RSS, or the error it died with). Prints a Markdown table.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
CARD = [10, 100, 1000, 10000, 100000]

IMB = r'''
import sys, time, numpy as np, pandas as pd
from imblearn.over_sampling import SMOTENC
df = pd.read_csv(sys.argv[1], dtype={f"c{j}": str for j in range(5)})
y = df.pop("label").to_numpy(); X = df
t = time.perf_counter()
try:
    _, yr = SMOTENC(categorical_features=[5, 6, 7, 8, 9], k_neighbors=5, random_state=0).fit_resample(X, y)
    print("OK", time.perf_counter() - t, len(yr))
except MemoryError as e:
    print("MemoryError", time.perf_counter() - t, repr(e)[:200])
'''


def generate(n, path):
    if os.path.exists(path):
        return
    rng = np.random.default_rng(0)
    y = (rng.random(n) < 0.05).astype(int)
    cols = {}
    for j in range(5):
        cols[f"x{j}"] = rng.standard_normal(n) + 0.5 * y
    for j, k in enumerate(CARD):
        ranks = np.minimum((rng.pareto(1.2, n) * (1 + y)).astype(np.int64), k - 1)
        cols[f"c{j}"] = np.char.add("v", ranks.astype(str))
    cols["label"] = y
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pd.DataFrame(cols).to_csv(path, index=False)


def rss_gb(text):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return int(m.group(1)) / 1024 ** 2 if m else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="?", type=int, default=3_000_000)
    ap.add_argument("--imblearn-timeout", type=float, default=1800)
    a = ap.parse_args()
    path = os.path.join(ROOT, "bench-out", "nc", f"n{a.n}.csv")
    generate(a.n, path)
    out = os.path.join(ROOT, "bench-out", "nc", f"out{a.n}")
    cmd = ["/usr/bin/time", "-v", os.path.join(ROOT, "submit.sh"), "smote", "--driver-memory", "8g", "--input", path,
           "--output", out, "--mode", "overwrite", "--set", "features=[x0,x1,x2,x3,x4]",
           "--set", "categorical=[c0,c1,c2,c3,c4]"]
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    sf_wall = time.perf_counter() - t
    sf = f"{sf_wall:.1f} s, {rss_gb(p.stderr):.2f} GB" if p.returncode == 0 else f"failed rc={p.returncode}"
    rows = ""
    if p.returncode == 0:
        man = json.load(open(os.path.join(out, "_manifest.json")))
        rows = f"{sum(c['after'] for c in man['counts']):,}"
    t = time.perf_counter()
    if True:
        # `timeout` inside /usr/bin/time, so the Python child itself is killed (not only its parent)
        q = subprocess.run(["/usr/bin/time", "-v", "timeout", str(int(a.imblearn_timeout)), sys.executable, "-c", IMB,
                            path], capture_output=True, text=True)
        first = (q.stdout.strip().splitlines() or [""])[-1]
        if first.startswith("OK"):
            imb = f"{float(first.split()[1]):.1f} s fit_resample, {rss_gb(q.stderr):.2f} GB, {int(first.split()[2]):,} rows"
        elif first.startswith("MemoryError"):
            imb = f"MemoryError after {float(first.split()[1]):.1f} s (peak {rss_gb(q.stderr):.2f} GB)"
        elif q.returncode == 124:
            imb = f"> {a.imblearn_timeout:.0f} s (killed by the harness; peak {rss_gb(q.stderr):.2f} GB so far)"
        else:
            killed = "Killed" in q.stderr or q.returncode in (-9, 137)
            imb = f"died (rc {q.returncode}{', killed: out of memory' if killed else ''}; peak {rss_gb(q.stderr):.2f} GB)"
    print(f"SMOTE-NC benchmark {time.strftime('%Y-%m-%d %H:%M:%S')} | nproc {os.cpu_count()} | command: {' '.join(sys.argv)}\n")
    print("| N | 5 numeric + 5 categorical (10 .. 100,000 values) | Sampleforge (wall incl. JVM start, peak RSS) | output rows | imbalanced-learn SMOTENC |")
    print("|---:|---|---|---:|---|")
    print(f"| {a.n:,} | 5 % minority | {sf} | {rows} | {imb} |")


if __name__ == "__main__":
    main()
