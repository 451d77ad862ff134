#!/usr/bin/env python3
"""Golden files for the SMOTE-family tests (Borderline-SMOTE, ADASYN, random over-sampling).

For each dataset below (the same mlbench CSVs and label rules as make_golden.py) it writes
family_<dataset>.csv with one line per row of every class that sampling_strategy="auto" raises:

  row         0-based data-row index in the CSV
  label       class label (after the binary relabelling, if any)
  other10     rows of another class among the row's 10 nearest rows of the WHOLE table, the row
              itself excluded (Borderline-SMOTE's m_neighbors=10 test)
  danger      1 when imbalanced-learn's own BorderlineSMOTE._in_danger_noise(kind="danger") says
              so, computed by imblearn 0.10 code on an m_neighbors=10 NearestNeighbors fitted on X
  other5      rows of another class among the 5 nearest rows of the whole table (ADASYN, k=5)
  adasyn_n    imbalanced-learn ADASYN's per-row count, read off its own output: ADASYN runs with a
              RandomState whose uniform() returns zeros, so every synthetic row it appends equals its
              parent, in parent order (np.repeat), and the script counts them; it also checks them
              against the formula rint(G * r_i / sum r), r_i the row's other-class share among its 5
              (sklearn) neighbours, which equals other5 / 5 except on tie rows
  dall5       exact distance to the 5th nearest row of the whole table (Borderline-SMOTE kind 2)
  tie10/tie5  1 when the 10th/5th and next distances are equal, so the neighbour SET (and the
              counts above) depend on tie-breaking; tests skip such rows

clean_<dataset>.csv with one line per row of the whole table (no synthesis):

  row         0-based data-row index
  enn_keep    1 when imbalanced-learn's EditedNearestNeighbours(n_neighbors=3, kind_sel="all",
              sampling_strategy="all") keeps the row (its sample_indices_)
  tomek_keep  1 when TomekLinks(sampling_strategy="all") keeps it
  enn_tie     1 when the row's 3rd and 4th exact distances are equal (neighbour set depends on ties)
  tomek_tie   1 when the 1st and 2nd exact distances are equal for the row or for its nearest row

and family_summary.json with imblearn's BorderlineSMOTE / RandomOverSampler output counts and
RandomOverSampler's smoothed-bootstrap scale per feature for shrinkage=1, read off its own output:
it runs with a RandomState whose randn() returns ones, so each smoothed row minus its bootstrap
parent (sample_indices_) is exactly the per-feature scale; the script checks that every such row
agrees and that the scale equals the formula (4/((d+2)N))^(1/(d+4)) times the class's population
std.

Distances are exact float64 sqrt(sum (a_j-b_j)^2) over an exhaustive search (no sklearn
rounding); imblearn's danger flags use sklearn's own neighbours.

Rerun from the repository root with Debian's python3-imblearn (0.10), python3-sklearn and
python3-pandas:

    ${PYTHON:-python3} pipeline-core/src/test/resources/golden/make_golden_family.py
"""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import load, counts  # noqa: E402

import imblearn  # noqa: E402
from imblearn.over_sampling import ADASYN, BorderlineSMOTE, RandomOverSampler  # noqa: E402
from imblearn.under_sampling import EditedNearestNeighbours, TomekLinks  # noqa: E402
from sklearn.neighbors import NearestNeighbors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATASETS = ["PimaIndiansDiabetes", "Satellite"]


class _ZeroSteps(np.random.RandomState):
    """ADASYN's interpolation steps come from uniform(): zeros make every synthetic row its parent."""

    def uniform(self, low=0.0, high=1.0, size=None):
        return np.zeros(size)


class _UnitNormals(np.random.RandomState):
    """RandomOverSampler's smoothing noise comes from randn(): ones make the noise the scale itself."""

    def randn(self, *shape):
        return np.ones(shape)


def adasyn_counts(X, y, c, target):
    """Per-row synthetic counts of imblearn's ADASYN for class c, read off its output."""
    Xr, yr = ADASYN(sampling_strategy={c: target}, n_neighbors=5, random_state=_ZeroSteps(0)).fit_resample(X, y)
    X_class = X[y == c]
    out = np.zeros(len(X_class), dtype=int)
    p = 0
    for row in Xr[len(X):]:
        while not np.array_equal(X_class[p], row):
            p += 1
        out[p] += 1
    assert np.all(yr[len(X):] == c)
    return out


def smoothing_scales(X, y, raised):
    """Per-class, per-feature noise scale of imblearn's RandomOverSampler(shrinkage=1), read off its output."""
    ros = RandomOverSampler(shrinkage=1.0, random_state=_UnitNormals(0))
    Xr, yr = ros.fit_resample(X, y)
    n = len(X)
    noise = Xr[n:] - X[ros.sample_indices_[n:]]
    out = {}
    for c in raised:
        rows = noise[yr[n:] == c]
        scale = rows[0]
        assert np.allclose(rows, scale, rtol=1e-9, atol=1e-12), c
        # the noise is (X + s) - X in float64: take the scale from the row with the smallest parent magnitude
        parents = X[ros.sample_indices_[n:]][yr[n:] == c]
        scale = rows[np.argmin(np.abs(parents).sum(axis=1))]
        out[c] = scale
    return out


def exact_sorted(X, i):
    d = np.sqrt(((X - X[i]) ** 2).sum(axis=1))
    d[i] = np.inf
    order = np.argsort(d, kind="stable")
    return d, order


def main():
    summary = {"versions": {"imblearn": imblearn.__version__, "numpy": np.__version__}, "datasets": {}}
    for stem in DATASETS:
        X, y, _ = load(stem)
        before = counts(y)
        majority = max(before, key=lambda c: before[c])
        raised = [c for c in sorted(before) if c != majority]
        nn_m = NearestNeighbors(n_neighbors=11).fit(X)
        lines = ["row,label,other10,danger,other5,adasyn_n,dall5,tie10,tie5"]
        ds = {}
        for c in raised:
            idx = np.flatnonzero(y == c)
            danger = BorderlineSMOTE(m_neighbors=10)._in_danger_noise(nn_m, X[idx], c, y, kind="danger")
            rows = []
            for pos, i in enumerate(idx):
                d, order = exact_sorted(X, i)
                other10 = int(np.sum(y[order[:10]] != c))
                other5 = int(np.sum(y[order[:5]] != c))
                tie10 = int(d[order[9]] == d[order[10]])
                tie5 = int(d[order[4]] == d[order[5]])
                rows.append([i, other10, int(danger[pos]), other5, d[order[4]], tie10, tie5])
            g = before[majority] - before[c]
            # imblearn's own per-row counts, and the formula they must follow (its neighbours:
            # NearestNeighbors(6) on X, first column dropped)
            n_i = adasyn_counts(X, y, c, before[majority])
            nns = NearestNeighbors(n_neighbors=6).fit(X).kneighbors(X[idx], return_distance=False)[:, 1:]
            r = np.sum(y[nns] != c, axis=1).astype(float) / 5
            assert np.array_equal(n_i, np.rint(r / r.sum() * g).astype(int)), (stem, c)
            for row, n in zip(rows, n_i):
                i, other10, dg, other5, dall5, tie10, tie5 = row
                lines.append(f"{i},{c},{other10},{dg},{other5},{int(n)},{dall5!r},{tie10},{tie5}")
            ds[c] = {"danger": int(danger.sum()), "adasyn_added": int(n_i.sum()), "tie10": sum(x[5] for x in rows),
                     "tie5": sum(x[6] for x in rows)}
        _, yb = BorderlineSMOTE(kind="borderline-1", m_neighbors=10, random_state=0).fit_resample(X, y)
        _, yr = RandomOverSampler(random_state=0).fit_resample(X, y)
        n, dims = X.shape
        h = (4 / ((dims + 2) * n)) ** (1 / (dims + 4))
        read = smoothing_scales(X, y, raised)
        for c in raised:
            assert np.allclose(read[c], h * np.std(X[y == c], axis=0), rtol=1e-9, atol=1e-12), c
        scales = {c: [float(v) for v in read[c]] for c in raised}
        summary["datasets"][stem] = {"before": before, "borderline1_after": counts(yb), "random_after": counts(yr),
                                     "classes": ds, "shrinkage1_scale": scales}
        enn = EditedNearestNeighbours(n_neighbors=3, kind_sel="all", sampling_strategy="all").fit(X, y)
        enn.fit_resample(X, y)
        tomek = TomekLinks(sampling_strategy="all")
        tomek.fit_resample(X, y)
        enn_keep = set(enn.sample_indices_.tolist())
        tomek_keep = set(tomek.sample_indices_.tolist())
        first = []
        tie1 = []
        enn_tie = []
        for i in range(n):
            d, order = exact_sorted(X, i)
            first.append(order[0])
            tie1.append(d[order[0]] == d[order[1]])
            enn_tie.append(d[order[2]] == d[order[3]])
        clean = ["row,enn_keep,tomek_keep,enn_tie,tomek_tie"]
        for i in range(n):
            tt = int(tie1[i] or tie1[first[i]])
            clean.append(f"{i},{int(i in enn_keep)},{int(i in tomek_keep)},{int(enn_tie[i])},{tt}")
        with open(os.path.join(HERE, f"clean_{stem}.csv"), "w") as f:
            f.write("\n".join(clean) + "\n")
        summary["datasets"][stem]["enn_kept"] = len(enn_keep)
        summary["datasets"][stem]["tomek_kept"] = len(tomek_keep)
        with open(os.path.join(HERE, f"family_{stem}.csv"), "w") as f:
            f.write("\n".join(lines) + "\n")
    with open(os.path.join(HERE, "family_summary.json"), "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
