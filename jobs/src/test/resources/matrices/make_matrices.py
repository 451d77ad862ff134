"""Writes the measurement-matrix fixtures of MatrixFileTest with scipy (the format's reference writer).

Run: /usr/bin/python3 jobs/src/test/resources/matrices/make_matrices.py  (scipy 1.10.1 made the committed files)
"""
import os

import numpy as np
import scipy.io
import scipy.sparse

here = os.path.dirname(os.path.abspath(__file__))
# a 3 x 6 map of the six attrition columns (the shape conf/jobs/corrupt.yaml measures)
rows = np.array([0, 0, 1, 2, 2])
cols = np.array([0, 3, 2, 4, 5])
vals = np.array([1.0, 0.001, -2.5, 0.5, 0.5])
a = scipy.sparse.coo_matrix((vals, (rows, cols)), shape=(3, 6))
scipy.io.mmwrite(os.path.join(here, "sums.mtx"), a, comment="three weighted sums of six columns")
np.savetxt(os.path.join(here, "sums.csv"), a.toarray(), delimiter=",", fmt="%.17g")
# the dense form's product with a fixed row, for the test's oracle
x = np.array([41.0, 1102.0, 1.0, 5993.0, 8.0, 6.0])
with open(os.path.join(here, "sums-product.txt"), "w") as f:
    f.write(" ".join(repr(float(v)) for v in a.toarray() @ x) + "\n")
# a second map of the same shape (ConfigReachesKernelTest changes the file and expects another operator)
np.savetxt(os.path.join(here, "first3.csv"), np.eye(3, 6), delimiter=",", fmt="%.17g")
