#!/usr/bin/env python3
"""Golden trajectories of diffusers' dynamic thresholding (`thresholding=True`), run without installing diffusers.

Usage (Debian's python3-torch and python3-numpy are enough):
    /usr/bin/python3 make_threshold_golden.py /path/to/diffusers-checkout threshold_golden.json

It loads diffusers' scheduling_ddim.py, scheduling_dpmsolver_multistep.py, scheduling_unipc_multistep.py and
scheduling_deis_multistep.py from the checkout given (Apache-2.0; keep it outside this repository, nothing of it
is copied here) behind make_golden_diffusers.py's stubs, with every "float32" in their source replaced by
"float64" (so the betas, sigmas and steps run in float64 and the Java port can be held to 1e-5).

The data are make_golden.py's 3-component, 3-D Gaussian mixture scaled by 2 (means x 2, covariances x 4), so the
predicted x0 often exceeds 1.5 in absolute value and sample_max_value = 1.5 (or 2.5) bites: the per-row quantile s
lands below 1, between 1 and the maximum, and above it. The model is that mixture's exact denoiser at the VP level
of the scheduler's current step (DDIM: alpha = sqrt(alpha_bar_t); the others: alpha = 1 / sqrt(sigma^2 + 1)),
returned as the case's prediction type. Samples are shaped [B, 3, 1] because diffusers' _threshold_sample
unpacks (batch, channels, *rest). x_T: 8 float64 standard normal rows from torch.Generator seed 20261207.
Each case records the scheduler's integer timesteps and the final samples; the SDE case records the normals it
passes as variance_noise. The last two cases are the noise-prediction DPM-Solver (algorithm_type="dpmsolver",
final_sigmas_type="sigma_min"), which thresholds x0 and recomputes eps from it.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402  (float64 default dtype)
import make_golden_diffusers as mgd  # noqa: E402

SCALE = 2.0
WEIGHTS = mg.WEIGHTS
MEANS = [[SCALE * v for v in row] for row in mg.MEANS]
COVS = [[[SCALE * SCALE * v for v in row] for row in cov] for cov in mg.COVS]


def posterior_mean(x, alpha, sigma):
    old = (mg.WEIGHTS, mg.MEANS, mg.COVS)
    mg.WEIGHTS, mg.MEANS, mg.COVS = WEIGHTS, MEANS, COVS
    try:
        return mg.gmm_posterior_mean(x, alpha, sigma)
    finally:
        mg.WEIGHTS, mg.MEANS, mg.COVS = old


def prediction(x, alpha, sigma, kind):
    flat = x.reshape(x.shape[0], -1)
    x0 = posterior_mean(flat, alpha, sigma)
    eps = (flat - alpha * x0) / sigma
    out = eps if kind == "epsilon" else x0 if kind == "sample" else alpha * eps - sigma * x0
    return out.reshape(x.shape)


def run(mods, scheduler, config, steps, x_T, noise_seed=None):
    cls = {"ddim": mods["ddim"].DDIMScheduler, "dpmsolver++": mods["dpm"].DPMSolverMultistepScheduler,
           "sde-dpmsolver++": mods["dpm"].DPMSolverMultistepScheduler,
           "dpmsolver": mods["dpm"].DPMSolverMultistepScheduler, "unipc": mods["unipc"].UniPCMultistepScheduler,
           "deis": mods["deis"].DEISMultistepScheduler}[scheduler]
    full = dict(config)
    if scheduler == "sde-dpmsolver++":
        full["algorithm_type"] = "sde-dpmsolver++"
    if scheduler == "dpmsolver":
        full.update(algorithm_type="dpmsolver", final_sigmas_type="sigma_min")
    sch = cls(num_train_timesteps=1000, thresholding=True, **full)
    sch.set_timesteps(steps)
    ptype = config.get("prediction_type", "epsilon")
    x = x_T.clone().reshape(-1, 3, 1)
    gen = torch.Generator().manual_seed(noise_seed) if noise_seed is not None else None
    noises = []
    for i, t in enumerate(sch.timesteps):
        if scheduler == "ddim":
            abar = sch.alphas_cumprod[int(t)]
            alpha, sigma = abar ** 0.5, (1 - abar) ** 0.5
        else:
            s = sch.sigmas[i]
            alpha = 1.0 / (s * s + 1.0) ** 0.5
            sigma = s * alpha
        out = prediction(x, alpha, sigma, ptype)
        if gen is not None:
            z = torch.randn(x_T.shape, generator=gen, dtype=torch.float64)
            noises.append(z.tolist())
            x = sch.step(out, t, x, variance_noise=z.reshape(x.shape), return_dict=False)[0]
        else:
            x = sch.step(out, t, x, return_dict=False)[0]
    assert torch.isfinite(x).all()
    case = {"scheduler": scheduler, "config": config, "steps": steps, "timesteps": [int(v) for v in sch.timesteps],
            "model_calls": len(sch.timesteps), "samples": x.reshape(-1, 3).tolist()}
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
            "deis": mgd.load_scheduler(checkout, "scheduling_deis_multistep")}
    gen = torch.Generator().manual_seed(20261207)
    x_T = torch.randn(8, 3, generator=gen, dtype=torch.float64)
    t15 = {"sample_max_value": 1.5}
    cases = [
        # DDIM: clip_sample (default true) is ignored when thresholding is on
        run(mods, "ddim", t15, 10, x_T),
        run(mods, "ddim", {"sample_max_value": 2.5, "dynamic_thresholding_ratio": 0.9, "clip_sample": False}, 25, x_T),
        run(mods, "ddim", {**t15, "prediction_type": "v_prediction"}, 8, x_T),
        run(mods, "dpmsolver++", t15, 10, x_T),
        run(mods, "dpmsolver++", {**t15, "dynamic_thresholding_ratio": 0.9}, 20, x_T),
        run(mods, "dpmsolver++", {**t15, "prediction_type": "sample", "solver_order": 3}, 12, x_T),
        run(mods, "dpmsolver++", {"sample_max_value": 2.5, "solver_type": "heun"}, 16, x_T),
        run(mods, "unipc", t15, 10, x_T),
        run(mods, "unipc", {**t15, "solver_order": 3, "dynamic_thresholding_ratio": 0.9}, 20, x_T),
        run(mods, "unipc", {"sample_max_value": 2.5, "prediction_type": "v_prediction"}, 7, x_T),
        run(mods, "deis", t15, 10, x_T),
        run(mods, "deis", {**t15, "solver_order": 3, "prediction_type": "sample"}, 15, x_T),
        run(mods, "sde-dpmsolver++", t15, 10, x_T, noise_seed=11),
        run(mods, "dpmsolver", t15, 10, x_T),
        run(mods, "dpmsolver", {"sample_max_value": 2.5, "solver_order": 3, "solver_type": "heun",
                                "prediction_type": "v_prediction"}, 16, x_T),
    ]
    doc = {
        "source": "huggingface/diffusers schedulers (commit of the checkout given) with thresholding=True, run in "
                  "float64 behind make_golden_diffusers.py's stubs",
        "torch": torch.__version__,
        "gmm": {"weights": WEIGHTS, "means": MEANS, "covariances": COVS},
        "x_T": x_T.tolist(),
        "cases": cases,
    }
    with open(sys.argv[2], "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote", len(cases), "cases to", sys.argv[2])


if __name__ == "__main__":
    main()
