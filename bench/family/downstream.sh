#!/usr/bin/env bash
# Downstream check: logistic regression (Spark ML) trained on each method's output, Sampleforge vs
# imbalanced-learn, on fixed Satellite and LetterRecognition splits. Prints a Markdown table.
#
#   bench/family/downstream.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
"${PYTHON:-python3}" bench/family/downstream_split.py
# the bench mains live in the benchmarks module, built only with -Pbench (docs/benchmarks.md)
if [[ ! -f benchmarks/target/classpath.txt || ! -d benchmarks/target/classes ]]; then
  ./mvnw -B -q -Pbench -DskipTests package >&2
fi
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
OPENS=$(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' conf/jvm/spark-java17.options | tr '\n' ' ')
exec java $OPENS -Xmx6g -Dai.djl.offline=true -DdisableProgressBar=true \
  -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "$CP" io.sampleforge.spark.tabular.DownstreamBench bench-out/downstream
