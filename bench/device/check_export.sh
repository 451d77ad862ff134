#!/usr/bin/env bash
# Re-runs export_hf_causal_lm.py on the committed HF fixture folders (needs torch, transformers,
# tokenizers, onnx, onnxruntime) and checks the bos_id rule on a tokenizer whose post-processor
# adds <s>:  bench/device/check_export.sh OUT
set -u
out=$1
export PYTHONUNBUFFERED=1
S=pipeline-core/src/main/python/export_hf_causal_lm.py
for m in hf_gpt2 hf_llama; do
  python3 $S pipeline-core/src/test/resources/model/$m/src "$out/$m" 2>&1 | grep -v Warning | grep -E "diff|Error|error" ; echo "$m rc=${PIPESTATUS[0]}"
  python3 -c "import json; d=json.load(open('$out/$m/sampleforge.json')); print('$m', 'bos', d['bos_id'], 'eos', d['eos_ids'], d['max_abs_diff'])"
done
python3 - "$out" <<'PY'
import json, os, shutil, sys, subprocess
from tokenizers import Tokenizer
from tokenizers.processors import TemplateProcessing
out = sys.argv[1]
src = "pipeline-core/src/test/resources/model/hf_llama/src"
dst = os.path.join(out, "llama_with_bos_src")
shutil.copytree(src, dst, dirs_exist_ok=True)
t = Tokenizer.from_file(os.path.join(src, "tokenizer.json"))
t.post_processor = TemplateProcessing(single="<s> $A", special_tokens=[("<s>", 1)])
t.save(os.path.join(dst, "tokenizer.json"))
rc = subprocess.call([sys.executable, "pipeline-core/src/main/python/export_hf_causal_lm.py", dst, os.path.join(out, "llama_with_bos"),
                      "--formats", "torchscript"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
d = json.load(open(os.path.join(out, "llama_with_bos", "sampleforge.json")))
print("tokenizer adding <s>: rc", rc, "bos_id", d["bos_id"])
PY
find "$out" -name "*.pt" -o -name "*.onnx" | xargs rm -f
rm -rf "$out"/*/src "$out"/llama_with_bos_src
