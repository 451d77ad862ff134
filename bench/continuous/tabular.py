#!/usr/bin/env python3
"""Tabular synthesis benchmark (issue 22): train on 80 % of a real table's numeric columns, sample as many rows,
and report the MMD^2 of each synthesiser's rows to the held-out 20 %:
  - Sampleforge `train-denoiser` + `diffuse` (model.type trained, DPM-Solver++ 2M, 20 calls),
  - Sampleforge `diffuse` with `model.type: gmm-fit` (Spark MLlib mixture, exact denoiser),
  - a Gaussian copula fitted to the same rows (numpy: empirical marginals, normal-score correlation),
  - and, as the floor, the training rows themselves (a perfect synthesiser would be as close as they are).
Then train-on-synthetic / test-on-real (TSTR): each synthesiser is run once per class on that class's training rows
(stratified, as many rows as the class has), and a random forest and a logistic regression (scikit-learn) trained on
the labelled synthetic rows are scored on the held-out real rows, next to the same classifiers trained on the real
training rows (TRTR).
MMD^2 is unbiased with a Gaussian kernel (median-heuristic bandwidth), on columns standardised by the training
rows' means and stds, over up to 2,000 rows per side; mean of 5 subsamples.

Usage: bench/continuous/tabular.py [TABLE.csv] [LABEL_COLUMN] [EPOCHS] [COMPONENTS]
       (defaults ../shared/data/mlbench/Satellite.csv classes 100 8)
"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def mmd2(x, y, rng, n=2000):
    x = x[rng.permutation(len(x))[:n]]
    y = y[rng.permutation(len(y))[:n]]
    z = np.vstack([x, y])
    sq = (z * z).sum(1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2 * z @ z.T, 0)
    h2 = np.median(d2[np.triu_indices(len(z), 1)])
    k = np.exp(-d2 / (2 * h2))
    a, b = len(x), len(y)
    kxx = (k[:a, :a].sum() - np.trace(k[:a, :a])) / (a * (a - 1))
    kyy = (k[a:, a:].sum() - np.trace(k[a:, a:])) / (b * (b - 1))
    return kxx + kyy - 2 * k[:a, a:].mean()


def copula(train, n, rng):
    u = (stats.rankdata(train, axis=0) - 0.5) / len(train)
    z = stats.norm.ppf(u)
    corr = np.corrcoef(z, rowvar=False)
    draws = rng.multivariate_normal(np.zeros(train.shape[1]), corr, size=n)
    q = stats.norm.cdf(draws)
    return np.column_stack([np.quantile(train[:, j], q[:, j]) for j in range(train.shape[1])])


def read_folder(path):
    """A Spark CSV output folder (Debian's pandas has no Parquet engine here)."""
    parts = sorted(f for f in os.listdir(path) if f.startswith("part-") and f.endswith(".csv"))
    return pd.concat([pd.read_csv(os.path.join(path, f), escapechar="\\") for f in parts], ignore_index=True)


def submit(*args):
    t = time.time()
    subprocess.run([os.path.join(ROOT, "submit.sh"), *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.time() - t


def synthesise(work, tag, rows, cols, epochs, components):
    """Sampleforge's two synthesisers on one training frame: (MLP rows, gmm-fit rows, seconds of each)."""
    train_csv = os.path.join(work, f"{tag}.csv")
    rows.to_csv(train_csv, index=False)
    n = len(rows)
    colset = "[" + ",".join(cols) + "]"
    t_train = submit("train-denoiser", "-c", "conf/jobs/train-denoiser.yaml", "--input", train_csv,
                     "--output", os.path.join(work, f"{tag}-mlp"), "--set", f"columns={colset}", "--set", f"epochs={epochs}")
    null = ["--set", "model.weights=null", "--set", "model.means=null", "--set", "model.covariances=null",
            "--set", "format=csv"]
    t_mlp = submit("diffuse", "-c", "conf/jobs/diffuse.yaml", "--output", os.path.join(work, f"{tag}-mlp-synth"),
                   "--rows", str(n), "--set", "model.type=trained", "--set",
                   f"model.dir={os.path.join(work, f'{tag}-mlp', 'model')}", "--set", "model.columns=null", *null)
    t_gmm = submit("diffuse", "-c", "conf/jobs/diffuse.yaml", "--output", os.path.join(work, f"{tag}-gmm-synth"),
                   "--rows", str(n), "--set", "model.type=gmm-fit", "--set", f"model.table={train_csv}",
                   "--set", f"model.columns={colset}", "--set", f"model.components={components}",
                   "--set", "quality_samples=0", *null)
    mlp = read_folder(os.path.join(work, f"{tag}-mlp-synth"))[cols].to_numpy()
    gmm = read_folder(os.path.join(work, f"{tag}-gmm-synth"))[cols].to_numpy()
    return mlp, gmm, t_train + t_mlp, t_gmm


def accuracies(x, y, held_x, held_y):
    rf = RandomForestClassifier(n_estimators=200, random_state=0, n_jobs=2).fit(x, y)
    lr = make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000)).fit(x, y)
    return (rf.predict(held_x) == held_y).mean(), (lr.predict(held_x) == held_y).mean()


def tstr(work, train, held, labels_train, labels_held, cols, epochs, components):
    """Per-class synthesis, then classifiers trained on synthetic rows and scored on held-out real rows."""
    parts = {"mlp": [], "gmm": [], "copula": []}
    seconds = {"mlp": 0.0, "gmm": 0.0, "copula": 0.0}
    for i, c in enumerate(sorted(labels_train.unique())):
        rows = train[labels_train.to_numpy() == c]
        mlp, gmm, t_mlp, t_gmm = synthesise(work, f"class{i}", rows, cols, epochs, max(1, min(int(components), len(rows) // 200)))
        t0 = time.time()
        cop = copula(rows.to_numpy(dtype=float), len(rows), np.random.default_rng(10 + i))
        seconds["copula"] += time.time() - t0
        seconds["mlp"] += t_mlp
        seconds["gmm"] += t_gmm
        for name, x in (("mlp", mlp), ("gmm", gmm), ("copula", cop)):
            parts[name].append((x, np.full(len(x), c, dtype=object)))
    hx, hy = held.to_numpy(dtype=float), labels_held.to_numpy()
    out = [("real training rows (TRTR)", *accuracies(train.to_numpy(dtype=float), labels_train.to_numpy(), hx, hy), "")]
    names = {"mlp": f"train-denoiser ({epochs} epochs) + diffuse, per class", "gmm": "diffuse gmm-fit, per class",
             "copula": "Gaussian copula, per class"}
    for key in ("mlp", "gmm", "copula"):
        x = np.vstack([p[0] for p in parts[key]])
        y = np.concatenate([p[1] for p in parts[key]])
        unit = "whole process, all classes" if key != "copula" else "kernel only"
        out.append((names[key], *accuracies(x, y, hx, hy), f"{seconds[key]:.1f} s ({unit})"))
    return out


def main():
    table = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data", "mlbench", "Satellite.csv")
    label = sys.argv[2] if len(sys.argv) > 2 else "classes"
    epochs = sys.argv[3] if len(sys.argv) > 3 else "100"
    components = sys.argv[4] if len(sys.argv) > 4 else "8"
    df = pd.read_csv(table)
    labels = df[label] if label in df.columns else None
    num = [c for c in df.columns if c != label and pd.api.types.is_numeric_dtype(df[c])]
    df = df[num].copy()
    df.columns = [f"c{i}" for i in range(len(num))]
    cols = list(df.columns)
    rng = np.random.default_rng(0)
    idx = rng.permutation(len(df))
    cut = int(0.8 * len(df))
    train, held = df.iloc[idx[:cut]], df.iloc[idx[cut:]]
    work = tempfile.mkdtemp(prefix="sf-tabular-")
    train_csv = os.path.join(work, "train.csv")
    train.to_csv(train_csv, index=False)
    n = len(train)
    colset = "[" + ",".join(cols) + "]"
    t_train = submit("train-denoiser", "-c", "conf/jobs/train-denoiser.yaml", "--input", train_csv,
                     "--output", os.path.join(work, "mlp"), "--set", f"columns={colset}", "--set", f"epochs={epochs}")
    null = ["--set", "model.weights=null", "--set", "model.means=null", "--set", "model.covariances=null",
            "--set", "format=csv"]
    t_mlp = submit("diffuse", "-c", "conf/jobs/diffuse.yaml", "--output", os.path.join(work, "mlp-synth"),
                   "--rows", str(n), "--set", "model.type=trained", "--set",
                   f"model.dir={os.path.join(work, 'mlp', 'model')}", "--set", "model.columns=null", *null)
    t_gmm = submit("diffuse", "-c", "conf/jobs/diffuse.yaml", "--output", os.path.join(work, "gmm-synth"),
                   "--rows", str(n), "--set", "model.type=gmm-fit", "--set", f"model.table={train_csv}",
                   "--set", f"model.columns={colset}", "--set", f"model.components={components}",
                   "--set", "quality_samples=0", *null)
    mlp = read_folder(os.path.join(work, "mlp-synth"))[cols].to_numpy()
    gmm = read_folder(os.path.join(work, "gmm-synth"))[cols].to_numpy()
    tr = train.to_numpy(dtype=float)
    mu, sd = tr.mean(0), tr.std(0)
    std = lambda a: (a - mu) / sd  # noqa: E731
    t0 = time.time()
    cop = copula(tr, n, np.random.default_rng(1))
    t_cop = time.time() - t0
    h = std(held.to_numpy(dtype=float))
    rows = [("training rows themselves (floor)", std(tr), None),
            (f"Sampleforge train-denoiser ({epochs} epochs) + diffuse (DPM-Solver++ 2M, 20 calls)", std(mlp),
             f"{t_train:.1f} s + {t_mlp:.1f} s"),
            (f"Sampleforge diffuse gmm-fit ({components} components, MLlib)", std(gmm), f"{t_gmm:.1f} s"),
            ("Gaussian copula (numpy/scipy)", std(cop), f"{t_cop:.2f} s (kernel only)")]
    print(f"table {os.path.basename(table)}: {len(df)} rows, {len(cols)} numeric columns; train {n}, held out {len(held)}")
    print()
    print("| synthesiser | MMD^2 to held-out rows (mean of 5) | time (whole process for Sampleforge) |")
    print("|---|---:|---:|")
    for name, x, t in rows:
        m = np.mean([mmd2(x, h, np.random.default_rng(s)) for s in range(5)])
        print(f"| {name} | {m:.5f} | {t or ''} |")
    if labels is None:
        return
    print()
    print(f"train on synthetic, test on real: {labels.nunique()} classes of '{label}', held-out rows {len(held)}")
    print()
    print("| training rows | random forest accuracy | logistic regression accuracy | synthesis time |")
    print("|---|---:|---:|---:|")
    for name, rf, lr, t in tstr(work, train, held, labels.iloc[idx[:cut]], labels.iloc[idx[cut:]], cols, epochs,
                                components):
        print(f"| {name} | {rf:.3f} | {lr:.3f} | {t} |")


if __name__ == "__main__":
    main()
