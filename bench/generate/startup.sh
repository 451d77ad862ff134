#!/usr/bin/env bash
# Where a `generate` job's time goes before its first token, and after its last (issue 25): runs the job with
# Spark's DAGScheduler logging at info (millisecond timestamps) and prints the phase timeline from the log and the
# manifest. One run per config; run it twice and read the second (the first after a build writes the CDS archive).
#
#   bench/generate/startup.sh [CONFIG ...]     (default: conf/jobs/generate-mlm.yaml conf/jobs/generate-mdm.yaml)
set -uo pipefail
cd "$(dirname "$0")/../.."
CONFIGS=("$@")
[[ ${#CONFIGS[@]} -gt 0 ]] || CONFIGS=(conf/jobs/generate-mlm.yaml conf/jobs/generate-mdm.yaml)
WORK=${SF_BENCH_DIR:-/tmp/sf-generate-startup}
mkdir -p "$WORK"
TL="$WORK/log4j2.properties"
sed 's/^logger.spark.level = warn/logger.spark.level = warn\nlogger.dag.name = org.apache.spark.scheduler.DAGScheduler\nlogger.dag.level = info/; s/%d{yy\/MM\/dd HH:mm:ss}/%d{HH:mm:ss.SSS}/' conf/log4j2.properties > "$TL"
ms() { date -d "$(date +%F) $1" +%s%3N; }
echo "| config | to the model phase s | model load s | read s | planning before the first token s | first token at s | generate+write s | after the write s | whole s | Spark jobs |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for cfg in "${CONFIGS[@]}"; do
  name=$(basename "$cfg" .yaml)
  line=$(./submit.sh generate -c "$cfg" --output "$WORK/$name" --mode overwrite --dry-run | tail -1)
  line=${line//$PWD\/conf\/log4j2.properties/$TL}
  t0=$(date +%s%3N)
  eval "$line" >"$WORK/$name.log" 2>&1 || { echo "startup.sh: $cfg failed; see $WORK/$name.log" >&2; exit 1; }
  t1=$(date +%s%3N)
  at() { grep -m1 "$1" "$WORK/$name.log" | awk '{print $1}'; }
  model=$(ms "$(at 'phase model started')"); read=$(ms "$(at 'phase read started')"); readend=$(ms "$(at 'phase read finished')")
  gen=$(ms "$(at 'phase generate+write started')"); genend=$(ms "$(at 'phase generate+write finished')")
  jobs=$(grep -c "DAGScheduler: Got .*job" "$WORK/$name.log")
  awk -v c="$name" -v t0="$t0" -v t1="$t1" -v m="$model" -v r="$read" -v re="$readend" -v g="$gen" -v ge="$genend" -v j="$jobs" \
    'BEGIN {printf "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d |\n", c, (m-t0)/1e3, (r-m)/1e3, (re-r)/1e3, (g-re)/1e3, (g-t0)/1e3, (ge-g)/1e3, (t1-ge)/1e3, (t1-t0)/1e3, j}'
done
