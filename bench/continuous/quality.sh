#!/usr/bin/env bash
# Sample quality against model calls (NFE 5, 10, 20, 50) for every solver of the diffuse job on an exact
# Gaussian-mixture target: sliced Wasserstein-1 and MMD^2 of N samples to N exact draws, with the noise floor.
#   bench/continuous/quality.sh [D] [K] [N] [SEED] [LABEL_FILTER]   (defaults 8 8 2000 7; the README also quotes
#   64 16 2000 7; LABEL_FILTER keeps the solver rows whose label contains it, e.g. "DPM-Solver 2M")
set -euo pipefail
cd "$(dirname "$0")/../.."
# the bench mains live in the benchmarks module, built only with -Pbench (docs/benchmarks.md)
./mvnw -q -B -Pbench -DskipTests package >/dev/null
java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.sampleforge.diffusion.continuous.SolverQualityBench "${1:-8}" "${2:-8}" "${3:-2000}" "${4:-7}" "${5:-}"
