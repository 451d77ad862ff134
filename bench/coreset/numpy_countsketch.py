"""The anchor for sketched leverage: numpy's CountSketch (numpy's generator draws each row's bucket and sign)
of the same table, and the same measured error as the coreset job's, max(lambda_max - 1, 1 - lambda_min) of
M = R^{-T} A^T A R^{-1} with R from numpy's QR of SA. Prints min / median / max over seeds 1..SEEDS.

    python3 bench/coreset/numpy_countsketch.py TABLE.csv S[,S..] SEEDS
"""
import sys

import numpy as np


def bound(a, gram, s, seed):
    rng = np.random.default_rng(seed)
    h = rng.integers(0, s, a.shape[0])
    sign = rng.choice([-1.0, 1.0], a.shape[0])
    sa = np.zeros((s, a.shape[1]))
    np.add.at(sa, h, sign[:, None] * a)
    r_inv = np.linalg.inv(np.linalg.qr(sa, mode="r"))
    m = r_inv.T @ gram @ r_inv
    ev = np.linalg.eigvalsh((m + m.T) / 2)
    return max(ev[-1] - 1, 1 - ev[0])


def main():
    a = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
    gram = a.T @ a
    seeds = int(sys.argv[3])
    for s in (int(x) for x in sys.argv[2].split(",")):
        b = sorted(bound(a, gram, s, seed) for seed in range(1, seeds + 1))
        print("numpy s=%d seeds=%d bound_min=%.3g bound_median=%.3g bound_max=%.3g" % (s, seeds, b[0], b[len(b) // 2], b[-1]))


if __name__ == "__main__":
    main()
