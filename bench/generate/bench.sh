#!/usr/bin/env bash
# generate job benchmarks with the built-in 4-gram Kneser-Ney model trained on the toy grammar (20,000 sentences):
#  1. tokens/s of the generate+write phase by batch size (2,000 prompts x 4 samples, up to 24 new tokens);
#  2. samplers compared on the toy grammar: grammatical fraction of prompt + completion and distinct-2.
#   bench/generate/bench.sh      (work files in $SF_BENCH_DIR, default /tmp/sf-generate-bench; prints markdown tables)
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${SF_BENCH_DIR:-/tmp/sf-generate-bench}
mkdir -p "$WORK"
./mvnw -q -B install -DskipTests >/dev/null
PY=/usr/bin/python3
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
echo "| batch size | samples | tokens | generate+write s | tokens/s |"
echo "|---:|---:|---:|---:|---:|"
for b in 1 8 64 256; do
  ./submit.sh generate --input "$WORK/prompts.csv" --output "$WORK/batch-$b" --mode overwrite --set batch_size=$b \
    --set samples_per_prompt=4 --set max_new_tokens=24 >/dev/null 2>&1
  printf "| %d | %s | %s | %s | %s |\n" "$b" "$(stat "$WORK/batch-$b" "s['samples']")" "$(stat "$WORK/batch-$b" "s['tokens']")" \
    "$(stat "$WORK/batch-$b" "'%.1f' % m['seconds']['generate+write']")" "$(stat "$WORK/batch-$b" "'%.0f' % s['tokens_per_second']")"
done
echo
echo "| sampler | grammatical fraction | distinct-2 | mean tokens |"
echo "|---|---:|---:|---:|"
while IFS='|' read -r name sets; do
  args=()
  for kv in $sets; do args+=(--set "$kv"); done
  out="$WORK/sampler-$(echo "$name" | tr -c 'a-z0-9' '_')"
  ./submit.sh generate --input "$WORK/prompts.csv" --output "$out" --mode overwrite --set samples_per_prompt=2 \
    --set max_new_tokens=24 "${args[@]}" >/dev/null 2>&1
  printf "| %s | %s | %s | %s |\n" "$name" "$(stat "$out" "'%.3f' % s['grammatical_fraction']")" \
    "$(stat "$out" "'%.3f' % s['distinct_2']")" "$(stat "$out" "'%.1f' % (s['tokens'] / s['samples'])")"
done <<'LIST'
ancestral (temperature 1)|temperature=1.0
temperature 0.7|temperature=0.7
top-k 5|top_k=5
top-p 0.9|top_p=0.9
typical 0.9|typical_p=0.9
min-p 0.1|min_p=0.1
eta 0.003|eta=0.003
epsilon 0.003|epsilon=0.003
greedy|decoding=greedy
LIST
