#!/usr/bin/env bash
# Coreset benchmark: quality against m (Sampleforge's kernel, the same arithmetic as the coreset job) and time
# against numpy/scipy computing the same scores on one box.
#
#   bench/coreset/bench.sh [QUALITY_ROWS] [TIME_ROWS] [REPEATS] [JOB_REPEATS]
#
# Tables: the Statlog Shuttle table (58,000 x 9, ../shared/data/mlbench) and a synthetic heavy-tailed table
# (Student-t df 1.5, 10 features + target; QUALITY_ROWS rows, default 200,000, for quality; TIME_ROWS rows,
# default 1,000,000, for time). Quality: medians over 5 seeds of the subspace-embedding error and the l2 / l1
# regression cost ratios for leverage, l1 Lewis weights, root leverage (p = 1) and uniform, Poisson sampling
# (bench/coreset/quality.py). Time: the scores alone with the data in memory (Sampleforge kernel vs numpy QR),
# medians of REPEATS (default 3), and the whole process (./submit.sh coreset, JVM and Spark start included,
# vs a numpy/pandas script: read CSV, score, sample, write CSV), medians of JOB_REPEATS (default 1).
# Work files go to $SF_BENCH_DIR (default /tmp/sf-coreset-bench). Python: $PYTHON (default /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/../.."
QROWS=${1:-200000}
TROWS=${2:-1000000}
REPEATS=${3:-3}
JOB_REPEATS=${4:-1}
WORK=${SF_BENCH_DIR:-/tmp/sf-coreset-bench}
PY="${PYTHON:-/usr/bin/python3}"
mkdir -p "$WORK"
./mvnw -q -B -Pbench -DskipTests package >/dev/null
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
field() { sed "s/.*$1=\([0-9.e+-]*\).*/\1/"; }

"$PY" bench/coreset/tables.py shuttle "$WORK/shuttle.csv"
"$PY" bench/coreset/tables.py heavy "$QROWS" "$WORK/heavy-q.csv" 7
"$PY" bench/coreset/tables.py heavy "$TROWS" "$WORK/heavy-t.csv" 8

for t in shuttle heavy-q; do
  echo
  echo "### quality: $t ($(($(wc -l <"$WORK/$t.csv") - 1)) rows)"
  echo
  java -cp "$CP" io.sampleforge.coreset.CoresetBench samples "$WORK/$t.csv" "$WORK/$t-samples.csv" "$WORK/$t-scores.csv" \
    leverage,lewis,root-leverage,uniform 30,100,300,1000,3000 5 2>/dev/null
  "$PY" bench/coreset/quality.py "$WORK/$t.csv" "$WORK/$t-samples.csv"
  echo
  echo "| method | largest \|Sampleforge score - numpy score\| |"
  echo "|---|---:|"
  for method in leverage lewis root-leverage; do
    diff=$("$PY" bench/coreset/numpy_scores.py kernel "$WORK/$t.csv" "$method" 1 "$WORK/$t-scores.csv" | field max_abs_diff)
    echo "| $method | $diff |"
  done
done

bench/coreset/time.sh "$WORK/heavy-t.csv" "$REPEATS" "$JOB_REPEATS" leverage,lewis,root-leverage

echo
echo "### distributed leverage: the stage's Gram route vs Spark MLlib RowMatrix.tallSkinnyQR, $TROWS rows, local[*], medians of $REPEATS"
echo
"$PY" bench/coreset/numpy_scores.py dump "$WORK/heavy-t.csv" leverage "$WORK/heavy-t-leverage.txt"
line=$(java -cp "$CP" io.sampleforge.coreset.TsqrVsGramBench "$WORK/heavy-t.csv" "$REPEATS" "$WORK/heavy-t-leverage.txt" 2>/dev/null | grep gram_s)
echo "| route | seconds (factor + scoring pass) | largest \|score - numpy QR score\| |"
echo "|---|---:|---:|"
echo "| Gram (double-double) + Cholesky | $(field gram_s <<<"$line") | $(field gram_max_err <<<"$line") |"
echo "| RowMatrix.tallSkinnyQR | $(field tsqr_s <<<"$line") | $(field tsqr_max_err <<<"$line") |"

bench/coreset/sketch.sh "$TROWS" 300000 "$REPEATS"
