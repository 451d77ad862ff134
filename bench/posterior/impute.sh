#!/usr/bin/env bash
# Imputation of a real table (issue 23): cells of held-out rows masked completely at random (`corrupt`), then
# reconstructed by `posterior` (exact GMM posterior under an MLlib mixture fitted to the clean training rows)
# and by three baselines: the training rows' column means, and Spark MLlib's Imputer (mean, median) fitted to the
# measured rows. RMSE over the masked cells (table units and standardised), 90 % interval coverage (posterior),
# wall seconds of each method as a whole process (JVM and Spark start included) and rows/s.
#
#   bench/posterior/impute.sh [TABLE.csv] [RATES] [COMPONENTS] [REPEATS] [SLICE_ROWS] [SLICE_SIGMA_Y] [SAMPLES]
#                             [MASK_SAMPLERS] [SLICE_SAMPLERS] [TRAINED_EPOCHS]
#   (defaults ../shared/data/mlbench/Satellite.csv "0.2 0.5" "4 8" 1 40 1.0 16 "exact replace" "exact tds dps" 0)
# TRAINED_EPOCHS > 0 also trains train-denoiser's MLP (conf/jobs/train-denoiser.yaml, that many epochs) on the
# training rows and imputes every test row with `replace` under it (30 steps, RePaint jumps j = 1, r = 5), and the
# slice's tds and dps also run under it (30 steps; the gradient through the MLP by DJL autograd).
#
# The table's numeric columns become c0..c(D-1) with an id; a fixed hash of the row number sends about 20 % of
# the rows to the test set (measured, imputed, scored) and the rest to the training set (the prior's fit and the
# column means): the prior never sees the cells it imputes. MASK_SAMPLERS run on every test row with the noise-free
# mask (operator.sigma_y 0: exact, replace, dps). SLICE_ROWS > 0 also runs SLICE_SAMPLERS on the first SLICE_ROWS
# test rows with operator.sigma_y SLICE_SIGMA_Y (tds needs sigma_y > 0; the masks themselves are noise-free). SAMPLES is S, the posterior samples per row (the 90 % interval is the 5 % and 95 % points
# of the S samples: with S = 16 even exact draws cover a new draw only about 79 % of the time, (15.25 - 1.75) / 17;
# S = 128 gives about 89 %). Work files go to $SF_BENCH_DIR (default: a fresh temporary folder).
set -euo pipefail
cd "$(dirname "$0")/../.."
TABLE="${1:-../shared/data/mlbench/Satellite.csv}"
RATES="${2:-0.2 0.5}"
COMPONENTS="${3:-4 8}"
REPEATS="${4:-1}"
SLICE_ROWS="${5:-40}"
SLICE_SIGMA_Y="${6:-1.0}"
SAMPLES="${7:-16}"
MASK_SAMPLERS="${8:-exact replace}"
SLICE_SAMPLERS="${9:-exact tds dps}"
TRAINED_EPOCHS="${10:-0}"
WORK="${SF_BENCH_DIR:-$(mktemp -d -t sf-impute-XXXXXX)}"
mkdir -p "$WORK"

# the bench main lives in the benchmarks module, built only with -Pbench (docs/benchmarks.md); this also builds the jobs
./mvnw -q -B -Pbench -DskipTests package >/dev/null
BENCH=(java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" io.sampleforge.spark.diffusion.ImputationBench)

"${BENCH[@]}" prepare "$TABLE" "$WORK"
COLS="[$(head -1 "$WORK/train.csv" | cut -d, -f2-)]"
if [[ "$TRAINED_EPOCHS" -gt 0 ]]; then
  t0=$(date +%s.%N)
  ./submit.sh train-denoiser -c conf/jobs/train-denoiser.yaml --input "$WORK/train.csv" --output "$WORK/mlp" \
    --mode overwrite --set "columns=$COLS" --set epochs="$TRAINED_EPOCHS" >"$WORK/train.log" 2>&1
  echo "train-denoiser ($TRAINED_EPOCHS epochs, training rows): $(echo "$(date +%s.%N) - $t0" | bc) s"
fi

timed() {   # NAME TIMES_FILE CMD...: runs CMD, appends "NAME<TAB>seconds" to TIMES_FILE
  local name="$1" file="$2"
  shift 2
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >"$WORK/last.log" 2>&1 || { echo "$name failed (exit $?): $(grep -e '^sampleforge: error' "$WORK/last.log" | tail -1)"; return 1; }
  t1=$(date +%s.%N)
  printf '%s\t%s\n' "$name" "$(echo "$t1 - $t0" | bc)" >>"$file"
}

posterior() {   # INPUT OUTPUT COMPONENTS [--set ...]
  local in="$1" out="$2" k="$3"
  shift 3
  ./submit.sh posterior -c conf/jobs/posterior.yaml --input "$in" --output "$out" --mode overwrite \
    --set id_column=id --set model.table="$WORK/train.csv" --set "model.columns=$COLS" --set model.components="$k" \
    --set samples="$SAMPLES" "$@"
}

for rate in $RATES; do
  echo
  echo "## mask rate $rate"
  M="$WORK/measured-$rate"
  TIMES="$WORK/times-$rate.tsv"
  : >"$TIMES"
  timed corrupt "$TIMES" ./submit.sh corrupt -c conf/jobs/corrupt.yaml --input "$WORK/test.csv" --output "$M" \
    --mode overwrite --set id_column=id --set "columns=$COLS" --set operator.mask_rate="$rate"
  SPECS=()
  for ((r = 0; r < REPEATS; r++)); do
    for k in $COMPONENTS; do
      for sampler in $MASK_SAMPLERS; do
        timed "posterior-$sampler-k$k-s$SAMPLES" "$TIMES" posterior "$M" "$WORK/post-$rate-$sampler-k$k" "$k" \
          --set sampler.name="$sampler"
      done
    done
    if [[ "$TRAINED_EPOCHS" -gt 0 ]]; then
      timed "posterior-replace-mlp-s$SAMPLES" "$TIMES" ./submit.sh posterior -c conf/jobs/posterior.yaml --input "$M" \
        --output "$WORK/post-$rate-mlp" --mode overwrite --set id_column=id --set "model={type: trained, dir: $WORK/mlp/model}" \
        --set unobserved_rows=fail --set samples="$SAMPLES" --set steps=30 \
        --set "sampler={name: replace, jumps: 5, jump_length: 1}"
    fi
    for method in train-mean imputer-mean imputer-median; do
      timed "$method" "$TIMES" "${BENCH[@]}" baseline "$method" "$M" "$WORK/train.csv" "$WORK/$method-$rate"
    done
  done
  if [[ "$TRAINED_EPOCHS" -gt 0 ]]; then SPECS+=("posterior-replace-mlp-s$SAMPLES=$WORK/post-$rate-mlp"); fi
  for k in $COMPONENTS; do
    for sampler in $MASK_SAMPLERS; do SPECS+=("posterior-$sampler-k$k-s$SAMPLES=$WORK/post-$rate-$sampler-k$k"); done
  done
  for method in train-mean imputer-mean imputer-median; do SPECS+=("$method=$WORK/$method-$rate"); done
  "${BENCH[@]}" evaluate "$M" "$WORK/train.csv" "$TIMES" "${SPECS[@]}" 2>/dev/null
  echo "corrupt: $(awk -F'\t' '$1=="corrupt"{print $2}' "$TIMES") s"

  if [[ "$SLICE_ROWS" -gt 0 ]]; then
    echo
    echo "### $SLICE_SAMPLERS on the first $SLICE_ROWS test rows (mask rate $rate, operator.sigma_y $SLICE_SIGMA_Y)"
    head -$((SLICE_ROWS + 1)) "$WORK/test.csv" >"$WORK/slice.csv"
    MS="$WORK/measured-slice-$rate"
    TS="$WORK/times-slice-$rate.tsv"
    : >"$TS"
    timed corrupt "$TS" ./submit.sh corrupt -c conf/jobs/corrupt.yaml --input "$WORK/slice.csv" --output "$MS" \
      --mode overwrite --set id_column=id --set "columns=$COLS" --set operator.mask_rate="$rate"
    k="${COMPONENTS%% *}"
    SPECS=()
    for sampler in $SLICE_SAMPLERS; do
      name="posterior-$sampler-k$k-s$SAMPLES-sigma$SLICE_SIGMA_Y"
      extra=(--set operator.sigma_y="$SLICE_SIGMA_Y" --set sampler.name="$sampler")
      [[ "$sampler" == tds ]] && extra+=(--set sampler.particles=16)
      if timed "$name" "$TS" posterior "$MS" "$WORK/slice-$sampler-$rate" "$k" "${extra[@]}"; then
        SPECS+=("$name=$WORK/slice-$sampler-$rate")
      fi
      # the same gradient samplers under the trained MLP: the gradient by DJL autograd (docs/posterior.md)
      if [[ "$TRAINED_EPOCHS" -gt 0 && ( "$sampler" == tds || "$sampler" == dps ) ]]; then
        name="posterior-$sampler-mlp-s$SAMPLES-sigma$SLICE_SIGMA_Y"
        mlp=(--set "operator.sigma_y=$SLICE_SIGMA_Y" --set "sampler={name: $sampler}" --set steps=30)
        [[ "$sampler" == tds ]] && mlp+=(--set "sampler={name: tds, particles: 16}")
        if timed "$name" "$TS" ./submit.sh posterior -c conf/jobs/posterior.yaml --input "$MS" \
          --output "$WORK/slice-$sampler-mlp-$rate" --mode overwrite --set id_column=id \
          --set "model={type: trained, dir: $WORK/mlp/model}" --set unobserved_rows=fail --set samples="$SAMPLES" \
          "${mlp[@]}"; then
          SPECS+=("$name=$WORK/slice-$sampler-mlp-$rate")
        fi
      fi
    done
    if [[ ${#SPECS[@]} -gt 0 ]]; then
      "${BENCH[@]}" evaluate "$MS" "$WORK/train.csv" "$TS" "${SPECS[@]}" 2>/dev/null
    fi
  fi
done
echo
echo "work files: $WORK"
