#!/usr/bin/env python3
"""Golden trajectories of three diffusers schedulers, run without installing diffusers.

Usage (Debian's python3-torch and python3-numpy are enough):
    python3 make_golden_diffusers.py /path/to/diffusers-checkout diffusers_golden.json

diffusers and its dependencies are not installed here. This script loads three single scheduler files from a
checkout (src/diffusers/schedulers/scheduling_euler_discrete.py, scheduling_heun_discrete.py,
scheduling_dpmsolver_multistep.py; Apache-2.0, nothing copied into this repository) behind small stubs of the
modules they import: ConfigMixin / register_to_config (the constructor's bound arguments become `config`),
SchedulerMixin, SchedulerOutput, KarrasDiffusionSchedulers, BaseOutput, deprecate (no-op), logging,
is_scipy_available (False) and randn_tensor (refuses: the step noise is always passed as variance_noise).
The source of each file is loaded with every "float32" replaced by "float64", so betas, sigmas and steps run in
float64 and the Java port can be held to 1e-5 (diffusers itself computes them in float32; that rounding is not
what these goldens check).

The model is make_golden.py's exact GMM denoiser (imported from beside this file), called at the VP level of the
scheduler's current sigma: alpha = 1 / sqrt(sigma^2 + 1), sigma_vp = sigma alpha, on the input the scheduler
gives (Euler / Heun: scale_model_input, i.e. x / sqrt(sigma^2 + 1); DPM-Solver: x itself). x_T is the same
float64 draw as make_golden.py's; Euler and Heun start from x_T sqrt(sigma_0^2 + 1) (the VP draw in VE scale).
SDE cases record the standard normals passed as variance_noise at each step. The last Euler / Heun cases (after
the SDE ones) use leading / trailing / linspace spacing without Karras sigmas, i.e. diffusers' sigmas
np.interp(timesteps, arange(T), training sigmas) at its (for linspace fractional) timesteps; they name their
spacing, steps_offset and final_sigmas_type and record the samples in VP scale x / sqrt(sigma_N^2 + 1). The last
4 cases are SDE-DPM-Solver++ 3M (solver_order 3; diffusers >= 0.32). After them come the noise-prediction
DPM-Solver cases (algorithm_type="dpmsolver", scheduler "dpmsolver"): orders 1-3, midpoint / heun, epsilon / v /
sample, linspace / leading / trailing spacing, always final_sigmas_type="sigma_min" (diffusers refuses "zero" for
dpmsolver), with lower_order_final, euler_at_final and lambda_min_clipped where named.
"""
import dataclasses
import enum
import functools
import importlib.util
import inspect
import json
import logging
import os
import sys
import types

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402

torch.set_default_dtype(torch.float64)


def install_stubs():
    def module(name, package=False):
        m = types.ModuleType(name)
        if package:
            m.__path__ = []
        sys.modules[name] = m
        return m

    module("diffusers", True)
    module("diffusers.schedulers", True)
    cu = module("diffusers.configuration_utils")

    class ConfigMixin:
        def register_to_config(self, **kwargs):
            self.config.__dict__.update(kwargs)

    def register_to_config(init):
        sig = inspect.signature(init)

        @functools.wraps(init)
        def wrapper(self, *args, **kwargs):
            bound = sig.bind(self, *args, **kwargs)
            bound.apply_defaults()
            values = dict(bound.arguments)
            values.pop("self")
            self.config = types.SimpleNamespace(**values)
            init(self, *args, **kwargs)

        return wrapper

    cu.ConfigMixin = ConfigMixin
    cu.register_to_config = register_to_config
    utils = module("diffusers.utils", True)

    class BaseOutput:
        pass

    def randn_tensor(*args, **kwargs):
        raise RuntimeError("the goldens pass variance_noise; randn_tensor must not be called")

    utils.BaseOutput = BaseOutput
    utils.is_scipy_available = lambda: False
    utils.deprecate = lambda *args, **kwargs: None
    utils.logging = types.SimpleNamespace(get_logger=logging.getLogger)
    module("diffusers.utils.torch_utils").randn_tensor = randn_tensor
    su = module("diffusers.schedulers.scheduling_utils")
    su.KarrasDiffusionSchedulers = enum.Enum("KarrasDiffusionSchedulers", "EulerDiscreteScheduler")
    su.SchedulerMixin = type("SchedulerMixin", (), {})

    @dataclasses.dataclass
    class SchedulerOutput(BaseOutput):
        prev_sample: torch.Tensor

    su.SchedulerOutput = SchedulerOutput


def load_scheduler(checkout, name):
    path = os.path.join(checkout, "src", "diffusers", "schedulers", name + ".py")
    with open(path) as f:
        source = f.read().replace("float32", "float64")
    full = "diffusers.schedulers." + name
    spec = importlib.util.spec_from_loader(full, loader=None)
    mod = importlib.util.module_from_spec(spec)
    mod.__package__ = "diffusers.schedulers"
    sys.modules[full] = mod
    exec(compile(source, path, "exec"), mod.__dict__)
    return mod


def prediction(x_vp, sigma, prediction_type):
    alpha = 1.0 / (sigma ** 2 + 1.0) ** 0.5
    sigma_vp = sigma * alpha
    x0 = mg.gmm_posterior_mean(x_vp, alpha, sigma_vp)
    eps = (x_vp - alpha * x0) / sigma_vp
    if prediction_type == "epsilon":
        return eps
    if prediction_type == "sample":
        return x0
    return alpha * eps - sigma_vp * x0  # v_prediction


def schedule_args(beta):
    if beta == "linear":
        return {"beta_schedule": "linear", "beta_start": 1e-4, "beta_end": 0.02}
    if beta == "scaled_linear":
        return {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}
    return {"beta_schedule": "squaredcos_cap_v2", "beta_start": 1e-4, "beta_end": 0.02}


def run_edm(mods, method, beta, karras, steps, prediction_type, x_T, spacing="linspace", steps_offset=0,
            final_sigmas_type=None, named=False):
    cls = mods["euler"].EulerDiscreteScheduler if method == "euler" else mods["heun"].HeunDiscreteScheduler
    extra = {} if final_sigmas_type is None else {"final_sigmas_type": final_sigmas_type}  # Euler only
    sch = cls(num_train_timesteps=1000, prediction_type=prediction_type, use_karras_sigmas=karras,
              timestep_spacing=spacing, steps_offset=steps_offset, **schedule_args(beta), **extra)
    sch.set_timesteps(steps)
    sig = sch.sigmas.tolist()
    ts = sch.timesteps.tolist()
    if method == "heun":  # sigmas [s0, s1, s1, ..., s_{N-1}, s_{N-1}, 0], timesteps [t0, t1, t1, ...]
        grid_sigmas = [sig[0]] + sig[1:-1:2] + [sig[-1]]
        grid_times = [ts[0]] + ts[1::2]
    else:
        grid_sigmas, grid_times = sig, ts
    x = x_T.clone() * (grid_sigmas[0] ** 2 + 1.0) ** 0.5
    calls = 0
    for t in sch.timesteps:
        x_in = sch.scale_model_input(x, t)
        sigma = sch.sigmas[sch.step_index].item()
        out = prediction(x_in, sigma, prediction_type)
        calls += 1
        x = sch.step(out, t, x, return_dict=False)[0]
    case = {"scheduler": method, "beta_schedule": beta, "karras": karras, "steps": steps,
            "prediction_type": prediction_type, "grid_sigmas": grid_sigmas, "grid_timesteps": grid_times,
            "model_calls": calls, "samples": x.tolist()}
    if named:
        # the later cases name their spacing; samples in VP scale x / sqrt(sigma_N^2 + 1) (= x when sigma_N = 0)
        case.update({"spacing": spacing, "steps_offset": steps_offset,
                     "final_sigmas_type": final_sigmas_type or "zero",
                     "samples": (x / (grid_sigmas[-1] ** 2 + 1.0) ** 0.5).tolist()})
    return case


def run_sde(mods, beta, karras, order, solver_type, steps, prediction_type, x_T, seed):
    sch = mods["dpm"].DPMSolverMultistepScheduler(
        num_train_timesteps=1000, algorithm_type="sde-dpmsolver++", solver_order=order, solver_type=solver_type,
        prediction_type=prediction_type, use_karras_sigmas=karras, **schedule_args(beta))
    sch.set_timesteps(steps)
    gen = torch.Generator().manual_seed(seed)
    x = x_T.clone()
    noises = []
    for i, t in enumerate(sch.timesteps):
        sigma = sch.sigmas[i].item()
        out = prediction(x, sigma, prediction_type)
        z = torch.randn(x.shape, generator=gen, dtype=torch.float64)
        noises.append(z.tolist())
        x = sch.step(out, t, x, variance_noise=z, return_dict=False)[0]
    return {"scheduler": "sde-dpmsolver++", "beta_schedule": beta, "karras": karras, "order": order,
            "solver_type": solver_type, "steps": steps, "prediction_type": prediction_type,
            "grid_sigmas": sch.sigmas.tolist(), "grid_timesteps": sch.timesteps.tolist(), "noise": noises,
            "model_calls": len(sch.timesteps), "samples": x.tolist()}


def run_dpmsolver(mods, beta, order, solver_type, steps, prediction_type, x_T, spacing="linspace", steps_offset=0,
                  lower_order_final=True, euler_at_final=False, lambda_min_clipped=None):
    extra = {} if lambda_min_clipped is None else {"lambda_min_clipped": lambda_min_clipped}
    sch = mods["dpm"].DPMSolverMultistepScheduler(
        num_train_timesteps=1000, algorithm_type="dpmsolver", solver_order=order, solver_type=solver_type,
        prediction_type=prediction_type, timestep_spacing=spacing, steps_offset=steps_offset,
        lower_order_final=lower_order_final, euler_at_final=euler_at_final, final_sigmas_type="sigma_min",
        **schedule_args(beta), **extra)
    sch.set_timesteps(steps)
    x = x_T.clone()
    for i, t in enumerate(sch.timesteps):
        out = prediction(x, sch.sigmas[i].item(), prediction_type)
        x = sch.step(out, t, x, return_dict=False)[0]
    case = {"scheduler": "dpmsolver", "beta_schedule": beta, "karras": False, "order": order,
            "solver_type": solver_type, "steps": steps, "prediction_type": prediction_type, "spacing": spacing,
            "steps_offset": steps_offset, "final_sigmas_type": "sigma_min", "lower_order_final": lower_order_final,
            "euler_at_final": euler_at_final, "grid_sigmas": sch.sigmas.tolist(),
            "grid_timesteps": sch.timesteps.tolist(), "model_calls": len(sch.timesteps), "samples": x.tolist()}
    if lambda_min_clipped is not None:
        case["lambda_min_clipped"] = lambda_min_clipped
    return case


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    install_stubs()
    checkout = sys.argv[1]
    mods = {"euler": load_scheduler(checkout, "scheduling_euler_discrete"),
            "heun": load_scheduler(checkout, "scheduling_heun_discrete"),
            "dpm": load_scheduler(checkout, "scheduling_dpmsolver_multistep")}
    gen = torch.Generator().manual_seed(20261206)
    x_T = torch.randn(4, 3, generator=gen, dtype=torch.float64)
    cases = []
    for method in ["euler", "heun"]:
        for beta, karras, steps, ptype in [
            ("linear", True, 10, "epsilon"), ("scaled_linear", True, 25, "epsilon"), ("linear", True, 4, "v_prediction"),
            ("squaredcos_cap_v2", True, 12, "sample"), ("linear", False, 15, "epsilon"),
            ("scaled_linear", False, 7, "v_prediction"),
        ]:
            cases.append(run_edm(mods, method, beta, karras, steps, ptype, x_T))
    seed = 7
    for beta, karras, order, solver_type, steps, ptype in [
        ("linear", False, 1, "midpoint", 10, "epsilon"), ("linear", False, 2, "midpoint", 10, "epsilon"),
        ("linear", False, 2, "heun", 20, "epsilon"), ("scaled_linear", True, 2, "midpoint", 25, "epsilon"),
        ("scaled_linear", True, 2, "heun", 8, "v_prediction"), ("squaredcos_cap_v2", False, 2, "midpoint", 16, "sample"),
        ("linear", True, 1, "midpoint", 5, "v_prediction"),
    ]:
        seed += 1
        cases.append(run_sde(mods, beta, karras, order, solver_type, steps, ptype, x_T, seed))
    # interpolated (np.interp) sigmas at diffusers' linspace (fractional) / leading / trailing timesteps, with
    # steps_offset and Euler's final_sigmas_type; appended so that the earlier cases are unchanged
    for method, beta, steps, ptype, spacing, offset, final in [
        ("euler", "linear", 10, "epsilon", "leading", 1, "zero"),
        ("euler", "scaled_linear", 9, "epsilon", "trailing", 0, "zero"),
        ("euler", "linear", 8, "v_prediction", "trailing", 0, "sigma_min"),
        ("euler", "squaredcos_cap_v2", 12, "sample", "leading", 0, "zero"),
        ("euler", "linear", 6, "epsilon", "leading", 1, "sigma_min"),
        ("euler", "squaredcos_cap_v2", 11, "epsilon", "linspace", 0, "zero"),
        ("euler", "scaled_linear", 3, "epsilon", "trailing", 0, "zero"),
        ("heun", "linear", 10, "epsilon", "leading", 1, None),
        ("heun", "scaled_linear", 9, "v_prediction", "trailing", 0, None),
        ("heun", "squaredcos_cap_v2", 6, "epsilon", "linspace", 0, None),
        ("heun", "linear", 7, "sample", "leading", 0, None),
    ]:
        cases.append(run_edm(mods, method, beta, False, steps, ptype, x_T, spacing, offset, final, named=True))
    # SDE-DPM-Solver++ 3M (diffusers' multistep_dpm_solver_third_order_update, PR #9104); appended likewise
    seed = 40
    for beta, karras, order, solver_type, steps, ptype in [
        ("linear", False, 3, "midpoint", 10, "epsilon"), ("scaled_linear", True, 3, "midpoint", 20, "epsilon"),
        ("squaredcos_cap_v2", False, 3, "heun", 16, "v_prediction"), ("linear", True, 3, "heun", 12, "sample"),
    ]:
        seed += 1
        cases.append(run_sde(mods, beta, karras, order, solver_type, steps, ptype, x_T, seed))
    # the noise-prediction DPM-Solver (algorithm_type="dpmsolver", final_sigmas_type="sigma_min"); appended likewise
    for beta, order, solver_type, steps, ptype, spacing, offset, lof, eaf, lmc in [
        ("linear", 1, "midpoint", 10, "epsilon", "linspace", 0, True, False, None),
        ("linear", 2, "midpoint", 10, "epsilon", "linspace", 0, True, False, None),
        ("linear", 2, "heun", 20, "epsilon", "linspace", 0, True, False, None),
        ("linear", 3, "midpoint", 12, "epsilon", "linspace", 0, True, False, None),
        ("linear", 3, "heun", 25, "epsilon", "linspace", 0, True, False, None),
        ("scaled_linear", 2, "midpoint", 15, "v_prediction", "leading", 1, True, False, None),
        ("scaled_linear", 3, "heun", 8, "sample", "trailing", 0, True, False, None),
        ("squaredcos_cap_v2", 2, "heun", 16, "v_prediction", "linspace", 0, True, False, None),
        ("squaredcos_cap_v2", 3, "midpoint", 20, "epsilon", "trailing", 0, True, True, None),
        ("linear", 3, "midpoint", 9, "epsilon", "leading", 0, False, False, None),
        ("linear", 2, "midpoint", 6, "sample", "linspace", 0, False, False, None),
        ("squaredcos_cap_v2", 3, "midpoint", 18, "epsilon", "linspace", 0, True, False, -5.1),
    ]:
        cases.append(run_dpmsolver(mods, beta, order, solver_type, steps, ptype, x_T, spacing, offset, lof, eaf, lmc))
    doc = {
        "source": "huggingface/diffusers schedulers (commit of the command line's checkout) run in float64 behind stubs",
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
