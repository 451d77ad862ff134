#!/usr/bin/env bash
# Spark GPU resource discovery script (spark.executor.resource.gpu.discoveryScript).
# Prints the GPUs visible to this executor, e.g. {"name":"gpu","addresses":["0","1"]}.
set -euo pipefail

gpus="$(nvidia-smi --query-gpu=index --format=csv,noheader)"
addresses=""
while IFS= read -r index; do
  index="${index//[[:space:]]/}"
  [[ -z "$index" ]] && continue
  addresses+="${addresses:+,}\"${index}\""
done <<<"$gpus"

printf '{"name":"gpu","addresses":[%s]}\n' "$addresses"
