#!/usr/bin/env bash
# Quality against model calls on the exact Markov-chain oracle: every masked-diffusion sampler of
# io.sampleforge.diffusion.discrete draws N sequences from the built-in Markov-chain denoiser; the table
# gives NFE per sequence and the total variation of sampled vs exact pair marginals.
#   bench/diffusion/bench.sh [N] [LENGTH] [SEED]     (defaults 20000 16 7)
set -euo pipefail
cd "$(dirname "$0")/../.."
# the bench mains live in the benchmarks module, built only with -Pbench (docs/benchmarks.md)
./mvnw -q -B -Pbench -DskipTests package >/dev/null
java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.sampleforge.diffusion.discrete.MarkovOracleBench "${1:-20000}" "${2:-16}" "${3:-7}"
