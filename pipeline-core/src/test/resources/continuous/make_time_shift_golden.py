#!/usr/bin/env python3
"""Golden time shifts from Mingxiao-Li/TS-DPM's sampler/deis_sampler.py::apply_time_shift.

Usage (Debian's python3-torch and python3-numpy are enough):
    /usr/bin/python3 make_time_shift_golden.py /path/to/TS-DPM time_shift_golden.json

The reference (Apache-2.0; keep the checkout outside this repository, nothing of it is copied here) is loaded
from the path given. Its module imports jax.numpy and the package sampler.deis at the top; neither is used by
apply_time_shift, so this script registers empty stand-in modules for them. Its _make_schedule builds the
linear betas in float64 and casts them to float32 (".float()"); the source is loaded with that cast replaced by
".double()", so 1 - alpha_bar is float64 as in the Java port and the argmin cannot differ by rounding.

The object is made without __init__ (which would load a model); _make_schedule("linear", 1000, 1e-4, 0.02),
window_size and cut_off_value are set on it, and apply_time_shift(x, t) is called on batches x [16, D] whose rows
have unbiased variances spread across the window around 1 - alpha_bar_t (and beyond it, so that edges win).
Each case records window, cutoff, t, the rows and the timesteps returned.
"""
import importlib.util
import json
import os
import sys
import types

import torch


def load_reference(root):
    path = os.path.join(root, "sampler", "deis_sampler.py") if os.path.isdir(root) else root
    for name in ("jax", "jax.numpy", "sampler", "sampler.deis"):
        m = types.ModuleType(name)
        m.__path__ = []
        sys.modules[name] = m
    sys.modules["sampler"].deis = sys.modules["sampler.deis"]
    with open(path) as f:
        source = f.read()
    assert source.count("th.from_numpy(betas).float()") == 1
    source = source.replace("th.from_numpy(betas).float()", "th.from_numpy(betas).double()")
    spec = importlib.util.spec_from_loader("deis_sampler", loader=None)
    mod = importlib.util.module_from_spec(spec)
    exec(compile(source, path, "exec"), mod.__dict__)
    return mod


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    ref = load_reference(sys.argv[1])
    obj = ref.DEIS_Sampler.__new__(ref.DEIS_Sampler)
    obj.device = "cpu"
    obj._make_schedule(type="linear", diffusion_step=1000, beta_start=1e-4, beta_end=0.02)
    abar = obj.alphas_cump
    gen = torch.Generator().manual_seed(20261208)
    cases = []
    for window, cutoff, t, d in [
        (10, 900, 950, 3), (10, 900, 995, 8), (10, 900, 999, 3), (10, 900, 900, 3), (10, 900, 901, 5),
        (15, 300, 500, 3), (15, 300, 310, 16), (15, 300, 120, 3), (15, 0, 5, 3), (15, 0, 15, 4), (30, 300, 985, 3),
        (30, 300, 640, 32), (0, 100, 500, 3), (1, 0, 1, 2), (200, 0, 990, 3),
    ]:
        obj.window_size, obj.cut_off_value = window, cutoff
        lo, hi = max(0, t - window), min(999, t + window)
        # target variances from below 1 - abar_lo to above 1 - abar_hi
        v_lo, v_hi = float(1 - abar[lo]), float(1 - abar[hi])
        span = max(v_hi - v_lo, 1e-3)
        rows = []
        for r in range(16):
            target = v_lo - 0.2 * span + 1.4 * span * r / 15
            z = torch.randn(d, generator=gen, dtype=torch.float64)
            z = (z - z.mean()) / z.std()  # unbiased std 1
            rows.append((z * abs(target) ** 0.5 + 0.1 * r).tolist())
        x = torch.tensor(rows, dtype=torch.float64)
        out = obj.apply_time_shift(x, t)
        cases.append({"window": window, "cutoff": cutoff, "t": t, "rows": rows,
                      "shifted": [int(v) for v in out.reshape(-1).tolist()]})
    doc = {"source": "Mingxiao-Li/TS-DPM sampler/deis_sampler.py apply_time_shift (commit of the checkout given), "
                     "float64 schedule", "torch": torch.__version__,
           "schedule": {"beta_schedule": "linear", "num_train_timesteps": 1000, "beta_start": 1e-4, "beta_end": 0.02},
           "cases": cases}
    with open(sys.argv[2], "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote", len(cases), "cases to", sys.argv[2])


if __name__ == "__main__":
    main()
