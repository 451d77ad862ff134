#!/usr/bin/env bash
# Recall@k and cost of the approximate (random-projection spill tree) search against the exact
# search, for a grid of leaf sizes, tree counts and spill fractions. Prints a Markdown table.
#
#   bench/knn/recall.sh [n=50000] [d=16] [k=5]
set -euo pipefail
SF_BENCH_MAIN=io.sampleforge.neighbors.ApproxRecallBench exec "$(dirname "${BASH_SOURCE[0]}")/bench.sh" "${1:-50000}" "${2:-16}" "${3:-5}"
