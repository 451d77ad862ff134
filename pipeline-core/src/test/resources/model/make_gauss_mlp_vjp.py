#!/usr/bin/env python3
"""Golden vector-Jacobian products of the committed exported denoiser gauss_mlp/model.pt, for
io.sampleforge.model.AutogradDenoiser (ExportedGaussianDenoiser#differentiable):

  OMP_NUM_THREADS=1 /usr/bin/python3 make_gauss_mlp_vjp.py     (reads model.pt, writes gauss_mlp/vjp_reference.json)

For fixed rows x (float32 values, written exactly), upstream vectors u and four levels of diffusers'
default linear schedule (1000 steps, beta 1e-4 .. 0.02; t, alpha = sqrt(abar_t), sigma = sqrt(1 - abar_t)
in float64), and for each prediction type the network's output may be read as (epsilon, sample,
v_prediction), it writes the data prediction x0_hat(x) = (x - sigma p) / alpha, p, alpha x - sigma p
(float64 arithmetic on the float32 output p = model(x, t)) and the product (d x0_hat / d x)^T u computed
by torch.autograd.grad of sum(x0_hat * u) with respect to the float32 input x. The network is not
changed or re-traced: the same TorchScript file the Java test loads.
"""
import json
import os

import torch

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gauss_mlp")
torch.set_num_threads(1)
model = torch.jit.load(os.path.join(here, "model.pt"))
model.eval()

betas = torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64)
abar = torch.cumprod(1 - betas, 0)
g = torch.Generator().manual_seed(53)
x = (torch.randn(6, 2, generator=g) * 1.5).float()
u = torch.randn(6, 2, generator=g, dtype=torch.float64)
cases = []
for t in [999, 500, 100, 10]:
    alpha = abar[t].sqrt().item()
    sigma = (1 - abar[t]).sqrt().item()
    for kind in ["epsilon", "sample", "v_prediction"]:
        xg = x.clone().requires_grad_(True)
        p = model(xg, torch.full((6,), float(t))).double()
        xd = xg.double()
        if kind == "epsilon":
            x0 = (xd - sigma * p) / alpha
        elif kind == "sample":
            x0 = p
        else:
            x0 = alpha * xd - sigma * p
        (vjp,) = torch.autograd.grad((x0 * u).sum(), xg)
        cases.append({"t": float(t), "alpha": alpha, "sigma": sigma, "prediction_type": kind,
                      "x0": x0.detach().tolist(), "vjp": vjp.double().tolist()})
json.dump({"x": x.double().tolist(), "u": u.tolist(), "cases": cases, "torch": torch.__version__},
          open(os.path.join(here, "vjp_reference.json"), "w"), indent=1)
print("wrote", len(cases), "cases")
