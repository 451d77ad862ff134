#!/usr/bin/env bash
# Sketched against exact leverage (the coreset stage's passes, local[*]): time of the factor pass and the
# scoring pass, and the largest relative score error against exact leverage with the measured bound.
#
#   bench/coreset/sketch.sh [TIME_ROWS] [WIDE_ROWS] [REPEATS]
#
# Tables: the heavy-tailed table of bench.sh (TIME_ROWS rows x 11 columns, default 1,000,000; tables.py heavy
# seed 8) and keyed Gaussian rows (WIDE_ROWS x 50, default 300,000, column scales 1..50). Sketch sizes: 1,024
# (the automatic size for d = 11) and 8,192; 10,000 (automatic for d = 50) and 40,000. Medians of REPEATS
# (default 3); then the measured bound over seeds 1..9, and numpy's CountSketch of the heavy-tailed table as the
# anchor (bench/coreset/numpy_countsketch.py). Run by bench.sh; needs the bench build (./mvnw -q -B -Pbench -DskipTests package).
set -euo pipefail
cd "$(dirname "$0")/../.."
TROWS=${1:-1000000}
WROWS=${2:-300000}
REPEATS=${3:-3}
WORK=${SF_BENCH_DIR:-/tmp/sf-coreset-bench}
PY="${PYTHON:-/usr/bin/python3}"
mkdir -p "$WORK"
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
[ -f "$WORK/heavy-t.csv" ] || "$PY" bench/coreset/tables.py heavy "$TROWS" "$WORK/heavy-t.csv" 8

field() { sed -E "s/(^|.* )$1=([^ ]*).*/\2/"; }

echo
echo "### sketched leverage (sketch: countsketch) vs exact (Gram route), local[*], medians of $REPEATS"
echo
run() {
  echo "| table | route | sketch rows s | error check | factor pass s | scoring pass s | largest \|l~/l - 1\| (seed 42) | measured bound (seed 42) |"
  echo "|---|---|---:|---|---:|---:|---:|---:|"
  java -cp "$CP" io.sampleforge.coreset.SketchVsGramBench "$1" "$REPEATS" "$2" 2>/dev/null >"$WORK/sketch-bench.txt"
  grep '^route=' "$WORK/sketch-bench.txt" | while read -r line; do
    printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n" "$3" "$(field route <<<"$line")" "$(field s <<<"$line")" \
      "$(field check <<<"$line")" "$(field factor_s <<<"$line")" "$(field score_s <<<"$line")" \
      "$(field max_rel_err <<<"$line")" "$(field bound <<<"$line")"
  done
  echo
  echo "| table | sketch rows s | measured bound over seeds 1..9: min | median | max |"
  echo "|---|---:|---:|---:|---:|"
  grep '^seeds ' "$WORK/sketch-bench.txt" | while read -r line; do
    printf "| %s | %s | %s | %s | %s |\n" "$3" "$(field s <<<"$line")" "$(field bound_min <<<"$line")" \
      "$(field bound_median <<<"$line")" "$(field bound_max <<<"$line")"
  done
  echo
}
run "$WORK/heavy-t.csv" 1024,8192 "heavy-tailed $(($(wc -l <"$WORK/heavy-t.csv") - 1)) x 11"
echo "The anchor: numpy's CountSketch (numpy's generator for buckets and signs) of the same table, the same measured bound:"
echo
echo "| table | sketch rows s | numpy bound over seeds 1..9: min | median | max |"
echo "|---|---:|---:|---:|---:|"
"$PY" bench/coreset/numpy_countsketch.py "$WORK/heavy-t.csv" 1024,8192 9 | while read -r line; do
  printf "| heavy-tailed x 11 (numpy) | %s | %s | %s | %s |\n" "$(field s <<<"$line")" "$(field bound_min <<<"$line")" \
    "$(field bound_median <<<"$line")" "$(field bound_max <<<"$line")"
done
echo
run "gaussian:$WROWS:50" 10000,40000 "Gaussian $WROWS x 50"
