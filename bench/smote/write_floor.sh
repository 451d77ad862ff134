#!/usr/bin/env bash
# The floor under the smote job's output phase: Spark writing a cached table of the job's output
# size (the input doubled) as Parquet, for zstd/snappy with and without dictionary encoding.
#
#   bench/smote/write_floor.sh PARQUET_DIR [rounds=3]
#
# PARQUET_DIR: a table written by bench/smote/bench.sh (bench-out/smote/nN/parquet).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
[[ $# -ge 1 ]] || { sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
# the bench mains live in the benchmarks module, built only with -Pbench (docs/benchmarks.md)
if [[ ! -f benchmarks/target/classpath.txt || ! -d benchmarks/target/classes ]]; then
  ./mvnw -B -q -Pbench -DskipTests package >&2
fi
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
OPENS=$(./submit.sh smote --dry-run | tail -1 | grep -o -- "--add-opens=[^ ]*\|--add-modules=[^ ]*" | tr '\n' ' ')
# shellcheck disable=SC2086
exec java $OPENS -Xmx8g -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "$CP" io.sampleforge.spark.ParquetWriteFloor "$1" "${2:-3}"
