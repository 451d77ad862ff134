#!/usr/bin/env bash
# Diversity and pass@k of ODD against LLaDA low-confidence decoding at equal NFE, on the toy_mlm
# masked LM with the toy-grammar verifier (OddDiversityBench; results in bench/diffusion/results/).
#   bench/diffusion/diversity.sh [FREE_GROUPS] [INFILL_GROUPS] [TEMPERATURE] [SEED] [THREADS]
#   (defaults 960 192 1.0 7 1: about 4 minutes on 2 shared cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
T=${5:-1}
# the bench mains live in the benchmarks module, built only with -Pbench (docs/benchmarks.md)
./mvnw -q -B -Pbench -pl benchmarks -am -DskipTests package >/dev/null
java -Dai.djl.pytorch.num_threads="$T" -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.offline=true \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.sampleforge.diffusion.discrete.OddDiversityBench pipeline-core/src/test/resources/model/toy_mlm \
  "${1:-960}" "${2:-192}" "${3:-1.0}" "${4:-7}" 2>/dev/null
