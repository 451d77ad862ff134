#!/usr/bin/env bash
# SMOTE at 10^8 rows, d=8, approximate neighbours (issue 3's "completes on this machine with spill")
set -u
cd /work/main
B=${SF_BIG_DIR:-/work/bench-big}/n1e8
date -u +"start %F %T"
/usr/bin/time -v -o $B-synth.time ./submit.sh synth-table --driver-memory 10g --output $B/parquet --rows 100000000 \
  --mode overwrite --set informative=6 --set redundant=1 --set noise=1 --set "weights=[0.95,0.05]" --set seed=1 > $B-synth.log 2>&1
echo "synth rc=$?"; date -u +"synth done %F %T"; du -sh $B/parquet
/usr/bin/time -v -o $B-smote.time ./submit.sh smote --driver-memory 10g --input $B/parquet --output $B/out --mode overwrite \
  --set "features=[f0,f1,f2,f3,f4,f5,f6,f7]" --set id_column=id --set neighbor_search=approximate > $B-smote.log 2>&1
echo "smote rc=$?"; date -u +"smote done %F %T"; du -sh $B/out
grep -E "Elapsed|Maximum resident" $B-smote.time
