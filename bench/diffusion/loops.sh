#!/usr/bin/env bash
# Wall time of the masked-diffusion sampling loops on the same TorchScript masked LM (toy_mlm fixture):
# Sampleforge's kernels (DJL on libtorch 2.7.1) against PyTorch re-implementations of LLaDA's
# generate() and MDLM's ancestral loop (Debian python3-torch), same batch, steps and thread count.
#   bench/diffusion/loops.sh [BATCH] [REPEATS] [THREADS]     (defaults 64 15 1)
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-64}; R=${2:-15}; T=${3:-1}
MODEL=pipeline-core/src/test/resources/model/toy_mlm/model.pt
WORK=${SF_BENCH_DIR:-$(mktemp -d -t sf-mdm-loops.XXXXXX)}
./mvnw -q -B -Pbench -DskipTests package >/dev/null
java -Dai.djl.pytorch.num_threads="$T" -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.offline=true \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.sampleforge.diffusion.discrete.MaskedLmLoopBench "$MODEL" "$B" "$R" 2>/dev/null >"$WORK/java.tsv"
"${PYTHON:-python3}" bench/diffusion/torch_loops.py "$MODEL" "$B" "$R" "$T" >"$WORK/torch.tsv"
torch_version=$("${PYTHON:-python3}" -c 'import torch; print(torch.__version__)')
echo "| loop (batch ${B}, length 16, ${T} thread(s), median of ${R}) | model calls | Sampleforge ms | ms per call | PyTorch ${torch_version} ms | ms per call | ratio (PyTorch / Sampleforge) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
while IFS=$'\t' read -r name ms calls per; do
  if line=$(grep -F "$name" "$WORK/torch.tsv"); then
    IFS=$'\t' read -r _ tms _ tper <<<"$line"
    awk -v n="$name" -v c="$calls" -v a="$ms" -v b="$per" -v d="$tms" -v e="$tper" \
      'BEGIN{printf "| %s | %d | %.1f | %.2f | %.1f | %.2f | %.2fx |\n", n, c, a, b, d, e, d/a}'
  else
    awk -v n="$name" -v c="$calls" -v a="$ms" -v b="$per" \
      'BEGIN{printf "| %s | %d | %.1f | %.2f | (no reference loop) | | |\n", n, c, a, b}'
  fi
done <"$WORK/java.tsv"
