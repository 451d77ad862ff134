#!/usr/bin/env bash
# GME benchmark: Sampleforge vs the reference implementation (idiap/gme-sampler), same data, same machine.
#
#   bench/gme/bench.sh REFERENCE_CHECKOUT [small|scale|all]
#
# REFERENCE_CHECKOUT: a clone of https://github.com/idiap/gme-sampler (kept outside this repository;
# it runs on Debian's python3-pandas/python3-scipy). "small": 2,000 and 5,000 items x ~20k relations,
# N=200, counts and binarised: reference sample() seconds vs the Sampleforge kernel (no Spark) and the
# whole `gme` Spark job (JVM start included), and whether the rankings are identical. "scale": the
# `gme` job on 10^6 items / ~10^7 relations, N=10,000, plus kernel-only picks/s over items x picks.
# Work files go to $SF_BENCH_DIR (default /tmp/sf-gme-bench). Prints markdown tables.
set -euo pipefail
cd "$(dirname "$0")/../.."
REF=${1:?usage: bench/gme/bench.sh REFERENCE_CHECKOUT [small|scale|all]}
WHAT=${2:-all}
WORK=${SF_BENCH_DIR:-/tmp/sf-gme-bench}
mkdir -p "$WORK"
# jobs (for submit.sh) and the benchmarks module (the bench mains, built only with -Pbench)
./mvnw -q -B -Pbench -DskipTests package >/dev/null
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
PY="${PYTHON:-python3}"

if [[ "$WHAT" == small || "$WHAT" == all ]]; then
  echo "| items | relations | N | counting | reference sample() s | Sampleforge kernel s | kernel speed-up | gme job wall s (JVM+Spark) | job speed-up | same ranking |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for spec in "2000 10" "5000 4"; do
    read -r items mean <<<"$spec"
    dir="$WORK/rel-$items"
    ./submit.sh synth-relations --output "$dir" --mode overwrite --set items="$items" --set relations_per_item="$mean" \
      --set format=tsv --set partitions=1 --set vocabulary="[$((items * 2)),$((items / 10))]" >/dev/null 2>&1
    tsv=$(ls "$dir"/part-*.csv)
    relations=$(($(wc -l <"$tsv") - 1))
    for counting in counts binarised; do
      ref_line=$($PY bench/gme/reference_run.py "$REF" "$tsv" item brand,category dutopia "$counting" 200 "$WORK/ref.tsv")
      ref_s=$(sed 's/.*reference_s=\([0-9.]*\).*/\1/' <<<"$ref_line")
      k_line=$(java -cp "$CP" io.sampleforge.subset.GmeBench tsv "$tsv" item brand,category dutopia "$counting" 200 "$WORK/sf.tsv")
      k_s=$(sed 's/.*select_s=\([0-9.]*\).*/\1/' <<<"$k_line")
      same=$($PY bench/gme/same_ranking.py "$WORK/ref.tsv" "$WORK/sf.tsv")
      start=$(date +%s.%N)
      ./submit.sh gme --input "$tsv" --output "$WORK/job-$items-$counting" --mode overwrite --set input_format=tsv \
        --set item=item --set "attributes=[brand,category]" --set n=200 \
        --set binarised=$([[ $counting == binarised ]] && echo true || echo false) >/dev/null 2>&1
      job_s=$(echo "$(date +%s.%N) - $start" | bc)
      printf "| %d | %d | 200 | %s | %.1f | %.3f | %.0fx | %.1f | %.1fx | %s |\n" "$items" "$relations" "$counting" "$ref_s" \
        "$k_s" "$(echo "$ref_s / $k_s" | bc -l)" "$job_s" "$(echo "$ref_s / $job_s" | bc -l)" "$same"
    done
  done
fi

if [[ "$WHAT" == scale || "$WHAT" == all ]]; then
  echo
  echo "| run | items | relations | picks | wall s | select phase s | picks/s (select phase) |"
  echo "|---|---|---|---|---|---|---|"
  dir="$WORK/rel-1m"
  ./submit.sh synth-relations --output "$dir" --mode overwrite --set items=1000000 --set relations_per_item=10 >/dev/null 2>&1
  relations=$($PY -c "import json;print(json.load(open('$dir/_manifest.json'))['relations'])")
  start=$(date +%s.%N)
  SF_DRIVER_MEMORY=${SF_DRIVER_MEMORY:-12g} ./submit.sh gme --input "$dir" --output "$WORK/job-1m" --mode overwrite \
    --set item=item --set "attributes=[brand,category]" --set n=10000 >/dev/null 2>&1
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  sel=$($PY -c "import json;print(json.load(open('$WORK/job-1m/_manifest.json'))['seconds']['select'])")
  printf "| gme job, scoring in-task | 1000000 | %d | 10000 | %.1f | %.1f | %.1f |\n" "$relations" "$wall" "$sel" "$(echo "10000 / $sel" | bc -l)"
  start=$(date +%s.%N)
  SF_DRIVER_MEMORY=${SF_DRIVER_MEMORY:-12g} ./submit.sh gme --input "$dir" --output "$WORK/job-1m-distributed" --mode overwrite \
    --set item=item --set "attributes=[brand,category]" --set n=200 --set scoring=distributed --set shards=2 >/dev/null 2>&1
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  sel=$($PY -c "import json;print(json.load(open('$WORK/job-1m-distributed/_manifest.json'))['seconds']['select'])")
  printf "| gme job, scoring distributed (2 shards) | 1000000 | %d | 200 | %.1f | %.1f | %.1f |\n" "$relations" "$wall" "$sel" "$(echo "200 / $sel" | bc -l)"
  echo
  echo "Kernel only (no Spark; same generator):"
  echo
  echo "| items | relations | picks | build s | select s | scoring s | update s | picks/s |"
  echo "|---|---|---|---|---|---|---|---|"
  for spec in "100000 1000" "100000 10000" "1000000 1000" "1000000 10000"; do
    read -r items picks <<<"$spec"
    line=$(java -Xmx12g -cp "$CP" io.sampleforge.subset.GmeBench synth "$items" 10 "$((items / 4)),$((items / 40))" "$picks")
    get() { sed "s/.*$1=\([0-9.]*\).*/\1/" <<<"$line"; }
    printf "| %d | %d | %d | %s | %s | %s | %s | %s |\n" "$items" "$(get relations)" "$picks" "$(get build_s)" \
      "$(get select_s)" "$(get scoring_s)" "$(get update_s)" "$(get picks_per_s)"
  done
fi
