#!/usr/bin/env bash
# DC-Solver: fit the per-step compensation ratios of UniPC to a fine reference trajectory (the reference's
# search stage), then compare UniPC with and without them at few NFE on an exact Gaussian-mixture target.
#   bench/continuous/dc_ratios.sh [D] [K] [N] [FIT] [SEED] [NFE,...]   (defaults 8 8 2000 256 7 5,6,8,10)
# The fitted ratios are what the diffuse job's solver.dc_ratios takes (one per step; 1 at steps 0 and 1).
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B -Pbench -DskipTests package >/dev/null
java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.sampleforge.diffusion.continuous.DcRatioSearch "${1:-8}" "${2:-8}" "${3:-2000}" "${4:-256}" "${5:-7}" \
  "${6:-5,6,8,10}"
