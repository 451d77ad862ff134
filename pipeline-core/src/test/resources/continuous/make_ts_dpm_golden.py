#!/usr/bin/env python3
"""Golden trajectories of TS-DPM's DPM-Solver variant (Mingxiao-Li/TS-DPM sampler/dpm_solver_utils.py).

Usage (Debian's python3-torch is enough):
    /usr/bin/python3 make_ts_dpm_golden.py /path/to/TS-DPM ts_dpm_solver_golden.json

The reference (Apache-2.0, commit 146954fc74517abe23bf1ad97e9e05cc2380bf00; keep the checkout outside this
repository, nothing of it is copied here) is imported from the path given: sampler/dpm_solver_utils.py, whose
NoiseScheduleVP, model_wrapper and DPM_Solver its sampler/dpm_solver.py::DPMSolverSampler drives. Its only
unused import, tqdm (a progress bar), gets an identity stand-in. DPMSolverSampler itself is not instantiated
(it loads a network and casts the betas to float32); this script does what its sample() does, in float64:
NoiseScheduleVP('discrete', betas=linear betas 1e-4 .. 0.02, 1000 steps, float64), model_wrapper(model,
model_type=..., guidance_type="uncond"), DPM_Solver(predict_x0=False, apply_time_shift=..., window_shift=w,
cut_off_value=c) and .sample(x_T, steps=N, skip_type="time_uniform", method="multistep", order=..., 
lower_order_final=True, solver_type=...). window_shift is the half-width w itself (the sampler passes
--window_size // 2).

The model is make_golden.py's exact 3-component GMM denoiser, evaluated per row at the row's own continuous time
t = t_input / 1000 + 1 / 1000 (the shift gives each row its own time). x_T: 16 float64 standard normal rows of
3 coordinates from torch.Generator seed 20261208. The cases keep t + w + 1 < 1000 at every shifted step (the
reference's other window branch reads self.alpha_bar, which DPM_Solver lacks) and windows narrower than half the
gap between steps, and use step counts N whose time_uniform model times 999 (1 - i / N) are integers only at
i = N (the reference truncates them with .int()). Order 3 runs only with N >= 15: below that, the reference's
lower-order final steps hand its 3-entry history to the second-order update, which unpacks exactly 2 and fails.
Each case records N, order, solver_type, model_type, window,
cutoff, whether the shift is on, the final samples and the model calls.
"""
import importlib.util
import json
import os
import sys
import types

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402  (float64 default dtype)


def load_reference(root):
    path = os.path.join(root, "sampler", "dpm_solver_utils.py") if os.path.isdir(root) else root
    stub = types.ModuleType("tqdm")
    stub.tqdm = lambda it, *a, **k: it
    sys.modules["tqdm"] = stub
    spec = importlib.util.spec_from_file_location("dpm_solver_utils", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_case(ref, x_T, steps, order, solver_type, model_type, window, cutoff, shift):
    ns = ref.NoiseScheduleVP("discrete", betas=torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64))
    calls = [0]

    def model(x, t_input):
        calls[0] += 1
        t = t_input / 1000.0 + 1.0 / ns.total_N
        out = torch.empty_like(x)
        for r in range(x.shape[0]):
            tr = t[r].reshape(1)
            alpha, sigma = ns.marginal_alpha(tr)[0], ns.marginal_std(tr)[0]
            xr = x[r:r + 1]
            x0 = mg.gmm_posterior_mean(xr, alpha, sigma)
            eps = (xr - alpha * x0) / sigma
            out[r] = (eps if model_type == "noise" else x0 if model_type == "x_start" else alpha * eps - sigma * x0)[0]
        return out

    fn = ref.model_wrapper(model, ns, model_type=model_type, guidance_type="uncond")
    solver = ref.DPM_Solver(fn, ns, apply_time_shift=shift, window_shift=window, cut_off_value=cutoff, predict_x0=False)
    out = solver.sample(x_T.clone(), steps=steps, skip_type="time_uniform", method="multistep", order=order,
                        lower_order_final=True, solver_type=solver_type)
    return {"steps": steps, "order": order, "solver_type": solver_type, "model_type": model_type, "window": window,
            "cutoff": cutoff, "time_shift": shift, "model_calls": calls[0], "samples": out.tolist()}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    ref = load_reference(sys.argv[1])
    gen = torch.Generator().manual_seed(20261208)
    x_T = torch.randn(16, 3, generator=gen, dtype=torch.float64)
    cases = [run_case(ref, x_T, *c) for c in [
        (10, 2, "dpm_solver", "noise", 15, 300, True),   # the reference's README setting (window_size 30)
        (20, 2, "dpm_solver", "noise", 15, 300, True),
        (10, 2, "dpm_solver", "noise", 40, 0, True),     # every step after the warm-up shifted
        (14, 2, "taylor", "noise", 5, 500, True),
        (20, 3, "dpm_solver", "noise", 15, 300, True),   # order 3 only for N >= 15 (see the docstring)
        (10, 2, "dpm_solver", "x_start", 15, 300, True),
        (25, 2, "dpm_solver", "v", 10, 200, True),       # N >= 15: no lower-order final step
        (10, 2, "dpm_solver", "noise", 15, 300, False),  # the plain noise-prediction DPM-Solver
    ]]
    doc = {"source": "Mingxiao-Li/TS-DPM sampler/dpm_solver_utils.py DPM_Solver (commit of the checkout given), "
                     "float64", "torch": torch.__version__,
           "schedule": {"beta_schedule": "linear", "num_train_timesteps": 1000, "beta_start": 1e-4, "beta_end": 0.02},
           "gmm": {"weights": mg.WEIGHTS, "means": mg.MEANS, "covariances": mg.COVS},
           "x_T": x_T.tolist(), "cases": cases}
    with open(sys.argv[2], "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote", len(cases), "cases to", sys.argv[2])


if __name__ == "__main__":
    main()
