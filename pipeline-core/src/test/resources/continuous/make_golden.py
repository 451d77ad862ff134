#!/usr/bin/env python3
"""Golden trajectories of multistep DPM-Solver++ and DPM-Solver from LuChengTHU/dpm-solver's dpm_solver_pytorch.py.

Usage (Debian's python3-torch is enough):
    python3 make_golden.py /path/to/dpm-solver-checkout-or-dpm_solver_pytorch.py dpm_solver_golden.json

The reference file is imported from the path given (keep the checkout outside this repository;
it is MIT-licensed and nothing of it is copied here). Everything runs in float64
(torch.set_default_dtype), so the Java port can be held to 1e-5 (in practice ~1e-12).

The model is the exact denoiser of a 3-component, 3-D Gaussian mixture with full covariances:
E[x0|x_t] = sum_k r_k [mu_k + alpha Sigma_k C_k^-1 (x - alpha mu_k)], C_k = alpha^2 Sigma_k + sigma^2 I,
returned as noise, x_start or v as the case's model_type asks (dpm-solver's model_wrapper converts).
Each case records the schedule, skip_type, order, steps, solver_type, model_type, algorithm_type, the N + 1
continuous times from get_time_steps, the final samples from the fixed x_T, and the number of model calls. The
cases with algorithm_type "dpmsolver" (the noise-prediction DPM-Solver, predict_x0=False) follow the 44
"dpmsolver++" ones.
"""
import importlib.util
import itertools
import json
import math
import os
import sys

import torch

torch.set_default_dtype(torch.float64)


def load_reference(path):
    if os.path.isdir(path):
        path = os.path.join(path, "dpm_solver_pytorch.py")
    spec = importlib.util.spec_from_file_location("dpm_solver_pytorch", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


WEIGHTS = [0.5, 0.3, 0.2]
MEANS = [[1.0, -0.5, 0.25], [-1.5, 1.0, 0.5], [0.25, 1.5, -1.25]]
COVS = [
    [[0.30, 0.10, 0.00], [0.10, 0.20, 0.05], [0.00, 0.05, 0.10]],
    [[0.05, 0.00, 0.00], [0.00, 0.40, -0.10], [0.00, -0.10, 0.20]],
    [[0.20, -0.05, 0.02], [-0.05, 0.10, 0.00], [0.02, 0.00, 0.30]],
]


def gmm_posterior_mean(x, alpha, sigma):
    """E[x0 | x_t = x] for rows x [B, D] at scalar alpha, sigma (float64)."""
    w = torch.tensor(WEIGHTS)
    mu = torch.tensor(MEANS)
    cov = torch.tensor(COVS)
    d = mu.shape[1]
    logp, post = [], []
    for k in range(len(WEIGHTS)):
        c = alpha ** 2 * cov[k] + sigma ** 2 * torch.eye(d)
        diff = x - alpha * mu[k]
        sol = torch.linalg.solve(c, diff.T).T  # C^-1 (x - alpha mu)
        logdet = torch.logdet(c)
        logp.append(torch.log(w[k]) - 0.5 * logdet - 0.5 * (diff * sol).sum(1))
        post.append(mu[k] + alpha * sol @ cov[k].T)
    r = torch.softmax(torch.stack(logp, 1), 1)
    return (r.unsqueeze(2) * torch.stack(post, 1)).sum(1)


def discrete_betas(kind):
    n = 1000
    if kind == "discrete_linear":
        return torch.linspace(1e-4, 0.02, n)
    if kind == "discrete_cosine":
        f = lambda s: math.cos((s + 0.008) / 1.008 * math.pi / 2) ** 2
        return torch.tensor([min(1 - f((i + 1) / n) / f(i / n), 0.999) for i in range(n)])
    raise ValueError(kind)


def run_case(ref, schedule, skip, order, steps, solver_type, model_type, x_T, algorithm_type="dpmsolver++"):
    if schedule == "linear":
        ns = ref.NoiseScheduleVP("linear", continuous_beta_0=0.1, continuous_beta_1=20.0)
    else:
        ns = ref.NoiseScheduleVP("discrete", betas=discrete_betas(schedule), dtype=torch.float64)
    calls = [0]

    def model(x, t_input):
        calls[0] += 1
        if ns.schedule == "linear":
            t = t_input
        else:
            t = t_input / 1000.0 + 1.0 / ns.total_N
        alpha = ns.marginal_alpha(t).reshape(-1, 1)
        sigma = ns.marginal_std(t).reshape(-1, 1)
        x0 = gmm_posterior_mean(x, alpha[0, 0], sigma[0, 0])
        eps = (x - alpha * x0) / sigma
        if model_type == "noise":
            return eps
        if model_type == "x_start":
            return x0
        return alpha * eps - sigma * x0  # v

    fn = ref.model_wrapper(model, ns, model_type=model_type, guidance_type="uncond")
    solver = ref.DPM_Solver(fn, ns, algorithm_type=algorithm_type)
    t_end = 1.0 / ns.total_N
    times = solver.get_time_steps(skip, 1.0, t_end, steps, "cpu")
    out = solver.sample(x_T.clone(), steps=steps, order=order, skip_type=skip, method="multistep",
                        lower_order_final=True, solver_type=solver_type)
    return {
        "schedule": schedule, "skip_type": skip, "order": order, "steps": steps, "solver_type": solver_type,
        "model_type": model_type, "algorithm_type": algorithm_type, "t_end": t_end, "total_N": ns.total_N,
        "timesteps": times.tolist(), "samples": out.tolist(), "model_calls": calls[0],
    }


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    ref = load_reference(sys.argv[1])
    gen = torch.Generator().manual_seed(20261206)
    x_T = torch.randn(4, 3, generator=gen, dtype=torch.float64)
    cases = []
    for schedule, skip, order, steps in itertools.product(
            ["linear", "discrete_linear", "discrete_cosine"], ["logSNR", "time_uniform"], [1, 2, 3], [5, 12]):
        cases.append(run_case(ref, schedule, skip, order, steps, "dpmsolver", "noise", x_T))
    for schedule, skip, order, steps, solver_type, model_type in [
        ("linear", "logSNR", 2, 8, "taylor", "noise"),
        ("discrete_linear", "time_uniform", 2, 6, "taylor", "noise"),
        ("linear", "time_quadratic", 3, 10, "dpmsolver", "noise"),
        ("linear", "logSNR", 3, 3, "dpmsolver", "noise"),
        ("linear", "logSNR", 3, 25, "dpmsolver", "noise"),
        ("discrete_linear", "logSNR", 2, 9, "dpmsolver", "x_start"),
        ("linear", "time_uniform", 3, 7, "dpmsolver", "v"),
        ("discrete_cosine", "logSNR", 3, 15, "taylor", "v"),
    ]:
        cases.append(run_case(ref, schedule, skip, order, steps, solver_type, model_type, x_T))
    # the noise-prediction DPM-Solver (algorithm_type="dpmsolver"), appended so the cases above are unchanged
    for schedule, skip, order, steps in itertools.product(
            ["linear", "discrete_linear", "discrete_cosine"], ["logSNR", "time_uniform"], [1, 2, 3], [5, 12]):
        cases.append(run_case(ref, schedule, skip, order, steps, "dpmsolver", "noise", x_T, "dpmsolver"))
    for schedule, skip, order, steps, solver_type, model_type in [
        ("linear", "logSNR", 2, 8, "taylor", "noise"),
        ("discrete_linear", "time_uniform", 2, 6, "taylor", "noise"),
        ("discrete_cosine", "logSNR", 3, 10, "taylor", "noise"),
        ("linear", "time_quadratic", 3, 10, "dpmsolver", "noise"),
        ("linear", "logSNR", 3, 3, "dpmsolver", "noise"),
        ("linear", "logSNR", 3, 25, "taylor", "noise"),
        ("discrete_linear", "logSNR", 2, 9, "dpmsolver", "x_start"),
        ("linear", "time_uniform", 3, 7, "dpmsolver", "v"),
        ("discrete_cosine", "logSNR", 3, 15, "taylor", "v"),
        ("discrete_linear", "time_uniform", 2, 20, "taylor", "v"),
    ]:
        cases.append(run_case(ref, schedule, skip, order, steps, solver_type, model_type, x_T, "dpmsolver"))
    doc = {
        "source": "LuChengTHU/dpm-solver dpm_solver_pytorch.py (commit given on the command line's checkout), float64",
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
