#!/usr/bin/env bash
# Recall@k and cost of the approximate (random-projection spill tree) search against the exact
# search, for a grid of leaf sizes, tree counts and spill fractions. Prints a Markdown table.
#
#   bench/knn/recall.sh [n=50000] [d=16] [k=5]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
if [[ ! -f jobs/target/classpath.txt || ! -d pipeline-core/target/test-classes ]]; then
  ./mvnw -B -q install -DskipTests >&2
fi
CP="pipeline-core/target/classes:pipeline-core/target/test-classes:$(cat jobs/target/classpath.txt)"
exec java -Dai.djl.offline=true -DdisableProgressBar=true -Dai.djl.pytorch.num_threads=1 \
  -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "$CP" io.sampleforge.neighbors.ApproxRecallBench "${1:-50000}" "${2:-16}" "${3:-5}"
