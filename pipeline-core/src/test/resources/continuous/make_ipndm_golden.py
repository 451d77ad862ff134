#!/usr/bin/env python3
"""Golden trajectories of diffusers' IPNDMScheduler (iPNDM of DEIS, Zhang and Chen 2022), run without installing
diffusers.

Usage (Debian's python3-torch and python3-numpy are enough):
    python3 make_ipndm_golden.py /path/to/diffusers-checkout ipndm_golden.json

The checkout may be a bare git mirror's file extracted with
    git --git-dir=MIRROR show HEAD:src/diffusers/schedulers/scheduling_ipndm.py
into CHECKOUT/src/diffusers/schedulers/. The scheduler file (Apache-2.0; nothing copied into this repository) is
loaded behind the stubs of make_golden_diffusers.py (imported from beside this file), with "float32" read as
"float64" and torch's default dtype float64, so its grid and steps run in float64.

The scheduler is driven by the usual loop: set_timesteps(N), then for each t in timesteps
step(model(x, t), t, x). IPNDMScheduler reads the model output as a v prediction (it forms sigma x + alpha v).
The model is make_golden.py's exact GMM denoiser at the VP level of the timestep it is given:
alpha = cos(pi t / 2), sigma = sin(pi t / 2), returning v = alpha eps - sigma x0. x_T is make_golden.py's float64
draw. Each case records the timesteps, the scheduler's betas (its sigma) and alphas, the model calls and the
final samples.
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402
import make_golden_diffusers as mgd  # noqa: E402  (sets torch's default dtype to float64)


def v_model(x, t):
    alpha = math.cos(math.pi * float(t) / 2)
    sigma = math.sin(math.pi * float(t) / 2)
    x0 = mg.gmm_posterior_mean(x, alpha, sigma)
    eps = (x - alpha * x0) / sigma
    return alpha * eps - sigma * x0


def run(cls, steps, x_T):
    sched = cls()
    sched.set_timesteps(steps)
    x = x_T.clone()
    calls = 0
    for t in sched.timesteps:
        out = v_model(x, t)
        calls += 1
        x = sched.step(out, t, x).prev_sample
    return {
        "scheduler": "ipndm", "steps": steps, "prediction_type": "v_prediction",
        "timesteps": sched.timesteps.tolist(), "betas": sched.betas.tolist(), "alphas": sched.alphas.tolist(),
        "model_calls": calls, "samples": x.tolist(),
    }


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    mgd.install_stubs()
    cls = mgd.load_scheduler(sys.argv[1], "scheduling_ipndm").IPNDMScheduler
    gen = torch.Generator().manual_seed(20261206)
    x_T = torch.randn(4, 3, generator=gen, dtype=torch.float64)
    cases = [run(cls, steps, x_T) for steps in [1, 2, 3, 4, 5, 10, 25]]
    doc = {
        "source": "diffusers IPNDMScheduler (scheduling_ipndm.py), float64, default config",
        "gmm": {"weights": mg.WEIGHTS, "means": mg.MEANS, "covariances": mg.COVS},
        "x_T": x_T.tolist(),
        "cases": cases,
    }
    with open(sys.argv[2], "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
