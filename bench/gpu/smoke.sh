#!/usr/bin/env bash
# GPU smoke test (run on a GPU machine with a JDK 17 and Maven Central or a warm ~/.m2; see README.md):
#   1. prints the GPUs (nvidia-smi) and what the discovery script announces;
#   2. builds the project (./mvnw package, nothing installed);
#   3. the node check: what DJL's PyTorch engine sees with the CUDA libtorch of PYTORCH_LIBRARY_PATH;
#   4. runs the generate job (TorchScript toy GPT) through ./submit.sh --gpu on a local-cluster
#      (master, worker and one executor JVM on this machine; the worker owns the GPU);
#   5. reads the executor's log: "DJL kernels run on gpu(N)" (TaskDevices) means the kernels ran on the
#      GPU; "GPU task falls back to the CPU" means they did not, and why; plus the processes that held GPU
#      memory during the run (nvidia-smi --query-compute-apps).
# Exit code: 0 the kernels ran on a GPU; 3 they fell back to the CPU; anything else: the run failed.
#
#   bench/gpu/smoke.sh
# Environment:
#   PYTORCH_LIBRARY_PATH  libtorch 2.7.1 + CUDA 12.8 lib folder (default /opt/libtorch-2.7.1-cu128/lib)
#   RAPIDS_JAR            rapids-4-spark_2.13-26.08.1.jar: also run Spark RAPIDS (default: without it)
#   SF_GPU_WORK           work folder (default /tmp/sf-gpu-smoke; emptied first)
#   SF_GPU_DISCOVERY      discovery script (default conf/spark/getGpusResources.sh; the test-only
#                         jobs/src/test/resources/gpu/fake_gpus.sh rehearses the script without a GPU)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
WORK=${SF_GPU_WORK:-/tmp/sf-gpu-smoke}
LIBTORCH=${PYTORCH_LIBRARY_PATH:-/opt/libtorch-2.7.1-cu128/lib}
DISCOVERY=$(realpath "${SF_GPU_DISCOVERY:-conf/spark/getGpusResources.sh}")
rm -rf "$WORK"
mkdir -p "$WORK/spark-home/jars"

echo "== GPUs (nvidia-smi)"
nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader || echo "nvidia-smi failed: no NVIDIA driver on this machine"
echo "== discovery script $DISCOVERY"
"$DISCOVERY"
[[ -d "$LIBTORCH" ]] || echo "warning: PYTORCH_LIBRARY_PATH $LIBTORCH is not a folder: DJL will fall back to the CPU libtorch"

echo "== build"
./mvnw -B -q -DskipTests -pl jobs -am package
CP="$ROOT/jobs/target/sampleforge-jobs.jar:$(cat jobs/target/classpath.txt)"

echo "== node check (io.sampleforge.spark.common.EngineDevices)"
PYTORCH_LIBRARY_PATH=$LIBTORCH PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128 \
  java -Dai.djl.offline=true -cp "$CP" io.sampleforge.spark.common.EngineDevices || true

M=$ROOT/pipeline-core/src/test/resources/model/toy_gpt
{
  echo "id,prompt"
  for i in $(seq 0 199); do echo "$i,the big"; done
} >"$WORK/prompts.csv"
RAPIDS=(--conf spark.plugins= --conf spark.kryo.registrator=)
if [[ -n "${RAPIDS_JAR:-}" ]]; then
  RAPIDS=(--conf "spark.jars=$RAPIDS_JAR")
  CP="$CP:$RAPIDS_JAR"
fi

# GPU memory holders during the run, sampled every second
( while true; do nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv,noheader 2>/dev/null || true; sleep 1; done ) \
  >"$WORK/gpu-apps.txt" &
SAMPLER=$!
trap 'kill "$SAMPLER" 2>/dev/null || true' EXIT

echo "== generate on local-cluster[1,1,6144] with --gpu"
rc=0
SPARK_HOME="$WORK/spark-home" SPARK_SCALA_VERSION=2.13 ./submit.sh generate --gpu --master 'local-cluster[1,1,6144]' \
  --conf spark.worker.resource.gpu.amount=1 --conf "spark.worker.resource.gpu.discoveryScript=$DISCOVERY" \
  --conf spark.executor.resource.gpu.amount=1 --conf "spark.executor.resource.gpu.discoveryScript=$DISCOVERY" \
  --conf spark.task.resource.gpu.amount=1 --conf spark.executor.memory=2g \
  --conf "spark.executor.extraClassPath=$CP" --conf "spark.executorEnv.PYTORCH_LIBRARY_PATH=$LIBTORCH" \
  --conf "spark.executorEnv.DJL_CACHE_DIR=${DJL_CACHE_DIR:-$HOME/.djl.ai}" \
  "${RAPIDS[@]}" \
  --input "$WORK/prompts.csv" --output "$WORK/out" --set samples_per_prompt=4 --set max_new_tokens=24 \
  --set model.type=torchscript --set "model.path=$M/model_cached.pt" --set "model.tokenizer=$M/tokenizer.json" \
  --set model.vocab_size=44 --set model.bos_id=1 --set 'model.eos_ids=[2]' --set model.cached=true \
  --set model.layers=2 --set model.heads=4 --set model.head_dim=16 --set toy_grammar_metric=true || rc=$?
kill "$SAMPLER" 2>/dev/null || true

echo "== executor log ($WORK/spark-home/work/*/*/stderr)"
LOGS=$(find "$WORK/spark-home/work" -name stderr 2>/dev/null || true)
on_gpu=$(grep -h "DJL kernels run on gpu(" $LOGS /dev/null | head -3 || true)
fallback=$(grep -h "GPU task falls back to the CPU" $LOGS /dev/null | head -3 || true)
echo "== processes holding GPU memory during the run"
sort -u "$WORK/gpu-apps.txt" || true
echo
if [[ $rc -ne 0 ]]; then
  echo "RESULT: the generate job failed (exit $rc); executor logs: $LOGS"
  exit "$rc"
elif [[ -n "$on_gpu" ]]; then
  echo "RESULT: DJL kernels ran on the GPU"
  echo "$on_gpu"
  exit 0
elif [[ -n "$fallback" ]]; then
  echo "RESULT: the GPU tasks fell back to the CPU"
  echo "$fallback"
  exit 3
else
  echo "RESULT: no task asked for a GPU (check the discovery script and spark.task.resource.gpu.amount)"
  exit 1
fi
