#!/usr/bin/env python3
"""Golden rankings from the GME reference implementation (idiap/gme-sampler, GPL-3.0).

The reference is imported from a checkout OUTSIDE this repository (nothing of it is copied here):
    git clone https://github.com/idiap/gme-sampler /tmp/gme-ref
    ${PYTHON:-python3} make_golden_gme.py /tmp/gme-ref
Writes, next to this script:
  - synthetic_relations.tsv: a skewed relation table (doc, chem, org, kingdom) with empty cells,
    made with numpy's seeded RandomState (300 docs);
  - golden_<input>_<selector>_<binarised|counts>.tsv: the reference's ranking (item, H per column),
    for lotus_sample.tsv (all 13 items) and synthetic_relations.tsv (first 60 picks).
Runs with Debian's python3-pandas 1.5 / python3-scipy 1.10 / numpy 1.24.
"""
import logging
import os
import sys

import numpy as np
import pandas as pd

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, sys.argv[1])
from gme.gme import GreedyMaximumEntropySampler  # noqa: E402

log = logging.getLogger("golden")
log.setLevel(logging.ERROR)


def synthetic(path):
    rng = np.random.RandomState(20231)
    rows = []
    for d in range(300):
        n = 1 + rng.randint(0, 6)
        for _ in range(n):
            chem = "C%d" % int(120 * rng.random_sample() ** 3)
            org = "O%d" % int(25 * rng.random_sample() ** 2)
            if rng.random_sample() < 0.05:
                org = ""
            rows.append(("doc-%03d" % d, chem, org, "K%d" % (d % 3)))
    pd.DataFrame(rows, columns=["doc", "chem", "org", "kingdom"]).to_csv(path, sep="\t", index=False)


def run(data, item, cols, selector, binarised, n, out):
    s = GreedyMaximumEntropySampler(selector=selector, binarised=binarised, logger=log)
    ranking = s.sample(data, n, item, cols)
    ranking.to_csv(out, sep="\t", index=False, float_format="%.17g")


def main():
    synth = os.path.join(here, "synthetic_relations.tsv")
    synthetic(synth)
    inputs = [
        ("lotus", "lotus_sample.tsv", "reference_doi", ["structure_wikidata", "organism_wikidata"], 13),
        ("synthetic", "synthetic_relations.tsv", "doc", ["chem", "org"], 60),
    ]
    for name, file, item, cols, n in inputs:
        data = pd.read_csv(os.path.join(here, file), sep="\t", dtype=object).fillna("")
        for selector in ("dutopia", "sum"):
            for binarised in (False, True):
                out = os.path.join(here, "golden_%s_%s_%s.tsv" % (name, selector, "binarised" if binarised else "counts"))
                run(data, item, cols, selector, binarised, n, out)
                print("wrote", out)


if __name__ == "__main__":
    main()
