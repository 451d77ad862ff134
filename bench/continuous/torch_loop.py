#!/usr/bin/env python3
"""The anchor of the diffuse throughput benchmark: diffusers' own DPMSolverMultistepScheduler (default settings:
DPM-Solver++ 2M, midpoint, lower_order_final, linspace, final sigma zero; float32 as diffusers runs it) driving a
TorchScript denoiser in a plain PyTorch loop, one batch at a time.

Usage (Debian's python3-torch; diffusers is not installed, so its scheduler file is loaded from a checkout behind
the small stubs of pipeline-core/src/test/resources/continuous/make_golden_diffusers.py; nothing is copied):
    torch_loop.py kernel MODEL.pt DIFFUSERS_CHECKOUT BATCH STEPS REPEATS THREADS
        -> median ms per denoiser call (loop) and per forward alone, over REPEATS solves of one batch
    torch_loop.py job MODEL.pt DIFFUSERS_CHECKOUT ROWS BATCH STEPS THREADS OUT.csv
        -> a whole run: load, sample ROWS rows in batches, write a CSV (timed from outside as a whole process)
"""
import importlib.util
import os
import statistics
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "pipeline-core", "src", "test", "resources", "continuous"))
import make_golden_diffusers as mgd  # noqa: E402  (stubs only)

torch.set_default_dtype(torch.float32)  # make_golden sets float64 on import; the benchmark runs as diffusers does


def scheduler_class(checkout):
    mgd.install_stubs()
    path = os.path.join(checkout, "src", "diffusers", "schedulers", "scheduling_dpmsolver_multistep.py")
    full = "diffusers.schedulers.scheduling_dpmsolver_multistep"
    spec = importlib.util.spec_from_loader(full, loader=None)
    mod = importlib.util.module_from_spec(spec)
    mod.__package__ = "diffusers.schedulers"
    sys.modules[full] = mod
    with open(path) as f:
        exec(compile(f.read(), path, "exec"), mod.__dict__)
    return mod.DPMSolverMultistepScheduler


def solve(model, sched, x):
    calls = 0
    for t in sched.timesteps:
        eps = model(x, t.to(torch.float32).expand(x.shape[0]))
        calls += 1
        x = sched.step(eps, t, x, return_dict=False)[0]
    return x, calls


def main():
    mode = sys.argv[1]
    model = torch.jit.load(sys.argv[2]).eval()
    cls = scheduler_class(sys.argv[3])
    if mode == "kernel":
        batch, steps, repeats, threads = (int(a) for a in sys.argv[4:8])
        torch.set_num_threads(threads)
        g = torch.Generator().manual_seed(0)
        dim = 2
        with torch.no_grad():
            loop, forward = [], []
            for r in range(repeats + 1):
                sched = cls()
                sched.set_timesteps(steps)
                x = torch.randn(batch, dim, generator=g)
                t0 = time.perf_counter()
                _, calls = solve(model, sched, x)
                t1 = time.perf_counter()
                tt = torch.full((batch,), 500.0)
                for _ in range(calls):
                    model(x, tt)
                t2 = time.perf_counter()
                if r > 0:  # the first solve warms the JIT up
                    loop.append((t1 - t0) * 1e3 / calls)
                    forward.append((t2 - t1) * 1e3 / calls)
        print(f"torch {torch.__version__} threads {threads} batch {batch} steps {steps}: "
              f"median ms per call {statistics.median(loop):.4f} (forward alone {statistics.median(forward):.4f}), "
              f"samples/s {batch / (statistics.median(loop) * steps / 1e3):.0f}")
    else:
        rows, batch, steps, threads = (int(a) for a in sys.argv[4:8])
        out = sys.argv[8]
        torch.set_num_threads(threads)
        g = torch.Generator().manual_seed(0)
        with torch.no_grad(), open(out, "w") as f:
            f.write("id,x0,x1\n")
            done = 0
            while done < rows:
                b = min(batch, rows - done)
                sched = cls()
                sched.set_timesteps(steps)
                x, _ = solve(model, sched, torch.randn(b, 2, generator=g))
                for i, row in enumerate(x.tolist()):
                    f.write(f"{done + i},{row[0]!r},{row[1]!r}\n")
                done += b
        print(f"wrote {rows} rows to {out}")


if __name__ == "__main__":
    main()
