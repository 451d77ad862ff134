#!/usr/bin/env python3
"""Golden trajectories of singlestep DPM-Solver++ and DPM-Solver (orders 1, 2 and 3) from LuChengTHU/dpm-solver's dpm_solver_pytorch.py.

Usage (Debian's python3-torch is enough):
    python3 make_golden_singlestep.py /path/to/dpm-solver-checkout-or-dpm_solver_pytorch.py dpm_solver_singlestep_golden.json

Same model, GMM, x_T and float64 setting as make_golden.py (imported from beside this file). Each case runs
DPM_Solver(algorithm_type="dpmsolver++").sample(method=singlestep | singlestep_fixed, order=1 | 2 | 3, skip_type,
solver_type=dpmsolver | taylor, lower_order_final=True) from t_T = 1 to t_0 = 1 / total_N and records the lambdas
of the outer times, the step orders, the number of model calls and the final samples. The order-3 cases
(singlestep_dpm_solver_third_update) come after the order-1 and order-2 ones, so the earlier cases are unchanged.
The last cases run the noise-prediction DPM-Solver (algorithm_type="dpmsolver", predict_x0=False), orders 1-3;
every case records its algorithm_type.
"""
import itertools
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402

torch.set_default_dtype(torch.float64)


def schedule_of(ref, name):
    if name == "linear":
        return ref.NoiseScheduleVP("linear", continuous_beta_0=0.1, continuous_beta_1=20.0)
    return ref.NoiseScheduleVP("discrete", betas=mg.discrete_betas(name), dtype=torch.float64)


def run_case(ref, schedule, skip, method, order, steps, solver_type, model_type, x_T, algorithm_type="dpmsolver++"):
    ns = schedule_of(ref, schedule)
    calls = [0]

    def model(x, t_input):
        calls[0] += 1
        t = t_input if ns.schedule == "linear" else t_input / 1000.0 + 1.0 / ns.total_N
        alpha = ns.marginal_alpha(t).reshape(-1, 1)
        sigma = ns.marginal_std(t).reshape(-1, 1)
        x0 = mg.gmm_posterior_mean(x, alpha[0, 0], sigma[0, 0])
        eps = (x - alpha * x0) / sigma
        if model_type == "noise":
            return eps
        if model_type == "x_start":
            return x0
        return alpha * eps - sigma * x0

    fn = ref.model_wrapper(model, ns, model_type=model_type, guidance_type="uncond")
    solver = ref.DPM_Solver(fn, ns, algorithm_type=algorithm_type)
    t_end = 1.0 / ns.total_N
    if method == "singlestep":
        outer, orders = solver.get_orders_and_timesteps_for_singlestep_solver(steps, order, skip, 1.0, t_end, "cpu")
    else:
        k = steps // order
        orders = [order] * k
        outer = solver.get_time_steps(skip, 1.0, t_end, k, "cpu")
    out = solver.sample(x_T.clone(), steps=steps, order=order, skip_type=skip, method=method,
                        lower_order_final=True, solver_type=solver_type)
    return {
        "schedule": schedule, "skip_type": skip, "method": method, "order": order, "steps": steps,
        "solver_type": solver_type, "model_type": model_type, "algorithm_type": algorithm_type, "orders": list(orders),
        "outer_lambdas": ns.marginal_lambda(outer).tolist(), "samples": out.tolist(), "model_calls": calls[0],
    }


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    ref = mg.load_reference(sys.argv[1])
    gen = torch.Generator().manual_seed(20261206)
    x_T = torch.randn(4, 3, generator=gen, dtype=torch.float64)
    cases = []
    for schedule, skip, method, steps in itertools.product(
            ["linear", "discrete_linear", "discrete_cosine"], ["logSNR", "time_uniform", "time_quadratic"],
            ["singlestep", "singlestep_fixed"], [5, 8]):
        cases.append(run_case(ref, schedule, skip, method, 2, steps, "dpmsolver", "noise", x_T))
    for schedule, skip, method, order, steps, solver_type, model_type in [
        ("linear", "logSNR", "singlestep", 2, 12, "taylor", "noise"),
        ("discrete_linear", "time_uniform", "singlestep", 2, 7, "taylor", "noise"),
        ("discrete_cosine", "logSNR", "singlestep_fixed", 2, 9, "taylor", "v"),
        ("linear", "time_uniform", "singlestep", 2, 20, "dpmsolver", "x_start"),
        ("discrete_linear", "logSNR", "singlestep", 2, 3, "dpmsolver", "v"),
        ("linear", "logSNR", "singlestep", 2, 2, "dpmsolver", "noise"),
        ("linear", "logSNR", "singlestep", 1, 6, "dpmsolver", "noise"),
        ("discrete_linear", "time_quadratic", "singlestep_fixed", 1, 4, "dpmsolver", "x_start"),
    ]:
        cases.append(run_case(ref, schedule, skip, method, order, steps, solver_type, model_type, x_T))
    # third order: steps % 3 = 0, 1, 2 (orders [3..., 2, 1], [3..., 1], [3..., 2]) on every schedule and skip type
    for schedule, skip, method, steps in itertools.product(
            ["linear", "discrete_linear", "discrete_cosine"], ["logSNR", "time_uniform", "time_quadratic"],
            ["singlestep", "singlestep_fixed"], [6, 11]):
        cases.append(run_case(ref, schedule, skip, method, 3, steps, "dpmsolver", "noise", x_T))
    for schedule, skip, method, steps, solver_type, model_type in [
        ("linear", "logSNR", "singlestep", 10, "taylor", "noise"),
        ("discrete_linear", "time_uniform", "singlestep", 9, "taylor", "noise"),
        ("discrete_cosine", "logSNR", "singlestep_fixed", 12, "taylor", "v"),
        ("linear", "time_quadratic", "singlestep", 20, "taylor", "x_start"),
        ("linear", "time_uniform", "singlestep", 13, "dpmsolver", "x_start"),
        ("discrete_linear", "logSNR", "singlestep", 4, "dpmsolver", "v"),
        ("discrete_cosine", "time_uniform", "singlestep", 5, "taylor", "noise"),
        ("linear", "logSNR", "singlestep", 3, "dpmsolver", "noise"),
        ("discrete_linear", "time_quadratic", "singlestep_fixed", 3, "taylor", "noise"),
    ]:
        cases.append(run_case(ref, schedule, skip, method, 3, steps, solver_type, model_type, x_T))
    # the noise-prediction DPM-Solver (algorithm_type="dpmsolver"), orders 1-3, both solver types
    for schedule, skip, method, order, steps, solver_type, model_type in [
        ("linear", "logSNR", "singlestep", 1, 6, "dpmsolver", "noise"),
        ("discrete_linear", "time_uniform", "singlestep", 2, 8, "dpmsolver", "noise"),
        ("discrete_cosine", "logSNR", "singlestep", 2, 7, "taylor", "noise"),
        ("linear", "time_quadratic", "singlestep_fixed", 2, 10, "taylor", "x_start"),
        ("discrete_linear", "logSNR", "singlestep", 2, 12, "dpmsolver", "v"),
        ("linear", "logSNR", "singlestep", 3, 6, "dpmsolver", "noise"),
        ("linear", "time_uniform", "singlestep", 3, 11, "taylor", "noise"),
        ("discrete_linear", "logSNR", "singlestep", 3, 10, "taylor", "v"),
        ("discrete_cosine", "time_quadratic", "singlestep", 3, 8, "dpmsolver", "noise"),
        ("discrete_cosine", "logSNR", "singlestep_fixed", 3, 12, "taylor", "noise"),
        ("discrete_linear", "time_uniform", "singlestep_fixed", 3, 9, "dpmsolver", "x_start"),
        ("linear", "logSNR", "singlestep", 3, 20, "dpmsolver", "noise"),
    ]:
        cases.append(run_case(ref, schedule, skip, method, order, steps, solver_type, model_type, x_T, "dpmsolver"))
    doc = {
        "source": "LuChengTHU/dpm-solver dpm_solver_pytorch.py (commit given on the command line's checkout), float64",
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
