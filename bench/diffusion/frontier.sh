#!/usr/bin/env bash
# The exactness frontier of parallel decoding (issue 21) on the exact Markov oracle: ParallelDecodingSampler
# with the threshold, factor and Fréchet-profile rules and both confidence kinds against the exact law of a
# near-deterministic and a higher-entropy chain of length 12; the table gives NFE, tokens per step, the
# adjacent-pair total variation with its noise floor, and the adjacent-pair chi-square.
#   bench/diffusion/frontier.sh [N] [SEED]     (defaults 20000 7)
set -euo pipefail
cd "$(dirname "$0")/../.."
# the bench mains live in the benchmarks module, built only with -Pbench (docs/benchmarks.md)
./mvnw -q -B -Pbench -pl benchmarks -am -DskipTests package >/dev/null
java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.sampleforge.diffusion.discrete.ParallelFrontierBench "${1:-20000}" "${2:-7}"
