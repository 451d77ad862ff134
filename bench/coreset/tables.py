#!/usr/bin/env python3
"""Benchmark tables for bench/coreset (benchmark time only, never at test time).

  tables.py shuttle OUT.csv        the Statlog Shuttle table's 9 numeric columns (58,000 rows), V2 last (the target:
                                   the other columns predict V9 almost exactly, which makes l1 regression trivial)
  tables.py heavy N OUT.csv SEED   synthetic heavy-tailed table: 10 Student-t (df 1.5) features with mixed scales
                                   and correlations, target = A x0 + t(df 1.5) noise as the last column
"""
import sys

import numpy as np
import pandas as pd

SHUTTLE = "../shared/data/mlbench/Shuttle.csv"


def main():
    if sys.argv[1] == "shuttle":
        df = pd.read_csv(SHUTTLE).drop(columns=["Class"])
        df = df[[c for c in df.columns if c != "V2"] + ["V2"]]
        df.columns = [f"c{j}" for j in range(df.shape[1])]
        df.to_csv(sys.argv[2], index=False)
        return
    n, out, seed = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    rng = np.random.default_rng(seed)
    d = 10
    z = rng.standard_t(1.5, size=(n, d))
    mix = np.eye(d) + 0.3 * rng.standard_normal((d, d))
    a = (z @ mix) * np.logspace(0, 2, d)
    y = a @ rng.standard_normal(d) + 10 * rng.standard_t(1.5, size=n)
    table = np.column_stack([a, y])
    pd.DataFrame(table, columns=[f"c{j}" for j in range(d + 1)]).to_csv(out, index=False, float_format="%.10g")


if __name__ == "__main__":
    main()
