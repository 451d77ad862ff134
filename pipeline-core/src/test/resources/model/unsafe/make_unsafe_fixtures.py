#!/usr/bin/env python3
"""Builds the model files that Sampleforge must refuse to load (ModelFileCheck), with Debian's
python3-torch. Nothing in them executes anything: they only have the byte layouts that unpickling
formats have.

  state_dict.pt     torch.save(state_dict) of a tiny Linear layer: a zip archive with data.pkl and no code/
  legacy_save.pt    torch.save(..., _use_new_zipfile_serialization=False): a raw pickle stream (0x80 0x02)
  raw_pickle.pkl    pickle.dump({"weights": [...]}, protocol=2): a plain dict of lists and a string
  raw_pickle_p0.pkl the same dict with pickle protocol 0 (text opcodes, ends with '.')

Truncated and empty copies of the valid fixtures are made by the tests themselves.
Run: ${PYTHON:-python3} make_unsafe_fixtures.py
"""
import os
import pickle

import torch

here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(7)
layer = torch.nn.Linear(4, 3)
torch.save(layer.state_dict(), os.path.join(here, "state_dict.pt"))
torch.save(layer.state_dict(), os.path.join(here, "legacy_save.pt"), _use_new_zipfile_serialization=False)
payload = {"weights": [[0.5, -0.25], [1.0, 2.0]], "note": "a harmless payload"}
with open(os.path.join(here, "raw_pickle.pkl"), "wb") as f:
    pickle.dump(payload, f, protocol=2)
with open(os.path.join(here, "raw_pickle_p0.pkl"), "wb") as f:
    pickle.dump(payload, f, protocol=0)
print("torch", torch.__version__)
