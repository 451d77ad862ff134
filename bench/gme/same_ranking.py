#!/usr/bin/env python3
"""Prints 'identical' when two ranking TSVs (item, H per column) agree on every id and every
entropy as a float64, else the first difference. usage: same_ranking.py A.tsv B.tsv"""
import sys

a = [line.rstrip("\n").split("\t") for line in open(sys.argv[1], encoding="utf-8")][1:]
b = [line.rstrip("\n").split("\t") for line in open(sys.argv[2], encoding="utf-8")][1:]
if len(a) != len(b):
    print("different lengths %d vs %d" % (len(a), len(b)))
    sys.exit(0)
for i, (x, y) in enumerate(zip(a, b)):
    if x[0] != y[0] or [float(v) for v in x[1:]] != [float(v) for v in y[1:]]:
        print("differ at pick %d: %s vs %s" % (i + 1, x, y))
        sys.exit(0)
print("identical")
