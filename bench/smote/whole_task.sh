#!/usr/bin/env bash
# The whole task a user runs, side by side (issue 25): a 16-feature, 5 %-minority CSV in, SMOTE,
# the result written out. imbalanced-learn: pandas read_csv + fit_resample + to_csv, one Python
# process (imblearn_whole_task.py). Sampleforge: one `./submit.sh smote` process, CSV in and Parquet
# in, Parquet out (its verify pass and manifest included). Also the fixed cost: the same job asked
# to produce nothing (a sampling_strategy equal to the class counts: read, validate, write the rows
# back), and a 10-row job's start-up timeline (JVM start, SparkContext, first Spark job).
#
#   bench/smote/whole_task.sh [--repeats R] N1 N2 ...
#
# Wall times are whole processes under /usr/bin/time; the table shows medians of R runs, run
# alternately (imblearn, sampleforge CSV, sampleforge Parquet) so that load drifts hit all sides.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/../.." && pwd -P)"
PY="${PYTHON:-/usr/bin/python3}"
OUT="$ROOT/bench-out/smote"
FEATURES="[$(printf 'f%d,' $(seq 0 15) | sed 's/,$//')]"
SYNTH=(--set informative=8 --set redundant=4 --set noise=4 --set "weights=[0.95,0.05]" --set seed=1)
REPEATS=1
SIZES=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeats) REPEATS="$2"; shift ;;
    -h | --help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "whole_task.sh: unknown option $1" >&2; exit 2 ;;
    *) SIZES+=("$1") ;;
  esac
  shift
done
[[ ${#SIZES[@]} -gt 0 ]] || { echo "whole_task.sh: no sizes (see --help)" >&2; exit 2; }
"$PY" -c 'import imblearn, pandas' 2>/dev/null || { echo "whole_task.sh: $PY lacks imblearn/pandas (apt-get install python3-imblearn python3-pandas)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "whole_task.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
STAMP="$(date +%Y%m%d-%H%M%S)"
LOGS="$OUT/whole-task-logs/$STAMP"
mkdir -p "$LOGS"
cd "$ROOT"

wall() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$1"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
gen() { # N FORMAT DIR
  if [[ -f "$3/_manifest.json" ]] && grep -q "\"rows\" *: *$1[,}]" "$3/_manifest.json"; then return 0; fi
  local extra=(); [[ "$2" == csv ]] && extra=(--set format=csv)
  ./submit.sh synth-table --output "$3" --rows "$1" --mode overwrite "${SYNTH[@]}" "${extra[@]}" >"$LOGS/gen-$1-$2.log" 2>&1
}

# warm-up: the first embedded job of a build writes the class-data sharing archive
rm -rf "$OUT/warm" && ./submit.sh synth-table --rows 1000 --output "$OUT/warm" >/dev/null 2>&1

# start-up timeline of a 10-row job (log timestamps in ms)
TL="$LOGS/startup.properties"
sed 's/^logger.spark.level = warn/logger.spark.level = warn\nlogger.ctx.name = org.apache.spark.SparkContext\nlogger.ctx.level = info\nlogger.dag.name = org.apache.spark.scheduler.DAGScheduler\nlogger.dag.level = info/; s/%d{yy\/MM\/dd HH:mm:ss}/%d{HH:mm:ss.SSS}/' conf/log4j2.properties > "$TL"
STARTUP_ROWS=()
for r in $(seq 1 "$REPEATS"); do
  rm -rf "$OUT/startup"
  line=$(./submit.sh synth-table --rows 10 --output "$OUT/startup" --dry-run | tail -1)
  line=${line//$ROOT\/conf\/log4j2.properties/$TL}
  t0=$(date +%s%3N)
  eval "$line" >"$LOGS/startup-$r.log" 2>&1
  t1=$(date +%s%3N)
  ms() { local t; t=$(grep -m1 "$1" "$LOGS/startup-$r.log" | awk '{print $1}'); [[ -z "$t" ]] && { echo -; return; }
    local h m s; IFS=: read -r h m s <<<"$t"; echo $(( (10#$h*3600 + 10#$m*60 + 10#${s%.*})*1000 + 10#${s#*.} - t0 % 86400000 )); }
  STARTUP_ROWS+=("| $r | $(ms 'Running Spark version') | $(ms 'phase .* started') | $(ms 'Got job 0') | $(ms 'Job 0 finished') | $((t1 - t0)) |")
done

declare -A W
for n in "${SIZES[@]}"; do
  D="$OUT/n$n"
  gen "$n" parquet "$D/parquet" && gen "$n" csv "$D/csv" || { echo "generation failed for $n (logs in $LOGS)" >&2; exit 1; }
  COUNTS="{0: $(( n - n / 20 )), 1: $(( n / 20 ))}"
  for r in $(seq 1 "$REPEATS"); do
    /usr/bin/time -v "$PY" "$HERE/imblearn_whole_task.py" "$D/csv" "$LOGS/imblearn-$n.csv" >"$LOGS/imb-$n-$r.json" 2>"$LOGS/imb-$n-$r.time"
    W[imb,$n]+=" $(wall "$LOGS/imb-$n-$r.time")"
    rm -f "$LOGS/imblearn-$n.csv"
    for fmt in csv parquet; do
      rm -rf "$OUT/out-$n-$fmt"
      /usr/bin/time -v ./submit.sh smote --input "$D/$fmt" --set "input_format=$fmt" --output "$OUT/out-$n-$fmt" \
        --set "features=$FEATURES" --set id_column=id >"$LOGS/sf-$n-$fmt-$r.log" 2>"$LOGS/sf-$n-$fmt-$r.time"
      W[$fmt,$n]+=" $(wall "$LOGS/sf-$n-$fmt-$r.time")"
    done
    # fixed cost: the job asked to produce nothing (strategy = the class counts), Parquet in
    rm -rf "$OUT/out-$n-noop"
    /usr/bin/time -v ./submit.sh smote --input "$D/parquet" --output "$OUT/out-$n-noop" --set "features=$FEATURES" \
      --set id_column=id --set "sampling_strategy=$COUNTS" >"$LOGS/sf-$n-noop-$r.log" 2>"$LOGS/sf-$n-noop-$r.time"
    W[noop,$n]+=" $(wall "$LOGS/sf-$n-noop-$r.time")"
  done
  for r in $(seq 1 "$REPEATS"); do W[imbphases,$n]="$(cat "$LOGS/imb-$n-$r.json")"; done
done

{
  echo "Command: bench/smote/whole_task.sh --repeats $REPEATS ${SIZES[*]}  ($(date '+%Y-%m-%d %H:%M %Z'), $(nproc) cores, logs $LOGS)"
  echo
  echo "| rows | imblearn whole task s | sampleforge CSV in s | speed-up | sampleforge Parquet in s | speed-up | produce-nothing job s |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  for n in "${SIZES[@]}"; do
    # shellcheck disable=SC2086
    i=$(median ${W[imb,$n]}); c=$(median ${W[csv,$n]}); p=$(median ${W[parquet,$n]}); z=$(median ${W[noop,$n]})
    echo "| $n | $i | $c | $(awk -v a="$i" -v b="$c" 'BEGIN{printf "%.2fx", a/b}') | $p | $(awk -v a="$i" -v b="$p" 'BEGIN{printf "%.2fx", a/b}') | $z |"
  done
  echo
  echo "imblearn phases (last run; imports_s is interpreter imports before the clock in the JSON):"
  for n in "${SIZES[@]}"; do echo "- $n: ${W[imbphases,$n]}"; done
  echo
  echo "Runs (wall s): "
  for n in "${SIZES[@]}"; do echo "- $n: imblearn${W[imb,$n]}; csv${W[csv,$n]}; parquet${W[parquet,$n]}; nothing${W[noop,$n]}"; done
  echo
  echo "Start-up of a 10-row synth-table job, ms from the process start:"
  echo
  echo "| run | SparkContext starts | job body starts (session ready) | first Spark job submitted | first job done | process exits |"
  echo "|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${STARTUP_ROWS[@]}"
} | tee "$OUT/whole-task-results.md"
