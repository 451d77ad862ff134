#!/usr/bin/env python3
"""Runs the GME reference (idiap/gme-sampler, GPL-3.0, imported from a checkout outside this
repository) on a TSV relation table, like its CLI does (read as strings, nulls -> ""), and prints
the seconds spent in GreedyMaximumEntropySampler.sample (reading excluded).

usage: reference_run.py REFERENCE_CHECKOUT TABLE.tsv ITEM COL1,COL2 dutopia|sum counts|binarised N OUT.tsv
"""
import logging
import sys
import time

sys.path.insert(0, sys.argv[1])
import pandas as pd  # noqa: E402
from gme.gme import GreedyMaximumEntropySampler  # noqa: E402

_, ref, table, item, cols, selector, counting, n, out = sys.argv
log = logging.getLogger("reference")
log.setLevel(logging.ERROR)
data = pd.read_csv(table, sep="\t", dtype=object).fillna("")
sampler = GreedyMaximumEntropySampler(selector=selector, binarised=counting == "binarised", logger=log)
t = time.perf_counter()
ranking = sampler.sample(data, int(n), item, cols.split(","))
seconds = time.perf_counter() - t
ranking.to_csv(out, sep="\t", index=False, float_format="%.17g")
print("reference_s=%.3f items=%d picks=%d" % (seconds, data[item].nunique(), len(ranking)))
