#!/usr/bin/env bash
# Kernel benchmark: one exact BlockNeighborSearch block pair (n x n rows, d features, k neighbours),
# SIMD screen and GEMM screen alternating,
# on one libtorch thread, as a Spark task runs it. Prints a Markdown table.
#
#   bench/knn/bench.sh [n=50000] [d=16] [k=5] [repeats=3]
#
# (bench/knn/recall.sh runs the approximate-search recall harness through this script.)
set -euo pipefail
MAIN="${SF_BENCH_MAIN:-io.sampleforge.neighbors.KernelBench}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
# the bench mains live in the benchmarks module, built only with -Pbench (docs/benchmarks.md)
if [[ ! -f benchmarks/target/classpath.txt || ! -d benchmarks/target/classes ]]; then
  ./mvnw -B -q -Pbench -DskipTests package >&2
fi
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
exec java --add-modules=jdk.incubator.vector -Dai.djl.offline=true -DdisableProgressBar=true -Dai.djl.pytorch.num_threads=1 \
  -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "$CP" "$MAIN" "${1:-50000}" "${2:-16}" "${3:-5}" "${4:-3}"
