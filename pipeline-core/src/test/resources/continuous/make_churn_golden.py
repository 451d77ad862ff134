#!/usr/bin/env python3
"""Golden trajectories of diffusers' EulerDiscreteScheduler with churn (s_churn, s_tmin, s_tmax, s_noise).

Usage (Debian's python3-torch and python3-numpy are enough; diffusers is not installed):
    python3 make_churn_golden.py /path/to/diffusers-checkout euler_churn_golden.json

It loads src/diffusers/schedulers/scheduling_euler_discrete.py from the checkout behind make_golden_diffusers.py's
stubs (imported from beside this file), with "float32" replaced by "float64" as there, and runs the same exact GMM
denoiser (make_golden.py) from the same x_T on the VP level of each sigma. The step noise is replayed: before each
step the script draws z_i ~ N(0, I) (torch generator, seeded per case) and the module's randn_tensor is replaced by
a function that returns that z_i, so EulerDiscreteScheduler.step(s_churn=..., s_tmin=..., s_tmax=..., s_noise=...)
adds exactly s_noise z_i sqrt(sigma_hat^2 - sigma^2) where it churns. Every step's z_i is recorded in "noise" (also
those of steps whose gamma is 0, which draw nothing), "churned" lists the steps where randn_tensor was called, and
"deterministic" holds the same run with s_churn = 0 (so a test can check that the churn moved the samples).
Samples are in VP scale x / sqrt(sigma_N^2 + 1) (= the VE x when the grid ends at sigma 0). Nothing of diffusers is
copied into this repository.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402
import make_golden_diffusers as mgd  # noqa: E402

torch.set_default_dtype(torch.float64)


def run(euler, beta, karras, spacing, offset, final, steps, ptype, x_T, churn, seed):
    s_churn, s_tmin, s_tmax, s_noise = churn
    sch = euler.EulerDiscreteScheduler(num_train_timesteps=1000, prediction_type=ptype, use_karras_sigmas=karras,
                                       timestep_spacing=spacing, steps_offset=offset, final_sigmas_type=final,
                                       **mgd.schedule_args(beta))
    sch.set_timesteps(steps)
    sigmas = sch.sigmas.tolist()
    gen = torch.Generator().manual_seed(seed)
    current = {}
    churned = []

    def replay(shape, dtype=None, device=None, generator=None):
        churned.append(current["step"])
        assert tuple(shape) == tuple(current["z"].shape)
        return current["z"].clone()

    euler.randn_tensor = replay
    x = x_T.clone() * (sigmas[0] ** 2 + 1.0) ** 0.5
    noises = []
    for i, t in enumerate(sch.timesteps):
        z = torch.randn(x.shape, generator=gen, dtype=torch.float64)
        noises.append(z.tolist())
        current["step"], current["z"] = i, z
        x_in = sch.scale_model_input(x, t)
        out = mgd.prediction(x_in, sch.sigmas[sch.step_index].item(), ptype)
        x = sch.step(out, t, x, s_churn=s_churn, s_tmin=s_tmin, s_tmax=s_tmax, s_noise=s_noise, return_dict=False)[0]
    return x / (sigmas[-1] ** 2 + 1.0) ** 0.5, noises, churned, sigmas, sch.timesteps.tolist()


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    mgd.install_stubs()
    euler = mgd.load_scheduler(sys.argv[1], "scheduling_euler_discrete")
    gen = torch.Generator().manual_seed(20261206)
    x_T = torch.randn(4, 3, generator=gen, dtype=torch.float64)  # make_golden_diffusers.py's x_T
    inf = float("inf")
    cases = []
    seed = 100
    for beta, karras, spacing, offset, final, steps, ptype, churn in [
        ("linear", True, "linspace", 0, "zero", 10, "epsilon", (1.0, 0.0, inf, 1.0)),
        ("scaled_linear", True, "linspace", 0, "zero", 20, "epsilon", (40.0, 0.05, 5.0, 1.003)),
        ("linear", True, "linspace", 0, "zero", 8, "v_prediction", (80.0, 0.0, inf, 1.0)),
        ("squaredcos_cap_v2", True, "linspace", 0, "zero", 12, "sample", (3.0, 0.5, 50.0, 0.9)),
        ("linear", False, "linspace", 0, "zero", 15, "epsilon", (2.5, 0.1, inf, 1.0)),
        ("linear", False, "leading", 1, "zero", 10, "v_prediction", (5.0, 0.0, 20.0, 1.0)),
        ("scaled_linear", False, "trailing", 0, "zero", 9, "sample", (1.5, 0.0, inf, 1.2)),
        ("linear", False, "trailing", 0, "sigma_min", 8, "epsilon", (4.0, 0.0, inf, 1.0)),
        ("linear", False, "leading", 1, "sigma_min", 6, "sample", (2.0, 0.01, 1.0, 1.0)),
    ]:
        seed += 1
        x, noise, churned, sigmas, ts = run(euler, beta, karras, spacing, offset, final, steps, ptype, x_T, churn, seed)
        x_det = run(euler, beta, karras, spacing, offset, final, steps, ptype, x_T, (0.0, 0.0, inf, 1.0), seed)[0]
        cases.append({"beta_schedule": beta, "karras": karras, "spacing": spacing, "steps_offset": offset,
                      "final_sigmas_type": final, "steps": steps, "prediction_type": ptype,
                      "s_churn": churn[0], "s_tmin": churn[1], "s_tmax": "inf" if churn[2] == inf else churn[2],
                      "s_noise": churn[3], "seed": seed, "grid_sigmas": sigmas, "grid_timesteps": ts,
                      "noise": noise, "churned": churned, "model_calls": steps,
                      "samples": x.tolist(), "deterministic": x_det.tolist()})
    doc = {
        "source": "huggingface/diffusers EulerDiscreteScheduler.step with s_churn (commit of the command line's "
                  "checkout) run in float64 behind make_golden_diffusers.py's stubs",
        "torch": torch.__version__,
        "gmm": {"weights": mg.WEIGHTS, "means": mg.MEANS, "covariances": mg.COVS},
        "x_T": x_T.tolist(),
        "cases": cases,
    }
    with open(sys.argv[2], "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote", len(cases), "cases to", sys.argv[2], "churned steps", [c["churned"] for c in cases])


if __name__ == "__main__":
    main()
