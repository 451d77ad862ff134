#!/usr/bin/env python3
"""Golden trajectories of DC-Solver's dynamic compensation (wl-zhao/DC-Solver, ECCV 2024).

Usage (Debian's python3-torch and python3-numpy are enough; no pip, no diffusers install):
    python3 make_dc_solver_golden.py DCSOLVER OUT_DIR

DCSOLVER is a wl-zhao/DC-Solver checkout (its diffusers/src/diffusers/schedulers/
scheduling_dcsolver_multistep.py, a UniPC multistep scheduler with the compensation, is imported from the
path given; none of its code is copied here). The diffusers stand-ins of make_unipc_deis_golden.py are
reused. The scheduler runs in its sampling phase (no ddim_gt: `_step`) with the per-step ratios set on
`scheduler.dc_ratios` after `set_timesteps`, as its pipeline does with ratios from a search or the CPR.
This version's last sigma is sigma_min (alphas_cumprod[0]), i.e. final_sigmas_type "sigma_min".

The model is the exact denoiser of make_golden.py's 3-component, 3-D mixture, as an epsilon
prediction, from the same x_T. The scheduler's float32 sigma table is cast to float64 after
set_timesteps (values unchanged); each case records it.

Output: dc_solver_golden.json.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402  (sets torch's default dtype to float64)
import make_unipc_deis_golden as ud  # noqa: E402


def run(cls, config, steps, ratios, x_T):
    with ud.default_dtype(torch.float64):
        sched = cls(**config)
        sched.set_timesteps(steps)
    sigmas = sched.sigmas.clone()
    sched.sigmas = sched.sigmas.to(torch.float64)
    sched.dc_ratios = list(ratios)
    x = x_T.clone()
    for i, t in enumerate(sched.timesteps):
        s = sched.sigmas[i]
        alpha = 1.0 / torch.sqrt(s * s + 1.0)
        sigma = s * alpha
        x0 = mg.gmm_posterior_mean(x, alpha, sigma)
        eps = (x - alpha * x0) / sigma
        with ud.default_dtype(torch.float64):
            x = sched.step(eps, t, x).prev_sample
    assert torch.isfinite(x).all(), (config, steps, ratios)
    return {"config": config, "steps": steps, "dc_ratios": list(ratios), "timesteps": sched.timesteps.tolist(),
            "sigmas": sigmas.to(torch.float64).tolist(), "samples": x.tolist()}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    root, out_dir = sys.argv[1:]
    ud.install_diffusers_stubs()
    mod = ud.load_diffusers_scheduler(os.path.join(root, "diffusers"), "scheduling_dcsolver_multistep")
    cls = mod.DCSolverMultistepScheduler
    gen = torch.Generator().manual_seed(20261206)
    x_T = torch.randn(4, 3, generator=gen, dtype=torch.float64)  # the same x_T as make_golden.py
    cases = []
    for config, steps, ratios in [
        ({}, 5, [1.0, 1.0, 0.9, 1.1, 0.95]),
        ({}, 6, [1.0, 1.0, 1.2, 0.8, 1.05, 0.97]),
        ({"dc_order": 1}, 5, [1.0, 0.85, 1.1, 0.9, 1.0]),
        ({"dc_order": 3}, 7, [1.0, 1.0, 1.0, 1.1, 0.9, 1.05, 0.93]),
        ({"solver_order": 3}, 8, [1.0, 1.0, 0.96, 1.04, 0.9, 1.1, 1.0, 0.98]),
        ({"solver_type": "bh1"}, 6, [1.0, 1.0, 1.1, 0.92, 1.0, 1.07]),
        ({"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}, 10,
         [1.0, 1.0, 0.95, 0.97, 1.02, 1.03, 0.99, 1.0, 1.01, 0.98]),
        ({}, 5, [1.0, 1.0, 1.0, 1.0, 1.0]),
    ]:
        cases.append(run(cls, config, steps, ratios, x_T))
    gmm = {"weights": mg.WEIGHTS, "means": mg.MEANS, "covariances": mg.COVS}
    path = os.path.join(out_dir, "dc_solver_golden.json")
    with open(path, "w") as f:
        json.dump({"source": "wl-zhao/DC-Solver diffusers/src/diffusers/schedulers/scheduling_dcsolver_multistep.py "
                             "(commit of the checkout given), sampling phase, with the stand-ins of "
                             "make_unipc_deis_golden.py", "torch": torch.__version__, "gmm": gmm,
                   "x_T": x_T.tolist(), "cases": cases}, f, indent=1)
    print("wrote", path, len(cases), "cases")


if __name__ == "__main__":
    main()
