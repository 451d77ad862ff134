#!/usr/bin/env bash
# SMOTE at 10^8 rows with a fixed small heap (issue 16 "memory-bounded runs"): the same input as
# run_1e8.sh (d=8, 5 % minority, approximate neighbours) with --driver-memory HEAP (default 4g; in
# local mode the driver is the executor), so Spark must spill. Prints wall time and peak RSS.
#
#   SF_BIG_DIR=/work/bench-big bench/smote/run_1e8_small_heap.sh [HEAP]
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
HEAP="${1:-4g}"
B=${SF_BIG_DIR:-/work/bench-big}/n1e8
date -u +"start %F %T"
if [[ ! -d $B/parquet ]]; then
  /usr/bin/time -v -o $B-synth.time ./submit.sh synth-table --driver-memory "$HEAP" --output $B/parquet --rows 100000000 \
    --mode overwrite --set informative=6 --set redundant=1 --set noise=1 --set "weights=[0.95,0.05]" --set seed=1 > $B-synth.log 2>&1
  echo "synth rc=$?"; date -u +"synth done %F %T"; du -sh $B/parquet
  grep -E "Elapsed|Maximum resident" $B-synth.time
fi
/usr/bin/time -v -o $B-smote-$HEAP.time ./submit.sh smote --driver-memory "$HEAP" --input $B/parquet --output $B/out-$HEAP \
  --mode overwrite --set "features=[f0,f1,f2,f3,f4,f5,f6,f7]" --set id_column=id --set neighbor_search=approximate \
  > $B-smote-$HEAP.log 2>&1
echo "smote rc=$?"; date -u +"smote done %F %T"; du -sh $B/out-$HEAP
grep -E "Elapsed|Maximum resident" $B-smote-$HEAP.time
grep -E "spill|Spill" $B-smote-$HEAP.log | tail -3
