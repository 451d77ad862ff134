#!/usr/bin/env python3
"""Golden trajectories of two noise-prediction solvers of diffusers, run without installing diffusers.

Usage (Debian's /usr/bin/python3 with python3-torch and python3-numpy):
    /usr/bin/python3 make_noise_form_golden.py /path/to/diffusers-checkout noise_form_golden.json

The checkout needs src/diffusers/schedulers/scheduling_unipc_multistep.py and scheduling_dpmsolver_multistep.py
(Apache-2.0; nothing of them is copied into this repository). They are loaded by make_golden_diffusers.py's
loader behind its stubs, with every "float32" in their source replaced by "float64" (see that script's
docstring), so the goldens check the algorithm, not float32 rounding.

Two kinds of case, on make_golden.py's exact 3-component GMM denoiser and the same x_T:
  - "unipc": UniPCMultistepScheduler(predict_x0=False), the noise branches of multistep_uni_p_bh_update /
    multistep_uni_c_bh_update, driven by the usual loop. Always final_sigmas_type="sigma_min": with "zero"
    diffusers' noise form forms sigma_t (e^h - 1) = 0 x inf at the last step and returns NaN (checked below, and
    recorded as "zero_final_sigma_gives_nan").
  - "sde-dpmsolver": DPMSolverMultistepScheduler(algorithm_type="sde-dpmsolver"), orders 1 and 2 (diffusers has no
    third-order sde-dpmsolver update and refuses final_sigmas_type="zero" for it), with the standard normals passed
    as variance_noise at each step recorded in "noise".
Each case records its config (only the keys it sets), the sigma table, the integer timesteps, the model calls and
the final samples.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402
import make_golden_diffusers as mgd  # noqa: E402

torch.set_default_dtype(torch.float64)

SCHEDULES = {
    "linear": {"beta_schedule": "linear", "beta_start": 1e-4, "beta_end": 0.02},
    "scaled_linear": {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012},
    "squaredcos_cap_v2": {"beta_schedule": "squaredcos_cap_v2"},
}


def run(cls, config, steps, x_T, seed=None):
    sch = cls(num_train_timesteps=1000, **config)
    sch.set_timesteps(steps)
    gen = None if seed is None else torch.Generator().manual_seed(seed)
    x = x_T.clone()
    noises = []
    for i, t in enumerate(sch.timesteps):
        out = mgd.prediction(x, sch.sigmas[i].item(), config.get("prediction_type", "epsilon"))
        if gen is None:
            x = sch.step(out, t, x, return_dict=False)[0]
        else:
            z = torch.randn(x.shape, generator=gen, dtype=torch.float64)
            noises.append(z.tolist())
            x = sch.step(out, t, x, variance_noise=z, return_dict=False)[0]
    return sch, x, noises


def case(cls, scheduler, beta, config, steps, x_T, seed=None):
    full = {**SCHEDULES[beta], **config}
    sch, x, noises = run(cls, full, steps, x_T, seed)
    assert torch.isfinite(x).all(), (scheduler, beta, config, steps)
    c = {"scheduler": scheduler, "beta_schedule": beta, "config": config, "steps": steps,
         "sigmas": sch.sigmas.tolist(), "timesteps": sch.timesteps.tolist(), "model_calls": len(sch.timesteps),
         "samples": x.tolist()}
    if seed is not None:
        c["noise"] = noises
    return c


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    mgd.install_stubs()
    checkout = sys.argv[1]
    U = mgd.load_scheduler(checkout, "scheduling_unipc_multistep").UniPCMultistepScheduler
    D = mgd.load_scheduler(checkout, "scheduling_dpmsolver_multistep").DPMSolverMultistepScheduler
    gen = torch.Generator().manual_seed(20261206)
    x_T = torch.randn(4, 3, generator=gen, dtype=torch.float64)
    # diffusers' noise-form UniPC on a grid ending at sigma 0 returns NaN (0 x inf in its last step)
    _, x_zero, _ = run(U, {**SCHEDULES["linear"], "predict_x0": False}, 10, x_T)
    zero_nan = bool(torch.isnan(x_zero).all())
    assert zero_nan
    cases = []
    sm = {"predict_x0": False, "final_sigmas_type": "sigma_min"}
    for beta, extra, steps in [
        ("linear", {}, 10),
        ("linear", {"solver_order": 1}, 8),
        ("linear", {"solver_order": 3}, 12),
        ("linear", {"solver_order": 3, "solver_type": "bh1"}, 16),
        ("squaredcos_cap_v2", {"solver_type": "bh1", "prediction_type": "v_prediction"}, 5),
        ("linear", {"solver_order": 3, "lower_order_final": False, "prediction_type": "sample"}, 6),
        ("scaled_linear", {"timestep_spacing": "leading", "steps_offset": 1, "prediction_type": "v_prediction"}, 7),
        ("scaled_linear", {"timestep_spacing": "trailing", "solver_order": 3, "disable_corrector": [0, 2]}, 9),
        ("squaredcos_cap_v2", {}, 25),
        ("linear", {"solver_order": 2}, 2),
    ]:
        cases.append(case(U, "unipc", beta, {**sm, **extra}, steps, x_T))
    seed = 60
    sde = {"algorithm_type": "sde-dpmsolver", "final_sigmas_type": "sigma_min"}
    for beta, extra, steps in [
        ("linear", {"solver_order": 1}, 10),
        ("linear", {}, 10),
        ("linear", {"solver_type": "heun"}, 20),
        ("scaled_linear", {"timestep_spacing": "leading", "steps_offset": 1, "prediction_type": "v_prediction"}, 15),
        ("squaredcos_cap_v2", {"solver_type": "heun", "timestep_spacing": "trailing", "prediction_type": "sample"}, 16),
        ("linear", {"lower_order_final": False}, 8),
        ("linear", {"solver_type": "heun", "euler_at_final": True}, 12),
        ("squaredcos_cap_v2", {"lambda_min_clipped": -5.1}, 18),
        ("linear", {}, 5),  # few steps: h up to 4.3, where the noise-form SDE overshoots (see continuous.md)
    ]:
        seed += 1
        cases.append(case(D, "sde-dpmsolver", beta, {**sde, **extra}, steps, x_T, seed))
    doc = {
        "source": "huggingface/diffusers scheduling_unipc_multistep.py (predict_x0=False) and "
                  "scheduling_dpmsolver_multistep.py (algorithm_type=sde-dpmsolver), commit of the command line's "
                  "checkout, run in float64 behind make_golden_diffusers.py's stubs",
        "torch": torch.__version__,
        "zero_final_sigma_gives_nan": zero_nan,
        "gmm": {"weights": mg.WEIGHTS, "means": mg.MEANS, "covariances": mg.COVS},
        "x_T": x_T.tolist(),
        "cases": cases,
    }
    with open(sys.argv[2], "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote", len(cases), "cases to", sys.argv[2])


if __name__ == "__main__":
    main()
