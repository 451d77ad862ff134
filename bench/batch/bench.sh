#!/usr/bin/env bash
# A batch against the same jobs one JVM each (issue 25's warm mode): for each batch file, the whole
# process of `./submit.sh batch -c FILE` against `./submit.sh LINE` for every line of the file, one after
# the other (what an Airflow DAG or a shell script of jobs does), run alternately R times; medians.
#
#   bench/batch/bench.sh [--repeats R] [BATCH.yaml ...]     (default: conf/jobs/batch.yaml bench/batch/rounds.yaml)
#
# Also prints each job's own seconds (the batch's summary table) so the fixed cost per job is visible:
# separate total - sum of a job's own seconds in the batch = what the batch saves.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/../.." && pwd -P)"
PY="${PYTHON:-/usr/bin/python3}"
REPEATS=3
FILES=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeats) REPEATS="$2"; shift ;;
    -h | --help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
    *) FILES+=("$1") ;;
  esac
  shift
done
[[ ${#FILES[@]} -gt 0 ]] || FILES=(conf/jobs/batch.yaml bench/batch/rounds.yaml)
"$PY" -c 'import yaml' 2>/dev/null || { echo "bench.sh: $PY lacks PyYAML (apt-get install python3-yaml)" >&2; exit 2; }
cd "$ROOT"
LOGS="bench-out/batch/logs/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$LOGS"
now() { date +%s%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# warm-up: the first embedded run after a build writes the class-data sharing archive
./submit.sh synth-table --rows 100 --output bench-out/batch/warm --mode overwrite >/dev/null 2>&1

ROWS=()
for f in "${FILES[@]}"; do
  mapfile -t LINES < <("$PY" "$HERE/lines.py" "$f")
  SEP=(); BAT=(); OWN=()
  for r in $(seq 1 "$REPEATS"); do
    t0=$(now)
    ok=1
    for l in "${LINES[@]}"; do
      eval "./submit.sh $l" >>"$LOGS/$(basename "$f" .yaml)-separate-$r.log" 2>&1 || ok=0
    done
    t1=$(now)
    ./submit.sh batch -c "$f" >"$LOGS/$(basename "$f" .yaml)-batch-$r.log" 2>&1 || ok=0
    t2=$(now)
    [[ $ok == 1 ]] || { echo "bench.sh: a job failed; see $LOGS" >&2; exit 1; }
    SEP+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", (b-a)/1e9}')")
    BAT+=("$(awk -v a="$t1" -v b="$t2" 'BEGIN {printf "%.1f", (b-a)/1e9}')")
    OWN+=("$(awk '$1 ~ /^jobs\[/ {s += $4} END {printf "%.1f", s}' "$LOGS/$(basename "$f" .yaml)-batch-$r.log")")
  done
  s=$(median "${SEP[@]}"); b=$(median "${BAT[@]}"); o=$(median "${OWN[@]}")
  ROWS+=("| \`$f\` | ${#LINES[@]} | $s | $b | $(awk -v s="$s" -v b="$b" 'BEGIN {printf "%.2fx", s/b}') | $o | $(awk -v s="$s" -v o="$o" -v n="${#LINES[@]}" 'BEGIN {printf "%.1f", (s-o)/n}') | ${SEP[*]} / ${BAT[*]} |")
done
echo
echo "$(date -u +%Y-%m-%d), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), medians of $REPEATS alternating runs; logs in $LOGS"
echo
echo "| batch file | jobs | one JVM per job, s | one batch, s | speed-up | the jobs' own seconds in the batch | fixed cost per separate job, s | runs (separate / batch) |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${ROWS[@]}"
