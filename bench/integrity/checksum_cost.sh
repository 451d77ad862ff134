#!/usr/bin/env bash
# What Parquet page-checksum verification on read costs: a synth-table of ROWS rows (16 float64
# features, written by the job itself, so with page CRCs) read whole with verification off and on,
# alternating, medians of ROUNDS rounds.
#
#   bench/integrity/checksum_cost.sh [rows=4000000] [rounds=5]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
ROWS="${1:-4000000}"
ROUNDS="${2:-5}"
# the bench mains live in the benchmarks module, built only with -Pbench (docs/benchmarks.md)
if [[ ! -f benchmarks/target/classpath.txt || ! -d benchmarks/target/classes ]]; then
  ./mvnw -B -q -Pbench -DskipTests package >&2
fi
OUT="bench-out/integrity/n$ROWS"
[[ -d "$OUT" ]] || ./submit.sh synth-table --output "$OUT" --rows "$ROWS" >&2
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
OPENS=$(./submit.sh smote --dry-run | tail -1 | grep -o -- "--add-opens=[^ ]*\|--add-modules=[^ ]*" | tr '\n' ' ')
# shellcheck disable=SC2086
exec java $OPENS -Xmx4g -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "$CP" io.sampleforge.spark.ChecksumReadCost "$OUT" "$ROUNDS"
