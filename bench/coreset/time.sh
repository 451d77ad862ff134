#!/usr/bin/env bash
# Coreset time, one table: the scores alone with the data in memory (Sampleforge kernel vs numpy QR / the same
# Lewis fixed point), medians of REPEATS, and the whole process (./submit.sh coreset, JVM and Spark start included,
# vs a numpy/pandas script: read CSV, score, sample, write CSV), medians of JOB_REPEATS. bench.sh runs it on its
# 10^6-row table; alone it takes any table tables.py wrote, e.g. the issue's 10^7 rows:
#
#   /usr/bin/python3 bench/coreset/tables.py heavy 10000000 /tmp/heavy-1e7.csv 8
#   bench/coreset/time.sh /tmp/heavy-1e7.csv 1 1 leverage,root-leverage
#
# Needs the bench module built (./mvnw -q -B -Pbench -DskipTests package; bench.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/../.."
TABLE=${1:?usage: bench/coreset/time.sh TABLE.csv [REPEATS] [JOB_REPEATS] [METHODS]}
REPEATS=${2:-3}
JOB_REPEATS=${3:-1}
METHODS=${4:-leverage,lewis,root-leverage}
WORK=${SF_BENCH_DIR:-/tmp/sf-coreset-bench}
PY="${PYTHON:-/usr/bin/python3}"
mkdir -p "$WORK"
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
ROWS=$(($(wc -l <"$TABLE") - 1))
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
field() { sed "s/.*$1=\([0-9.e+-]*\).*/\1/"; }

echo
echo "### time: heavy-tailed table, $ROWS rows x 11 columns, kernel medians of $REPEATS, whole process medians of $JOB_REPEATS"
echo
echo "| method | Sampleforge kernel s | numpy kernel s | kernel ratio (numpy / Sampleforge) | coreset job s (whole process) | numpy script s (whole process) | whole-process ratio |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for method in ${METHODS//,/ }; do
  sk=$(java -cp "$CP" io.sampleforge.coreset.CoresetBench kernel "$TABLE" "$method" "$REPEATS" 2>/dev/null | field kernel_s)
  nk=$("$PY" bench/coreset/numpy_scores.py kernel "$TABLE" "$method" "$REPEATS" | field kernel_s)
  jobs=(); pys=()
  for ((r = 0; r < JOB_REPEATS; r++)); do
    start=$(date +%s.%N)
    ./submit.sh coreset -c conf/jobs/coreset.yaml --input "$TABLE" --output "$WORK/job-$method" --mode overwrite \
      --set "features=[c0,c1,c2,c3,c4,c5,c6,c7,c8,c9,c10]" --set method="$method" --set m=10000 >/dev/null 2>&1
    jobs+=("$(echo "$(date +%s.%N) - $start" | bc)")
    start=$(date +%s.%N)
    "$PY" bench/coreset/numpy_scores.py whole "$TABLE" "$method" 10000 "$WORK/numpy-$method.csv"
    pys+=("$(echo "$(date +%s.%N) - $start" | bc)")
  done
  js=$(printf '%s\n' "${jobs[@]}" | median)
  ps=$(printf '%s\n' "${pys[@]}" | median)
  printf "| %s | %.3f | %.3f | %.2fx | %.1f | %.1f | %.2fx |\n" "$method" "$sk" "$nk" "$(echo "$nk / $sk" | bc -l)" \
    "$js" "$ps" "$(echo "$ps / $js" | bc -l)"
done

