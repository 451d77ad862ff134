#!/usr/bin/env bash
# generate job benchmarks with the built-in 4-gram Kneser-Ney model trained on the toy grammar (20,000 sentences):
#  1. tokens/s of the generate+write phase by batch size (2,000 prompts x 4 samples, up to 24 new tokens);
#  2. samplers compared on the toy grammar: grammatical fraction of prompt + completion and distinct-2.
#  3. (with the argument torchscript) the tiny GPT trained on the toy grammar (TorchScript + tokenizer.json),
#     cached vs recomputed, by batch size, with its grammatical fraction.
#  4. (with the argument gpt-samplers) the sampler comparison of 2. with the toy GPT.
#  5. (with the argument hf) the Hugging Face GPT-2 and Llama fixtures (export_hf_causal_lm.py folders):
#     TorchScript vs ONNX, cached vs recomputed, by batch size.
#   bench/generate/bench.sh [ngram|torchscript|gpt-samplers|hf|all]   (work files in $SF_BENCH_DIR, default /tmp/sf-generate-bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${SF_BENCH_DIR:-/tmp/sf-generate-bench}
mkdir -p "$WORK"
./mvnw -q -B install -DskipTests >/dev/null
PY="${PYTHON:-python3}"
# prompts: the first one or two words of toy-grammar sentences (written by the quickstart's recipe, 2,000 rows)
$PY - "$WORK/prompts.csv" <<'PYEOF'
import sys
starts = ["the", "a", "every", "some", "many", "the big", "a small", "some happy", "many old", "every red"]
with open(sys.argv[1], "w") as f:
    f.write("id,prompt\n")
    for i in range(2000):
        f.write("%d,%s\n" % (i, starts[i % len(starts)]))
PYEOF
stat() { $PY -c "import json,sys; m=json.load(open('$1/_manifest.json')); s=m['stats']; print($2)"; }
WHAT=${1:-all}
if [[ "$WHAT" == torchscript || "$WHAT" == all ]]; then
  M=pipeline-core/src/test/resources/model/toy_gpt
  echo "| TorchScript toy GPT | batch size | samples | tokens | generate+write s | tokens/s | grammatical |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for cached in true false; do
    file=$([[ $cached == true ]] && echo model_cached.pt || echo model.pt)
    for b in 1 16 128; do
      out="$WORK/ts-$cached-$b"
      ./submit.sh generate --input "$WORK/prompts.csv" --output "$out" --mode overwrite --set batch_size=$b \
        --set samples_per_prompt=1 --set max_new_tokens=24 --set model.type=torchscript --set model.path=$M/$file \
        --set model.tokenizer=$M/tokenizer.json --set model.vocab_size=44 --set model.bos_id=1 --set 'model.eos_ids=[2]' \
        --set model.cached=$cached --set model.layers=2 --set model.heads=4 --set model.head_dim=16 \
        --set toy_grammar_metric=true >/dev/null 2>&1
      printf "| %s | %d | %s | %s | %s | %s | %s |\n" "$([[ $cached == true ]] && echo cached || echo recomputed)" "$b" \
        "$(stat "$out" "s['samples']")" "$(stat "$out" "s['tokens']")" "$(stat "$out" "'%.1f' % m['seconds']['generate+write']")" \
        "$(stat "$out" "'%.0f' % s['tokens_per_second']")" "$(stat "$out" "'%.3f' % s['grammatical_fraction']")"
    done
  done
  echo
fi
# compare_samplers TITLE PREFIX [extra --set args]: one generate run per sampler of the list below
compare_samplers() {
  local title=$1 prefix=$2
  shift 2
  echo "| sampler ($title) | grammatical fraction | distinct-2 | mean tokens |"
  echo "|---|---:|---:|---:|"
  while IFS='|' read -r name sets; do
    local args=()
    for kv in $sets; do args+=(--set "$kv"); done
    local out="$WORK/$prefix-$(echo "$name" | tr -c 'a-z0-9' '_')"
    ./submit.sh generate --input "$WORK/prompts.csv" --output "$out" --mode overwrite --set samples_per_prompt=2 \
      --set max_new_tokens=24 "$@" "${args[@]}" >/dev/null 2>&1
    printf "| %s | %s | %s | %s |\n" "$name" "$(stat "$out" "'%.3f' % s['grammatical_fraction']")" \
      "$(stat "$out" "'%.3f' % s['distinct_2']")" "$(stat "$out" "'%.1f' % (s['tokens'] / s['samples'])")"
  done <<'LIST'
ancestral (temperature 1)|temperature=1.0
temperature 1.5|temperature=1.5
temperature 0.7|temperature=0.7
top-k 5|top_k=5
top-p 0.9|top_p=0.9
typical 0.9|typical_p=0.9
min-p 0.1|min_p=0.1
eta 0.003|eta=0.003
epsilon 0.003|epsilon=0.003
greedy|decoding=greedy
LIST
}
if [[ "$WHAT" == hf ]]; then
  echo "| HF export folder | format | contract | batch size | samples | tokens | generate+write s | tokens/s | grammatical |"
  echo "|---|---|---|---:|---:|---:|---:|---:|---:|"
  for model in hf_gpt2 hf_llama; do
    for fmt in torchscript onnx; do
      for cached in true false; do
        for b in 16 128; do
          out="$WORK/$model-$fmt-$cached-$b"
          ./submit.sh generate --input "$WORK/prompts.csv" --output "$out" --mode overwrite --set batch_size=$b \
            --set samples_per_prompt=1 --set max_new_tokens=24 --set model.type=$fmt \
            --set model.dir=pipeline-core/src/test/resources/model/$model --set model.cached=$cached \
            --set toy_grammar_metric=true >/dev/null 2>&1
          printf "| %s | %s | %s | %d | %s | %s | %s | %s | %s |\n" "$model" "$fmt" \
            "$([[ $cached == true ]] && echo cached || echo recomputed)" "$b" \
            "$(stat "$out" "s['samples']")" "$(stat "$out" "s['tokens']")" "$(stat "$out" "'%.1f' % m['seconds']['generate+write']")" \
            "$(stat "$out" "'%.0f' % s['tokens_per_second']")" "$(stat "$out" "'%.3f' % s['grammatical_fraction']")"
        done
      done
    done
  done
  exit 0
fi
if [[ "$WHAT" == gpt-samplers ]]; then
  M=pipeline-core/src/test/resources/model/toy_gpt
  compare_samplers "toy GPT, TorchScript" gpt-sampler --set model.type=torchscript --set model.path=$M/model.pt \
    --set model.tokenizer=$M/tokenizer.json --set model.vocab_size=44 --set model.bos_id=1 --set 'model.eos_ids=[2]' \
    --set model.context=40 --set toy_grammar_metric=true --set batch_size=128
  exit 0
fi
[[ "$WHAT" == torchscript ]] && exit 0
echo "| batch size | samples | tokens | generate+write s | tokens/s |"
echo "|---:|---:|---:|---:|---:|"
for b in 1 8 64 256; do
  ./submit.sh generate --input "$WORK/prompts.csv" --output "$WORK/batch-$b" --mode overwrite --set batch_size=$b \
    --set samples_per_prompt=4 --set max_new_tokens=24 >/dev/null 2>&1
  printf "| %d | %s | %s | %s | %s |\n" "$b" "$(stat "$WORK/batch-$b" "s['samples']")" "$(stat "$WORK/batch-$b" "s['tokens']")" \
    "$(stat "$WORK/batch-$b" "'%.1f' % m['seconds']['generate+write']")" "$(stat "$WORK/batch-$b" "'%.0f' % s['tokens_per_second']")"
done
echo
compare_samplers "4-gram Kneser-Ney" sampler

