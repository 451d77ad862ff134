#!/usr/bin/env python3
"""Golden trajectories of diffusers' `rescale_betas_zero_snr` and `lambda_min_clipped`, run without installing diffusers.

Usage (Debian's python3-torch and python3-numpy are enough):
    /usr/bin/python3 make_zero_snr_golden.py /path/to/diffusers-checkout zero_snr_golden.json

It loads diffusers' scheduling_ddim.py, scheduling_dpmsolver_multistep.py, scheduling_unipc_multistep.py and
scheduling_euler_discrete.py from the checkout given (Apache-2.0; keep it outside this repository, nothing of it is
copied here) behind make_golden_diffusers.py's stubs, with every "float32" in their source replaced by "float64".

rescale_betas_zero_snr (Lin et al. 2024, algorithm 1) leaves alpha_bar = 0 at the last training timestep in
DDIMScheduler, and 2**-24 in the other three (each scheduler's own code does this). lambda_min_clipped is
DPMSolverMultistepScheduler's clip of the integer timestep grid; the cosine (squaredcos_cap_v2) cases clip at -5.1
(dpm-solver's value); with -3 on the linear schedule trailing spacing yields 8 of the 10 steps asked.

The model is make_golden.py's exact GMM denoiser, at the VP level of the scheduler's current step (DDIM: alpha =
sqrt(alpha_bar_t), sigma = sqrt(1 - alpha_bar_t), which is (0, 1) at the zero-SNR timestep; DPM-Solver / UniPC:
alpha = 1 / sqrt(sigma^2 + 1); Euler: as make_golden_diffusers.py, x_T scaled by sqrt(sigma_0^2 + 1), samples
recorded in VP scale). x_T is make_golden.py's draw (torch.Generator seed 20261206, 4 x 3). Each case records
the scheduler's timesteps, its model calls, the SDE case its variance_noise, and the final samples.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402  (float64 default dtype)
import make_golden_diffusers as mgd  # noqa: E402


def prediction(x, alpha, sigma, kind):
    x0 = mg.gmm_posterior_mean(x, alpha, sigma)
    if kind == "sample":
        return x0
    eps = (x - alpha * x0) / sigma
    return eps if kind == "epsilon" else alpha * eps - sigma * x0


def run(mods, scheduler, config, steps, x_T, noise_seed=None):
    cls = {"ddim": mods["ddim"].DDIMScheduler, "dpmsolver++": mods["dpm"].DPMSolverMultistepScheduler,
           "sde-dpmsolver++": mods["dpm"].DPMSolverMultistepScheduler, "unipc": mods["unipc"].UniPCMultistepScheduler,
           "euler": mods["euler"].EulerDiscreteScheduler}[scheduler]
    full = dict(config)
    if scheduler == "sde-dpmsolver++":
        full["algorithm_type"] = "sde-dpmsolver++"
    full.update(mgd.schedule_args(full.pop("beta_schedule", "linear")))
    sch = cls(num_train_timesteps=1000, **full)
    sch.set_timesteps(steps)
    ptype = config.get("prediction_type", "epsilon")
    gen = torch.Generator().manual_seed(noise_seed) if noise_seed is not None else None
    noises = []
    x = x_T.clone()
    if scheduler == "euler":
        x = x * (sch.sigmas[0].item() ** 2 + 1.0) ** 0.5
    for i, t in enumerate(sch.timesteps):
        if scheduler == "ddim":
            abar = sch.alphas_cumprod[int(t)].item()
            alpha, sigma = abar ** 0.5, (1 - abar) ** 0.5
            x_in = x
        elif scheduler == "euler":
            x_in = sch.scale_model_input(x, t)
            s = sch.sigmas[sch.step_index].item()
            alpha = 1.0 / (s * s + 1.0) ** 0.5
            sigma = s * alpha
        else:
            s = sch.sigmas[i].item()
            alpha = 1.0 / (s * s + 1.0) ** 0.5
            sigma = s * alpha
            x_in = x
        out = prediction(x_in, alpha, sigma, ptype)
        if gen is not None:
            z = torch.randn(x_T.shape, generator=gen, dtype=torch.float64)
            noises.append(z.tolist())
            x = sch.step(out, t, x, variance_noise=z, return_dict=False)[0]
        else:
            x = sch.step(out, t, x, return_dict=False)[0]
    if scheduler == "euler":
        x = x / (sch.sigmas[-1].item() ** 2 + 1.0) ** 0.5
    assert torch.isfinite(x).all(), (scheduler, config)
    case = {"scheduler": scheduler, "config": config, "steps": steps,
            "timesteps": [float(v) for v in sch.timesteps], "model_calls": len(sch.timesteps),
            "last_alpha_bar": sch.alphas_cumprod[-1].item(), "samples": x.tolist()}
    if noises:
        case["noise"] = noises
    return case


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    mgd.install_stubs()
    checkout = sys.argv[1]
    mods = {"ddim": mgd.load_scheduler(checkout, "scheduling_ddim"),
            "dpm": mgd.load_scheduler(checkout, "scheduling_dpmsolver_multistep"),
            "unipc": mgd.load_scheduler(checkout, "scheduling_unipc_multistep"),
            "euler": mgd.load_scheduler(checkout, "scheduling_euler_discrete")}
    gen = torch.Generator().manual_seed(20261206)
    x_T = torch.randn(4, 3, generator=gen, dtype=torch.float64)
    z = {"rescale_betas_zero_snr": True}
    cos = {"beta_schedule": "squaredcos_cap_v2", "lambda_min_clipped": -5.1}
    cases = [
        # DDIM: trailing / linspace visit the zero-SNR timestep 999 (v_prediction or sample); leading does not
        run(mods, "ddim", {**z, "timestep_spacing": "trailing", "prediction_type": "v_prediction"}, 10, x_T),
        run(mods, "ddim", {**z, "timestep_spacing": "linspace", "prediction_type": "sample",
                           "beta_schedule": "scaled_linear", "clip_sample": False}, 7, x_T),
        run(mods, "ddim", {**z, "prediction_type": "epsilon"}, 12, x_T),
        # DPM-Solver++ / UniPC / Euler: 2**-24 at the last timestep
        run(mods, "dpmsolver++", {**z, "timestep_spacing": "trailing", "prediction_type": "v_prediction"}, 10, x_T),
        run(mods, "dpmsolver++", {**z, "solver_order": 3, "beta_schedule": "scaled_linear"}, 15, x_T),
        run(mods, "dpmsolver++", {**z, "use_karras_sigmas": True, "prediction_type": "v_prediction"}, 8, x_T),
        run(mods, "unipc", {**z, "timestep_spacing": "trailing", "prediction_type": "v_prediction"}, 9, x_T),
        run(mods, "euler", {**z, "timestep_spacing": "trailing", "prediction_type": "v_prediction"}, 10, x_T),
        run(mods, "euler", {**z, "use_karras_sigmas": True, "prediction_type": "v_prediction"}, 12, x_T),
        # lambda_min_clipped on the cosine schedule
        run(mods, "dpmsolver++", cos, 10, x_T),
        run(mods, "dpmsolver++", {**cos, "timestep_spacing": "leading", "steps_offset": 1, "solver_order": 3}, 7, x_T),
        run(mods, "dpmsolver++", {**cos, "timestep_spacing": "trailing", "prediction_type": "v_prediction"}, 10, x_T),
        run(mods, "dpmsolver++", {"lambda_min_clipped": -3.0, "final_sigmas_type": "sigma_min"}, 8, x_T),
        run(mods, "dpmsolver++", {"lambda_min_clipped": -3.0, "timestep_spacing": "trailing"}, 10, x_T),  # 8 steps
        run(mods, "dpmsolver++", {**z, "lambda_min_clipped": -4.0, "prediction_type": "v_prediction"}, 10, x_T),
        run(mods, "sde-dpmsolver++", {**cos, "timestep_spacing": "trailing"}, 12, x_T, noise_seed=21),
    ]
    doc = {
        "source": "huggingface/diffusers schedulers (commit of the checkout given) with rescale_betas_zero_snr / "
                  "lambda_min_clipped, run in float64 behind make_golden_diffusers.py's stubs",
        "torch": torch.__version__,
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
