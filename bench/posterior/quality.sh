#!/usr/bin/env bash
# Posterior sample quality on the MCGdiff/TDS Gaussian-mixture benchmark (25-component grid prior, random
# A = U diag(s) V^T with d_y rows, sigma_y 1): sliced Wasserstein-1 of N draws of TDS (K particles), the
# unweighted guided sampler, DPS (best step scale) and the prior to N exact posterior draws, against NFE,
# with the exact-vs-exact noise floor; a second table masks the first d_y coordinates exactly (sigma_y 0) and
# compares the replacement sampler with DPS (docs/benchmarks.md, "Posterior samplers on the MCGdiff grid
# mixture"). tables=dense or tables=mask runs one table.
#   bench/posterior/quality.sh [key=value ...]   e.g.  d=8 dy=1 m=2 n=300   (a quick run)
# Defaults: see PosteriorQualityBench's javadoc; the README's table used the arguments in
# bench/posterior/results/2026-12-07-grid-gmm.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
# the bench mains live in the benchmarks module, built only with -Pbench (docs/benchmarks.md)
./mvnw -q -B -Pbench -DskipTests package >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.sampleforge.diffusion.posterior.PosteriorQualityBench "$@"
