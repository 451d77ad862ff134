#!/usr/bin/env python3
"""Golden trajectories of UniPC and DEIS from two references.

Usage (Debian's python3-torch and python3-numpy are enough; no pip, no diffusers install):
    python3 make_unipc_deis_golden.py DIFFUSERS UNIPC OUT_DIR

DIFFUSERS is a huggingface/diffusers checkout (or any directory holding
src/diffusers/schedulers/scheduling_unipc_multistep.py and scheduling_deis_multistep.py); UNIPC is a
wl-zhao/UniPC checkout (or its uni_pc.py). Keep both outside this repository: they are imported from
the paths given, and none of their code is copied here (diffusers: Apache-2.0; UniPC: MIT).

diffusers' scheduler files import four names from the rest of the package. This script registers
minimal stand-ins for them in sys.modules before loading the two files (and only those):
  - configuration_utils.register_to_config: binds the __init__ arguments with their defaults into
    self.config (a SimpleNamespace) before __init__ runs, as diffusers' decorator does;
    ConfigMixin.register_to_config(**kw) overwrites config entries;
  - utils.deprecate: no-op (only reached when deprecated positional arguments are passed; never here);
    utils.is_scipy_available: False (scipy is used by beta sigmas only, not used here);
  - scheduling_utils.SchedulerMixin: empty base; SchedulerOutput: a dataclass with prev_sample;
    KarrasDiffusionSchedulers: an enum used only for the class attribute _compatibles.

Two outputs:
  unipc_reference_golden.json   wl-zhao/UniPC uni_pc.py (UniPC.sample, method multistep, data_prediction,
                                lower_order_final) on dpm-solver style NoiseScheduleVP grids, float64.
  diffusers_unipc_deis_golden.json  diffusers' UniPCMultistepScheduler and DEISMultistepScheduler driven by
                                the usual denoising loop. diffusers keeps its sigma table in float32; each
                                case records that table (as float64 numbers) and two final samples: "samples"
                                from a run whose sigma table was cast to float64 after set_timesteps (values
                                unchanged, step arithmetic in float64), and "samples_float32_sigmas" from the
                                stock run.

The model is the exact denoiser of the same 3-component, 3-D Gaussian mixture as make_golden.py
(imported from beside this file), from the same x_T, returned as the case's prediction type.
"""
import contextlib
import dataclasses
import enum
import functools
import importlib.util
import inspect
import io
import itertools
import json
import os
import sys
import types

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden as mg  # noqa: E402  (sets torch's default dtype to float64)


# ---------------------------------------------------------------- diffusers stand-ins
def install_diffusers_stubs():
    def register_to_config(init):
        sig = inspect.signature(init)

        @functools.wraps(init)
        def wrapper(self, *args, **kwargs):
            bound = sig.bind(self, *args, **kwargs)
            bound.apply_defaults()
            params = dict(bound.arguments)
            params.pop("self")
            self.config = types.SimpleNamespace(**params)
            init(self, *args, **kwargs)

        return wrapper

    class ConfigMixin:
        def register_to_config(self, **kwargs):
            for k, v in kwargs.items():
                setattr(self.config, k, v)

    class SchedulerMixin:
        pass

    @dataclasses.dataclass
    class SchedulerOutput:
        prev_sample: torch.Tensor

    KarrasDiffusionSchedulers = enum.Enum("KarrasDiffusionSchedulers", ["DDIMScheduler"])

    pkg = types.ModuleType("diffusers")
    pkg.__path__ = []
    cfg = types.ModuleType("diffusers.configuration_utils")
    cfg.ConfigMixin, cfg.register_to_config = ConfigMixin, register_to_config
    utils = types.ModuleType("diffusers.utils")
    utils.deprecate = lambda *a, **k: None
    utils.is_scipy_available = lambda: False
    sch = types.ModuleType("diffusers.schedulers")
    sch.__path__ = []
    su = types.ModuleType("diffusers.schedulers.scheduling_utils")
    su.SchedulerMixin, su.SchedulerOutput, su.KarrasDiffusionSchedulers = SchedulerMixin, SchedulerOutput, KarrasDiffusionSchedulers
    for m in (pkg, cfg, utils, sch, su):
        sys.modules[m.__name__] = m


def load_diffusers_scheduler(root, name):
    for cand in (os.path.join(root, "src", "diffusers", "schedulers", name + ".py"), os.path.join(root, name + ".py")):
        if os.path.exists(cand):
            full = "diffusers.schedulers." + name
            spec = importlib.util.spec_from_file_location(full, cand)
            mod = importlib.util.module_from_spec(spec)
            sys.modules[full] = mod
            spec.loader.exec_module(mod)
            return mod
    raise FileNotFoundError(name + ".py under " + root)


def load_unipc(path):
    if os.path.isdir(path):
        path = os.path.join(path, "uni_pc.py")
    spec = importlib.util.spec_from_file_location("uni_pc", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def as_prediction(kind, x, x0, alpha, sigma):
    eps = (x - alpha * x0) / sigma
    if kind in ("epsilon", "noise"):
        return eps
    if kind in ("sample", "x_start"):
        return x0
    return alpha * eps - sigma * x0  # v


# ---------------------------------------------------------------- diffusers runs
@contextlib.contextmanager
def default_dtype(dtype):
    old = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(old)


def run_diffusers(cls, config, steps, x_T, cast64):
    # the stock run keeps torch's usual float32 default inside the scheduler; the model stays float64
    sched_dtype = torch.float64 if cast64 else torch.float32
    with default_dtype(sched_dtype):
        sched = cls(**config)
        sched.set_timesteps(steps)
    sigmas32 = sched.sigmas.clone()
    if cast64:
        sched.sigmas = sched.sigmas.to(torch.float64)
    x = x_T.clone()
    calls = 0
    for i, t in enumerate(sched.timesteps):
        s = sched.sigmas[i].to(torch.float64)
        alpha = 1.0 / torch.sqrt(s * s + 1.0)
        sigma = s * alpha
        x0 = mg.gmm_posterior_mean(x, alpha, sigma)
        out = as_prediction(config.get("prediction_type", "epsilon"), x, x0, alpha, sigma)
        calls += 1
        with default_dtype(sched_dtype):
            x = sched.step(out, t, x).prev_sample
    return sched.timesteps.tolist(), sigmas32.to(torch.float64).tolist(), x, calls


def diffusers_case(cls, scheduler, config, steps, x_T):
    ts, sig, x64, calls = run_diffusers(cls, config, steps, x_T, True)
    ts2, sig2, x32, calls2 = run_diffusers(cls, config, steps, x_T, False)
    assert ts == ts2 and sig == sig2 and calls == calls2
    assert torch.isfinite(x64).all(), (scheduler, config, steps)
    return {"scheduler": scheduler, "config": config, "steps": steps, "timesteps": ts, "sigmas": sig,
            "model_calls": calls, "samples": x64.tolist(), "samples_float32_sigmas": x32.tolist()}


def diffusers_cases(unipc_mod, deis_mod, x_T):
    U = unipc_mod.UniPCMultistepScheduler
    D = deis_mod.DEISMultistepScheduler
    sl = {"beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012}
    cos = {"beta_schedule": "squaredcos_cap_v2"}
    cases = []
    # UniPC: diffusers' defaults over N
    for n in [2, 3, 5, 10, 20, 25]:
        cases.append(diffusers_case(U, "unipc", {}, n, x_T))
    # orders x variants
    # bh1 runs end at sigma_min: with final_sigmas_type "zero" diffusers' bh1 returns NaN (its last,
    # first-order step multiplies B(h) = -h = -inf by a zero residual)
    for order, st, n in itertools.product([1, 2, 3], ["bh1", "bh2"], [3, 8, 16]):
        extra = {"final_sigmas_type": "sigma_min"} if st == "bh1" else {}
        cases.append(diffusers_case(U, "unipc", {"solver_order": order, "solver_type": st, **extra}, n, x_T))
    for extra, n in [
        ({"timestep_spacing": "leading", "steps_offset": 1, **sl}, 7),
        ({"timestep_spacing": "trailing", **sl, "solver_order": 3}, 9),
        ({**cos, "solver_order": 3, "solver_type": "bh1", "final_sigmas_type": "sigma_min"}, 12),
        ({"final_sigmas_type": "sigma_min", "lower_order_final": False, "solver_order": 3}, 6),
        ({"final_sigmas_type": "sigma_min", "solver_order": 2, "solver_type": "bh1"}, 11),
        ({"disable_corrector": [0]}, 8),
        ({"disable_corrector": [0, 1, 2, 5], "solver_order": 3}, 10),
        ({"prediction_type": "sample", "solver_order": 3}, 9),
        ({"prediction_type": "v_prediction", **cos}, 15),
    ]:
        cases.append(diffusers_case(U, "unipc", extra, n, x_T))
    # DEIS
    for order, n in itertools.product([1, 2, 3], [3, 8, 14, 15, 20]):
        cases.append(diffusers_case(D, "deis", {"solver_order": order}, n, x_T))
    for extra, n in [
        ({"lower_order_final": False, "solver_order": 3}, 6),
        ({"timestep_spacing": "leading", "steps_offset": 1, **sl, "solver_order": 3}, 10),
        ({"timestep_spacing": "trailing", **cos}, 9),
        ({"prediction_type": "sample", "solver_order": 3}, 12),
        ({"prediction_type": "v_prediction", **sl}, 16),
    ]:
        cases.append(diffusers_case(D, "deis", extra, n, x_T))
    return cases


# ---------------------------------------------------------------- wl-zhao/UniPC runs
def unipc_reference_case(ref, schedule, skip, order, steps, variant, model_type, x_T):
    if schedule == "linear":
        ns = ref.NoiseScheduleVP("linear", continuous_beta_0=0.1, continuous_beta_1=20.0)
    else:
        ns = ref.NoiseScheduleVP("discrete", betas=mg.discrete_betas(schedule), dtype=torch.float64)
    calls = [0]

    def model(x, t_input):  # x is [B, 3, 1, 1]: uni_pc.py's einsums expect image-shaped tensors
        calls[0] += 1
        t = t_input if ns.schedule == "linear" else t_input / 1000.0 + 1.0 / ns.total_N
        alpha = ns.marginal_alpha(t).reshape(-1, 1)
        sigma = ns.marginal_std(t).reshape(-1, 1)
        xf = x.reshape(x.shape[0], -1)
        x0 = mg.gmm_posterior_mean(xf, alpha[0, 0], sigma[0, 0])
        return as_prediction(model_type, xf, x0, alpha, sigma).reshape(x.shape)

    fn = ref.model_wrapper(model, ns, model_type=model_type, guidance_type="uncond")
    solver = ref.UniPC(fn, ns, algorithm_type="data_prediction", variant=variant)
    t_end = 1.0 / ns.total_N
    times = solver.get_time_steps(skip, 1.0, t_end, steps, "cpu")
    with contextlib.redirect_stdout(io.StringIO()):  # uni_pc.py prints on every step
        out = solver.sample(x_T.clone().reshape(-1, 3, 1, 1), steps=steps, order=order, skip_type=skip,
                            method="multistep", lower_order_final=True)
    return {"schedule": schedule, "skip_type": skip, "order": order, "steps": steps, "variant": variant,
            "model_type": model_type, "t_end": t_end, "total_N": ns.total_N, "timesteps": times.tolist(),
            "samples": out.reshape(-1, 3).tolist(), "model_calls": calls[0]}


def unipc_reference_cases(ref, x_T):
    # noise models only: uni_pc.py's model_wrapper converts x_start / v outputs with alpha_t, sigma_t of
    # shape [B] and no expand_dims, which broadcasts wrongly against [B, C, H, W] for B > 1 (the diffusers
    # cases cover the other prediction types)
    cases = []
    for schedule, skip, order, variant, steps in itertools.product(
            ["linear", "discrete_linear"], ["logSNR", "time_uniform"], [1, 2, 3], ["bh1", "bh2"], [5, 12]):
        cases.append(unipc_reference_case(ref, schedule, skip, order, steps, variant, "noise", x_T))
    for schedule, skip, order, steps, variant, model_type in [
        ("linear", "time_quadratic", 3, 10, "bh2", "noise"),
        ("linear", "logSNR", 3, 3, "bh1", "noise"),
        ("linear", "logSNR", 2, 2, "bh2", "noise"),
        ("linear", "logSNR", 3, 25, "bh2", "noise"),
        ("discrete_linear", "logSNR", 2, 9, "bh1", "noise"),
        ("linear", "time_uniform", 3, 7, "bh2", "noise"),
    ]:
        cases.append(unipc_reference_case(ref, schedule, skip, order, steps, variant, model_type, x_T))
    return cases


def write(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote", len(doc["cases"]), "cases to", path)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    diffusers_root, unipc_path, out_dir = sys.argv[1:]
    install_diffusers_stubs()
    unipc_mod = load_diffusers_scheduler(diffusers_root, "scheduling_unipc_multistep")
    deis_mod = load_diffusers_scheduler(diffusers_root, "scheduling_deis_multistep")
    ref = load_unipc(unipc_path)
    gen = torch.Generator().manual_seed(20261206)
    x_T = torch.randn(4, 3, generator=gen, dtype=torch.float64)  # the same x_T as make_golden.py
    gmm = {"weights": mg.WEIGHTS, "means": mg.MEANS, "covariances": mg.COVS}
    write(os.path.join(out_dir, "unipc_reference_golden.json"), {
        "source": "wl-zhao/UniPC uni_pc.py (commit of the checkout given), UniPC.sample multistep, float64",
        "torch": torch.__version__, "gmm": gmm, "x_T": x_T.tolist(), "cases": unipc_reference_cases(ref, x_T)})
    write(os.path.join(out_dir, "diffusers_unipc_deis_golden.json"), {
        "source": "huggingface/diffusers scheduling_unipc_multistep.py and scheduling_deis_multistep.py "
                  "(commit of the checkout given) with the stand-ins described in make_unipc_deis_golden.py",
        "torch": torch.__version__, "gmm": gmm, "x_T": x_T.tolist(), "cases": diffusers_cases(unipc_mod, deis_mod, x_T)})


if __name__ == "__main__":
    main()
