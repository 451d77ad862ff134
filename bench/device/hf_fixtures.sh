#!/usr/bin/env bash
# Makes the Hugging Face fixtures and transformers golden vectors on a machine that has torch,
# transformers, tokenizers, onnx and onnxruntime (the project's GPU machine), into $OUT/fixtures.tgz:
#   bench/device/hf_fixtures.sh TOY_CORPUS OUT
# Unpack with: tar xzf fixtures.tgz -C /tmp/hf && bench/device/install_fixtures.sh /tmp/hf
set -u
corpus=$1; out=$2
export PYTHONUNBUFFERED=1
mkdir -p "$out/w"
python3 -c "import torch, transformers, onnx, onnxruntime, tokenizers, sys; print(sys.version); print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), 'transformers', transformers.__version__, 'onnx', onnx.__version__, 'ort', onnxruntime.__version__, 'tokenizers', tokenizers.__version__)"
python3 pipeline-core/src/test/resources/decode/make_transformers_golden.py "$out/w/transformers_golden.json" 2>&1 | tee "$out/golden.log"
python3 pipeline-core/src/test/resources/model/make_hf_fixtures.py "$corpus" "$out/w" 2>&1 | tee "$out/fixtures.log"
tar czf "$out/fixtures.tgz" -C "$out/w" .
rm -rf "$out/w"
ls -la "$out"
