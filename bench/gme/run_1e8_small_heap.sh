#!/usr/bin/env bash
# GME at 10^8 relation rows with a fixed heap (issue 16 "memory-bounded runs"): a synth-relations catalogue of
# 10^7 items x 10 relations (brand vocabulary 2.5M, category 250k), then the gme job (dutopia, in-task, N picks)
# with --driver-memory HEAP (local mode: the driver is the only executor). Prints wall time and peak RSS.
#
#   SF_BIG_DIR=/work/bench-big bench/gme/run_1e8_small_heap.sh [HEAP=6g] [N=1000] [in-task|distributed] [MEMORY_FRACTION]
#
# MEMORY_FRACTION, when given, becomes spark.memory.fraction (Spark's default 0.6): in-task selection
# books its item corpus against execution memory, so the share left to "user memory" can be smaller.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
HEAP="${1:-6g}"
N="${2:-1000}"
SCORING="${3:-in-task}"
EXTRA="--set scoring=$SCORING"
[[ $SCORING == distributed ]] && EXTRA="$EXTRA --set shards=16"
FRACTION="${4:-}"
TAG="-$SCORING"
CONF=()
if [[ -n $FRACTION ]]; then CONF=(--conf "spark.memory.fraction=$FRACTION"); TAG="$TAG-fraction$FRACTION"; fi
B=${SF_BIG_DIR:-/work/bench-big}/gme1e8
date -u +"start %F %T"
if [[ ! -d $B/relations ]]; then
  /usr/bin/time -v -o $B-synth.time ./submit.sh synth-relations --driver-memory "$HEAP" --output $B/relations \
    --mode overwrite --set items=10000000 --set relations_per_item=10 --set "vocabulary=[2500000, 250000]" > $B-synth.log 2>&1
  echo "synth rc=$?"; date -u +"synth done %F %T"; du -sh $B/relations
  grep -E "Elapsed|Maximum resident" $B-synth.time
fi
/usr/bin/time -v -o $B-gme-$HEAP$TAG.time ./submit.sh gme --driver-memory "$HEAP" "${CONF[@]}" --input $B/relations --output $B/out-$HEAP \
  --mode overwrite --set item=item --set "attributes=[brand, category]" --set n="$N" $EXTRA > $B-gme-$HEAP$TAG.log 2>&1
echo "gme rc=$?"; date -u +"gme done %F %T"
grep -E "Elapsed|Maximum resident|Exit status" $B-gme-$HEAP$TAG.time
grep -E "OutOfMemory|sampleforge: " $B-gme-$HEAP$TAG.log | head -3
