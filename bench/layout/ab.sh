#!/usr/bin/env bash
# Same-machine A/B of the issue-18 layout move: builds two commits in their own worktrees and runs
# the smote, gme and generate jobs through each one's submit.sh, alternating, ROUNDS times; prints
# whole-process wall seconds and the jobs' main phase seconds (from their PhaseTimer log lines) as
# medians, with the after/before ratio.
#
#   bench/layout/ab.sh [BEFORE=0af9784] [AFTER=HEAD] [ROUNDS=3]
# Work files go to $SF_BENCH_DIR (default: a fresh temporary folder).
set -euo pipefail
cd "$(dirname "$0")/../.."
BEFORE=${1:-0af9784}; AFTER=${2:-HEAD}; ROUNDS=${3:-3}
WORK=${SF_BENCH_DIR:-$(mktemp -d -t sf-layout-ab.XXXXXX)}
echo "work: $WORK" >&2
for side in before after; do
  ref=$BEFORE; [[ $side == after ]] && ref=$AFTER
  if [[ ! -d $WORK/$side ]]; then
    git worktree add --detach "$WORK/$side" "$ref" >&2
    (cd "$WORK/$side" && ./mvnw -q -B -o -DskipTests package >&2)
  fi
done
D=$WORK/data
if [[ ! -d $D/table ]]; then
  (cd "$WORK/after" && ./submit.sh synth-table --output "$D/table" --set rows=1000000 --set informative=8 \
    --set redundant=4 --set noise=4 --set "weights=[0.9, 0.1]" >/dev/null 2>&1)
  (cd "$WORK/after" && ./submit.sh synth-relations --output "$D/relations" --set items=100000 \
    --set relations_per_item=10 >/dev/null 2>&1)
  { echo "id,prompt"; w=(the "some dogs" "a big cat" "every teacher" "many children" "the small bird");
    for i in $(seq 0 1999); do echo "$i,${w[$((i % 6))]}"; done; } > "$D/prompts.csv"
fi
run() { # side job -> "wall phase"
  local side=$1 job=$2 log=$WORK/$1-$2.log args=()
  case $job in
    smote) args=(smote --input "$D/table" --set "features=[f0,f1,f2,f3,f4,f5,f6,f7,f8,f9,f10,f11,f12,f13,f14,f15]" --set id_column=id) ;;
    gme) args=(gme --input "$D/relations" --set item=item --set "attributes=[brand, category]" --set n=1000) ;;
    generate) args=(generate --input "$D/prompts.csv" --set samples_per_prompt=2 --set max_new_tokens=32) ;;
  esac
  local start end
  start=$(date +%s.%N)
  (cd "$WORK/$side" && ./submit.sh "${args[@]}" --output "$WORK/out-$side-$job" --mode overwrite >"$log" 2>&1)
  end=$(date +%s.%N)
  local phase
  phase=$(grep -E "phase (plan\+neighbors|select|generate\+write) finished" "$log" | sed -E 's/.* in ([0-9.]+) s.*/\1/' | awk '{s+=$1} END {print s+0}')
  echo "$(echo "$end - $start" | bc) $phase"
}
declare -A WALL PHASE
for r in $(seq 1 "$ROUNDS"); do
  for job in smote gme generate; do
    order=(before after); (( r % 2 == 0 )) && order=(after before)
    for side in "${order[@]}"; do
      read -r w p < <(run "$side" "$job")
      WALL[$side-$job]+="$w "; PHASE[$side-$job]+="$p "
      echo "round $r $job $side: wall $w s, main phase $p s" >&2
    done
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "| job | before wall (median s) | after wall (median s) | after/before | before main phase (s) | after main phase (s) | after/before |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for job in smote gme generate; do
  bw=$(echo "${WALL[before-$job]}" | median); aw=$(echo "${WALL[after-$job]}" | median)
  bp=$(echo "${PHASE[before-$job]}" | median); ap=$(echo "${PHASE[after-$job]}" | median)
  printf "| %s | %.1f | %.1f | %.3f | %.1f | %.1f | %.3f |\n" "$job" "$bw" "$aw" "$(echo "$aw / $bw" | bc -l)" "$bp" "$ap" \
    "$(echo "if ($bp > 0) $ap / $bp else 0" | bc -l)"
done
