#!/usr/bin/env python3
"""Exports the existing toy masked LM (toy_mlm/model.pt, written by make_toy_mlm.py) to ONNX for
ExportedMaskedDenoiser, without retraining (model.pt is read, never written):

  /usr/bin/python3 make_toy_mlm_onnx.py        (Debian python3-torch 1.13; python3-onnx optional)

Contract of toy_mlm/model.onnx, the same as model.pt's:

  input "input_ids" int64 [B, L] -> output "logits" float32 [B, L, V],  B and L dynamic (L <= 16), V = 45

opset 17 (as export_hf_causal_lm.py writes the causal ONNX fixtures), IR version at most 8, so the
ONNX Runtime 1.21 of DJL 0.36 reads it. Before exporting, the script checks that model.pt still
reproduces reference.json (the source must be the fixture the Java tests know); after, it checks the
graph with onnx.checker when the onnx package is installed (Debian python3-onnx) and prints the IR
version and opset it wrote. ONNX Runtime is not in Debian bookworm, so the exported logits are
compared with reference.json by the Java test (ExportedMaskedDenoiserTest), not here.
"""
import json
import os

import torch

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "toy_mlm")
torch.set_num_threads(1)
scripted = torch.jit.load(os.path.join(here, "model.pt"))
scripted.eval()
ref = json.load(open(os.path.join(here, "reference.json")))
inputs = torch.tensor(ref["input_ids"], dtype=torch.long)
with torch.no_grad():
    got = scripted(inputs)
worst = (got - torch.tensor(ref["logits"])).abs().max().item()
assert worst < 1e-5, "model.pt does not reproduce reference.json (max |diff| %g)" % worst

path = os.path.join(here, "model.onnx")
with torch.no_grad():
    torch.onnx.export(scripted, (inputs,), path, input_names=["input_ids"], output_names=["logits"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "length"}, "logits": {0: "batch", 1: "length"}},
                      opset_version=17)
try:
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    if m.ir_version > 8:
        m.ir_version = 8  # readable by older ONNX Runtime releases (DJL 0.36 ships 1.21)
        onnx.save(m, path)
    print("onnx check passed: ir_version", m.ir_version, "opset", [(o.domain, o.version) for o in m.opset_import])
except ImportError:
    print("onnx package not installed: structure not checked (apt-get install python3-onnx)")
print("wrote", path, os.path.getsize(path), "bytes; model.pt vs reference.json max |diff|", worst)
