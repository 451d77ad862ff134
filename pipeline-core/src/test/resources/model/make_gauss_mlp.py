#!/usr/bin/env python3
"""Trains a small MLP noise predictor on a known 2-D Gaussian mixture and exports it for
io.sampleforge.model.ExportedGaussianDenoiser (docs/continuous.md, "Exported denoiser contract"):

  OMP_NUM_THREADS=1 /usr/bin/python3 make_gauss_mlp.py      (Debian python3-torch 1.13; python3-onnx optional)

Contract of gauss_mlp/model.pt and model.onnx (ONNX: inputs "x", "t", output "out", dynamic batch):

  forward(x float32 [B, 2], t float32 [B]) -> eps float32 [B, 2]

and of model_cond.pt / model_cond.onnx (the same weights; input "y" added):

  forward(x float32 [B, 2], t float32 [B], y int64 [B]) -> eps float32 [B, 2],  y in [0, 3], 3 = unconditional

t is diffusers' integer timestep under the default linear beta schedule (1000 steps, beta 1e-4 .. 0.02),
fed as a float. The data: three diagonal Gaussians (WEIGHTS, MEANS, STDS below); y is the component a
training point came from, replaced by the null class 3 with probability 0.2 (classifier-free guidance
training, Ho and Salimans 2022), so model.pt is the conditional network at y = 3.

Also writes gauss_mlp/probe.pt and probe.onnx: an untrained function of images [B, 2, 2, 3] with a
formula the Java test can recompute (channels swapped, width reversed, a time term, and
log(1 + x[b, 0, 0, 0] / 10), which is NaN below -10), for the image layout and the NaN error.

gauss_mlp/reference.json: fixed inputs, their model times and labels, the outputs PyTorch computes
(float32 values, written exactly), and a sample: 16 fixed rows x_T run through multistep
DPM-Solver++ 2M (midpoint, lower_order_final, final sigma zero: diffusers' DPMSolverMultistepScheduler
defaults) over diffusers' 10 linspace timesteps, written here in float64 from diffusers' update
formulas, with the model called in float32. gauss_mlp/config.json: sizes, training numbers, and how
far the model is from the exact noise predictor of the mixture.
"""
import json
import math
import os
import time

import numpy as np
import torch
from torch import nn

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gauss_mlp")
os.makedirs(here, exist_ok=True)
torch.manual_seed(31)
torch.set_num_threads(1)

WEIGHTS = [0.5, 0.3, 0.2]
MEANS = [[-2.0, -1.0], [2.0, -1.0], [0.0, 2.0]]
STDS = [[0.3, 0.5], [0.5, 0.3], [0.4, 0.4]]
D, K, HIDDEN, TEMB = 2, 3, 128, 64
TRAIN_STEPS = 1000
BETAS = torch.linspace(1e-4, 0.02, TRAIN_STEPS, dtype=torch.float64)  # diffusers "linear"
ABAR = torch.cumprod(1 - BETAS, 0)


class EpsMlp(nn.Module):
    """eps(x, t, y): x -> 128 plus a sinusoidal embedding of t -> 128 plus a label embedding, then
    two hidden layers of 128 (SiLU) and a linear head."""

    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(D, HIDDEN)
        self.time = nn.Linear(TEMB, HIDDEN)
        self.label = nn.Embedding(K + 1, HIDDEN)
        self.h1 = nn.Linear(HIDDEN, HIDDEN)
        self.h2 = nn.Linear(HIDDEN, HIDDEN)
        self.out = nn.Linear(HIDDEN, D)
        half = TEMB // 2
        self.register_buffer("freqs", torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half))

    def forward(self, x, t, y):
        args = t.view(-1, 1) * self.freqs.view(1, -1)
        emb = torch.cat([torch.sin(args), torch.cos(args)], dim=1)
        h = torch.nn.functional.silu(self.inp(x) + self.time(emb) + self.label(y))
        h = torch.nn.functional.silu(self.h1(h))
        h = torch.nn.functional.silu(self.h2(h))
        return self.out(h)


class Unconditional(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net
        self.null_class = K

    def forward(self, x, t):
        y = torch.zeros(x.shape[0], dtype=torch.long, device=x.device) + self.null_class
        return self.net(x, t, y)


class Conditional(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x, t, y):
        return self.net(x, t, y)


class Probe(nn.Module):
    """out[b, c, h, w] = x[b, 1 - c, h, 2 - w] + 0.001 t[b] (c + 1) + log(1 + x[b, 0, 0, 0] / 10)."""

    def forward(self, x, t):
        swapped = x[:, [1, 0]][:, :, :, [2, 1, 0]]
        scale = torch.tensor([1.0, 2.0], dtype=x.dtype, device=x.device).view(1, 2, 1, 1)
        return swapped + 0.001 * t.view(-1, 1, 1, 1) * scale + torch.log(1 + x[:, :1, :1, :1] / 10)


def draw(n, g):
    comp = torch.multinomial(torch.tensor(WEIGHTS), n, replacement=True, generator=g)
    z = torch.randn(n, D, generator=g, dtype=torch.float64)
    return torch.tensor(MEANS, dtype=torch.float64)[comp] + torch.tensor(STDS, dtype=torch.float64)[comp] * z, comp


def exact_eps(x, alpha, sigma):
    """The exact noise predictor of the mixture (float64): (x - alpha E[x0 | x_t]) / sigma, per row."""
    mu = torch.tensor(MEANS, dtype=torch.float64)
    var = torch.tensor(STDS, dtype=torch.float64) ** 2
    a, s = alpha.view(-1, 1, 1), sigma.view(-1, 1, 1)
    c = a ** 2 * var.unsqueeze(0) + s ** 2  # [B, K, D]
    diff = x.unsqueeze(1) - a * mu.unsqueeze(0)
    logp = torch.log(torch.tensor(WEIGHTS, dtype=torch.float64)) - 0.5 * (torch.log(c) + diff ** 2 / c).sum(2)
    r = torch.softmax(logp, 1).unsqueeze(2)
    x0 = (r * (mu.unsqueeze(0) + a * var.unsqueeze(0) / c * diff)).sum(1)
    return (x - alpha.view(-1, 1) * x0) / sigma.view(-1, 1)


net = EpsMlp()
opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=0.0)
g = torch.Generator().manual_seed(37)
steps, batch = 6000, 512
start = time.process_time()
for step in range(steps):
    x0, comp = draw(batch, g)
    t = torch.randint(0, TRAIN_STEPS, (batch,), generator=g)
    eps = torch.randn(batch, D, generator=g, dtype=torch.float64)
    a = ABAR[t].sqrt().view(-1, 1)
    xt = a * x0 + (1 - a ** 2).sqrt() * eps
    y = torch.where(torch.rand(batch, generator=g) < 0.2, torch.full_like(comp, K), comp)
    loss = ((net(xt.float(), t.float(), y) - eps.float()) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    for group in opt.param_groups:
        group["lr"] = 2e-3 * (1 - step / steps)
    if step % 1000 == 0:
        print("step", step, "loss", round(loss.item(), 4), "cpu", round(time.process_time() - start, 1), flush=True)
net.eval()

# held out: the model's and the exact predictor's distance to the true noise, and to each other
hg = torch.Generator().manual_seed(41)
x0, comp = draw(20000, hg)
t = torch.randint(0, TRAIN_STEPS, (20000,), generator=hg)
eps = torch.randn(20000, D, generator=hg, dtype=torch.float64)
a = ABAR[t].sqrt()
s = (1 - ABAR[t]).sqrt()
xt = a.view(-1, 1) * x0 + s.view(-1, 1) * eps
with torch.no_grad():
    pred = net(xt.float(), t.float(), torch.full_like(comp, K)).double()
exact = exact_eps(xt, a, s)
held = {"model_loss": ((pred - eps) ** 2).mean().item(), "exact_loss": ((exact - eps) ** 2).mean().item(),
        "model_vs_exact_mse": ((pred - exact) ** 2).mean().item()}
print("held out", held, "cpu", round(time.process_time() - start, 1))

uncond = torch.jit.script(Unconditional(net))
cond = torch.jit.script(Conditional(net))
probe = torch.jit.script(Probe())
uncond.save(os.path.join(here, "model.pt"))
cond.save(os.path.join(here, "model_cond.pt"))
probe.save(os.path.join(here, "probe.pt"))

rg = torch.Generator().manual_seed(43)
xs = (torch.randn(8, D, generator=rg) * 2).float()
ts = torch.tensor([999.0, 900.0, 500.0, 250.0, 100.0, 10.0, 1.0, 123.5], dtype=torch.float32)
ys = torch.tensor([0, 1, 2, 3, 0, 1, 2, 3], dtype=torch.long)
with torch.no_grad():
    out_u = uncond(xs, ts)
    out_c = cond(xs, ts, ys)
    assert torch.equal(out_u[3], out_c[3]) and torch.equal(out_u[7], out_c[7])

# ONNX: the eager modules (same weights), dynamic batch
onnx_files = []
for module, example, names, name in [
        (Unconditional(net), (xs, ts), ["x", "t"], "model.onnx"),
        (Conditional(net), (xs, ts, ys), ["x", "t", "y"], "model_cond.onnx"),
        (Probe(), (torch.zeros(2, 2, 2, 3), torch.zeros(2)), ["x", "t"], "probe.onnx")]:
    path = os.path.join(here, name)
    with torch.no_grad():
        torch.onnx.export(module, example, path, input_names=names, output_names=["out"],
                          dynamic_axes={n: {0: "batch"} for n in names + ["out"]}, opset_version=17)
    onnx_files.append(path)
try:
    import onnx
    for path in onnx_files:
        m = onnx.load(path)
        onnx.checker.check_model(m)
        if m.ir_version > 8:
            m.ir_version = 8  # readable by the ONNX Runtime 1.21 of DJL 0.36
            onnx.save(m, path)
        print("onnx check passed:", os.path.basename(path), "ir_version", m.ir_version)
except ImportError:
    print("onnx package not installed: structure not checked (apt-get install python3-onnx)")

# multistep DPM-Solver++ 2M as diffusers' DPMSolverMultistepScheduler (defaults), float64 state
N = 10
timesteps = np.linspace(0, TRAIN_STEPS - 1, N + 1).round()[::-1][:-1].copy().astype(np.int64)
alphas = [ABAR[int(n)].sqrt().item() for n in timesteps] + [1.0]
sigmas = [(1 - ABAR[int(n)]).sqrt().item() for n in timesteps] + [0.0]
lambdas = [math.log(al) - math.log(si) for al, si in zip(alphas[:-1], sigmas[:-1])] + [math.inf]
x_t = torch.randn(16, D, generator=torch.Generator().manual_seed(47), dtype=torch.float64)
x = x_t.clone()
prev = None
for i in range(N):
    with torch.no_grad():
        e = uncond(x.float(), torch.full((x.shape[0],), float(timesteps[i]))).double()
    m0 = (x - sigmas[i] * e) / alphas[i]
    last = i == N - 1  # final_sigmas_type "zero" (and lower_order_final with N < 15): first order
    if last:
        x = alphas[i + 1] * m0  # sigma_t = 0, h = inf: x_t = alpha_t x0
    else:
        h = lambdas[i + 1] - lambdas[i]
        phi1 = math.expm1(-h)
        x_next = (sigmas[i + 1] / sigmas[i]) * x - alphas[i + 1] * phi1 * m0
        if prev is not None:  # order 2 after the first step (midpoint)
            r0 = (lambdas[i] - lambdas[i - 1]) / h
            x_next = x_next - 0.5 * alphas[i + 1] * phi1 * (m0 - prev) / r0
        x = x_next
    prev = m0

reference = {
    "x": xs.tolist(), "t": ts.tolist(), "y": ys.tolist(), "null_class": K,
    "eps": out_u.tolist(), "eps_cond": out_c.tolist(),
    "sample": {"solver": "dpm-solver++ 2M midpoint, lower_order_final, final_sigmas_type zero",
               "timesteps": timesteps.tolist(), "x_T": x_t.tolist(), "x_0": x.tolist()},
    "torch": torch.__version__,
}
json.dump(reference, open(os.path.join(here, "reference.json"), "w"), indent=1)
config = {"dimension": D, "prediction_type": "epsilon", "num_classes": K, "null_class": K,
          "schedule": {"beta_schedule": "linear", "num_train_timesteps": TRAIN_STEPS, "beta_start": 1e-4,
                       "beta_end": 0.02},
          "mixture": {"weights": WEIGHTS, "means": MEANS, "stds": STDS},
          "hidden": HIDDEN, "time_embedding": TEMB, "parameters": sum(p.numel() for p in net.parameters()),
          "steps": steps, "batch": batch, "label_dropout": 0.2, "final_loss": round(loss.item(), 4),
          "held_out": {k: round(v, 5) for k, v in held.items()}, "torch": torch.__version__}
json.dump(config, open(os.path.join(here, "config.json"), "w"), indent=1)
print("cpu", round(time.process_time() - start, 1), "files",
      {f: os.path.getsize(os.path.join(here, f)) for f in sorted(os.listdir(here))})
