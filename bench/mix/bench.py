#!/usr/bin/env python3
"""Throughput of `mix` against the way users mix sources today: pandas
`df.groupby("source").apply(lambda g: g.sample(n=counts[g.name]))` (groupby().sample takes one n for every group,
so per-source counts go through apply) on the same synthetic CSV: N rows across 50 sources with Zipf sizes
(n_i ~ 1/(i+1)), temperature 2 (p_i ~ n_i^(1/2)), a target of 10 % of the rows, exhaustion renormalise (with these
sizes no source runs out). Both sides apportion the target exactly (largest remainder) and draw without replacement.

Reported per size: the whole process (JVM + Spark start, CSV read (typed from a sample, parsed once), checks, sampling, Parquet
write, verification, manifest; pandas: interpreter start excluded, CSV read, sampling, CSV write) and the sampling
step alone (Sampleforge: the manifest's count + sample+write phases, which include the Parquet write of the sample;
pandas: counts + apportionment + groupby-sample, in memory). Medians of R runs, alternating the two sides.

Usage: bench/mix/bench.py [ROWS ...] [--repeats R]     (defaults: 1000000, 3 repeats)
"""
import json
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
SOURCES = 50
FRACTION = 0.1
TEMPERATURE = 2.0


def make_table(path, rows, seed=7):
    w = 1.0 / np.arange(1, SOURCES + 1)
    sizes = np.floor(rows * w / w.sum()).astype(np.int64)
    sizes[0] += rows - sizes.sum()
    rng = np.random.default_rng(seed)
    src = np.repeat([f"s{i:02d}" for i in range(SOURCES)], sizes)
    df = pd.DataFrame({"id": np.arange(rows, dtype=np.int64), "source": src,
                       "x": rng.standard_normal(rows).round(6), "y": rng.integers(0, 1000, rows)})
    df.to_csv(path, index=False)


def hamilton(weights, total):
    q = total * weights / weights.sum()
    c = np.floor(q).astype(np.int64)
    left = int(total - c.sum())
    order = np.lexsort((-weights, q - c))[::-1]  # largest remainder first
    c[order[:left]] += 1
    return c


def pandas_job(src, dst, seed):
    t0 = time.time()
    df = pd.read_csv(src)
    t1 = time.time()
    n = df.groupby("source").size()
    w = n.to_numpy(dtype=float) ** (1.0 / TEMPERATURE)
    counts = dict(zip(n.index, hamilton(w, int(round(FRACTION * len(df))))))
    out = df.groupby("source", group_keys=False).apply(lambda g: g.sample(n=counts[g.name], random_state=seed))
    t2 = time.time()
    out.to_csv(dst, index=False)
    return time.time() - t0, t2 - t1, len(out)


def sampleforge_job(src, dst, target):
    t = time.time()
    subprocess.run([os.path.join(ROOT, "submit.sh"), "mix", "-c", "conf/jobs/mix.yaml", "--input", src,
                    "--output", dst, "--set", f"target={target}", "--set", f"temperature={TEMPERATURE}",
                    "--set", "exhausted=renormalise"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    whole = time.time() - t
    m = json.load(open(os.path.join(dst, "round=0", "_manifest.json")))
    s = m["seconds"]
    return whole, s.get("count", 0) + s.get("sample+write", 0), m["stats"]["rows"], s


def main():
    args = sys.argv[1:]
    repeats = 3
    if "--repeats" in args:
        i = args.index("--repeats")
        repeats = int(args[i + 1])
        del args[i:i + 2]
    sizes = [int(a) for a in args] or [1_000_000]
    work = tempfile.mkdtemp(prefix="sf-mix-bench-")
    print("| rows | sources | sample rows | Sampleforge whole | pandas whole | ratio | Sampleforge sampling step | "
          "pandas sampling step | ratio | runs |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    try:
        for rows in sizes:
            src = os.path.join(work, f"t{rows}.csv")
            make_table(src, rows)
            sf_whole, sf_step, pd_whole, pd_step = [], [], [], []
            for r in range(repeats):
                dst = os.path.join(work, f"sf{rows}-{r}")
                w, s, got, phases = sampleforge_job(src, dst, int(round(FRACTION * rows)))
                sf_whole.append(w)
                sf_step.append(s)
                print(f"  sampleforge run {r}: {w:.1f} s, phases {phases}", file=sys.stderr)
                shutil.rmtree(dst, ignore_errors=True)
                w, s, got2 = pandas_job(src, os.path.join(work, "pd.csv"), r)
                pd_whole.append(w)
                pd_step.append(s)
                print(f"  pandas run {r}: {w:.1f} s (step {s:.1f} s)", file=sys.stderr)
                assert got == got2, (got, got2)
            a, b = statistics.median(sf_whole), statistics.median(pd_whole)
            c, d = statistics.median(sf_step), statistics.median(pd_step)
            print(f"| {rows:,} | {SOURCES} | {got:,} | {a:.1f} s | {b:.1f} s | {b / a:.2f}x | {c:.1f} s | {d:.1f} s | "
                  f"{d / c:.2f}x | {repeats} |", flush=True)
            os.remove(src)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
