#!/usr/bin/env bash
# diffuse throughput against a PyTorch loop running diffusers' own DPMSolverMultistepScheduler on the same
# TorchScript denoiser (the gauss_mlp fixture: a 3-hidden-layer MLP, 42.5k parameters, 2-D rows), same machine:
#  1. kernel: ms per denoiser call (DPM-Solver++ 2M, 20 steps) at each batch size, one thread, medians;
#  2. whole process: ./submit.sh diffuse writing ROWS rows to Parquet vs the Python loop writing a CSV.
#   bench/continuous/throughput.sh DIFFUSERS_CHECKOUT [BATCHES] [REPEATS] [ROWS]   (defaults 64,1024,8192 15 200000)
# DIFFUSERS_CHECKOUT: a checkout of huggingface/diffusers (only src/diffusers/schedulers is read).
set -euo pipefail
cd "$(dirname "$0")/../.."
DIFFUSERS="$1"; BATCHES="${2:-64,1024,8192}"; REPEATS="${3:-15}"; ROWS="${4:-200000}"
PY="${PYTHON:-/usr/bin/python3}"
MODEL=pipeline-core/src/test/resources/model/gauss_mlp/model.pt
./mvnw -q -B -Pbench -DskipTests package >/dev/null
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
echo "## kernel: ms per denoiser call, DPM-Solver++ 2M, 20 steps, one thread"
for b in ${BATCHES//,/ }; do
  java -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 -cp "$CP" \
    io.sampleforge.diffusion.continuous.DenoiserLoopBench "$MODEL" 2 "$b" 20 "$REPEATS" 2>/dev/null | grep "median"
  "$PY" bench/continuous/torch_loop.py kernel "$MODEL" "$DIFFUSERS" "$b" 20 "$REPEATS" 1
done
echo "## whole process: $ROWS rows, batch 8192, 20 steps (Spark: local[*], 2 partitions, Parquet; Python: one thread per core, CSV)"
OUT=$(mktemp -d)
start=$(date +%s.%N)
./submit.sh diffuse -c conf/jobs/diffuse.yaml --output "$OUT/sf" --rows "$ROWS" --set model.type=torchscript \
  --set model.path="$MODEL" --set model.shape=[2] --set model.weights=null --set model.means=null \
  --set model.covariances=null --set batch_size=8192 --set partitions=2 --set quality_samples=0 >/dev/null 2>&1
mid=$(date +%s.%N)
"$PY" bench/continuous/torch_loop.py job "$MODEL" "$DIFFUSERS" "$ROWS" 8192 20 "$(nproc)" "$OUT/torch.csv" >/dev/null
end=$(date +%s.%N)
"$PY" - "$start" "$mid" "$end" "$OUT/sf/_manifest.json" <<'PY'
import json, sys
s, m, e = (float(a) for a in sys.argv[1:4])
man = json.load(open(sys.argv[4]))
print(f"diffuse whole process {m - s:.1f} s (sample+write phase {man['seconds']['sample+write']:.1f} s, "
      f"{man['stats']['samples_per_second']:.0f} samples/s); PyTorch loop whole process {e - m:.1f} s; "
      f"ratio {(m - s) / (e - m):.2f}")
PY
rm -rf "$OUT"
