#!/usr/bin/env bash
# Issue 21, side by side: Sampleforge's ParallelDecodingSampler (DJL on libtorch 2.7.1) against a PyTorch
# re-implementation of Fast-dLLM's LLaDA decoding loop (bench/diffusion/fastdllm_loop.py, Debian python3-torch),
# same cached masked fixture, same prompt, threshold 0.9, temperature 0 (argmax: both sides must produce the same
# tokens, so the same NFE), the mask column excluded on both sides, blocks of 32, cache none / prefix / dual.
# Prints: NFE per sample on each side, whether the tokens agree, whole-loop ms per model call on each side
# (wall / calls), and the ratio.
#   bench/diffusion/fastdllm.sh [MODEL_DIR] [GEN_LENGTHS] [BATCH] [SAMPLES] [THREADS] [PROMPT_LENGTH]
#   defaults: pipeline-core/src/test/resources/model/toy_mlm_long 64,256,1024 1 4 1 0
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=${1:-pipeline-core/src/test/resources/model/toy_mlm_long}
LENGTHS=${2:-64,256,1024}; B=${3:-1}; S=${4:-4}; T=${5:-1}; P=${6:-0}
BLOCK=32
WORK=${SF_BENCH_DIR:-$(mktemp -d -t sf-fastdllm.XXXXXX)}
PY=${PYTHON:-/usr/bin/python3}
mkdir -p "$WORK"
./mvnw -q -B -Pbench -pl benchmarks -am -DskipTests package >/dev/null
torch_version=$("$PY" -c 'import torch; print(torch.__version__)')
echo "| gen_length | cache | NFE/sample Sampleforge | NFE/sample PyTorch | same tokens | Sampleforge ms/call | PyTorch ${torch_version} ms/call | ratio (PyTorch / Sampleforge) |"
echo "|---:|---|---:|---:|---|---:|---:|---:|"
for L in ${LENGTHS//,/ }; do
  block=$(( L < BLOCK ? L : BLOCK ))
  java -Dai.djl.pytorch.num_threads="$T" -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.offline=true \
    -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
    io.sampleforge.diffusion.discrete.CachedDecodingBench "$DIR" "$L" "$S" "$B" 3 threshold:0.9 none,prefix,dual \
    "$block" 0 "$P" "$WORK/java" 2>/dev/null | tail -n +2 >"$WORK/java-$L.tsv"
  for cache in none prefix dual; do
    "$PY" bench/diffusion/fastdllm_loop.py --model-dir "$DIR" --cache "$cache" --rule threshold --threshold 0.9 \
      --temperature 0 --gen-length "$L" --block-length "$block" --prompt-length "$P" --batch "$B" --samples "$S" \
      --threads "$T" --warmup 1 --exclude-mask-column --out "$WORK/torch-$L-$cache.json" >/dev/null
    "$PY" - "$WORK" "$L" "$cache" "$S" <<'PY'
import json, sys
work, L, cache, samples = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
java = [l.split("\t") for l in open("%s/java-%d.tsv" % (work, L)) if l.split("\t")[3] == cache][0]
nfe_java, wall_java = float(java[6]), float(java[8])
calls_java = float(java[8]) * 1000 / float(java[9])
torch = json.load(open("%s/torch-%d-%s.json" % (work, L, cache)))
st = torch["stats"]
java_ids = json.load(open("%s/java/java-%d-threshold_0.9-drawn-%s.json" % (work, L, cache)))["ids"]
torch_ids = [s["generated"] for s in torch["sequences"]]
same = sum(a == b for a, b in zip(java_ids, torch_ids))
ms_java = 1000 * wall_java / calls_java
ms_torch = 1000 * st["wall_s"] / st["model_calls"]
print("| %d | %s | %.2f | %.2f | %d of %d | %.2f | %.2f | %.2fx |" % (L, cache, nfe_java, st["nfe_mean"], same,
      len(torch_ids), ms_java, ms_torch, ms_torch / ms_java))
PY
  done
done
