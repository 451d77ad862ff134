#!/usr/bin/env bash
# Warper chain: Sampleforge (DJL NDArrays on libtorch 2.7.1) vs the same chain in PyTorch (Debian python3-torch),
# same [batch, vocab] float32 block size, same settings, same machine, same intra-op thread count.
#   bench/decode/bench.sh [BATCH] [VOCAB] [REPEATS] [THREADS]     (defaults 64 50257 30 1)
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-64}; V=${2:-50257}; R=${3:-30}; T=${4:-1}
WORK=${SF_BENCH_DIR:-$(mktemp -d -t sf-decode-bench.XXXXXX)}
# the bench mains live in the benchmarks module, built only with -Pbench (docs/benchmarks.md)
./mvnw -q -B -Pbench -DskipTests package >/dev/null
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
java -cp "$CP" io.sampleforge.decode.WarperBench "$B" "$V" "$R" "$T" >"$WORK/warpers-java.tsv"
"${PYTHON:-python3}" bench/decode/warpers.py "$B" "$V" "$R" "$T" >"$WORK/warpers-torch.tsv"
torch_version=$("${PYTHON:-python3}" -c 'import torch; print(torch.__version__)')
echo "| warper ([${B}, ${V}] float32, ${T} thread(s), median of ${R}) | Sampleforge ms | PyTorch ${torch_version} ms | ratio (PyTorch / Sampleforge) |"
echo "|---|---:|---:|---:|"
join -t $'\t' <(nl -w1 -s$'\t' "$WORK/warpers-java.tsv" | sort) <(nl -w1 -s$'\t' "$WORK/warpers-torch.tsv" | sort) | sort -n \
  | awk -F'\t' '{printf "| %s | %.2f | %.2f | %.2fx |\n", $2, $3, $5, $5/$3}'
