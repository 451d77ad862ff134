#!/usr/bin/env bash
# Mixture-sampling throughput: the mix job against pandas groupby-sample on the same synthetic CSV (50 sources).
#   bench/mix/bench.sh [ROWS ...] [--repeats R]      e.g. bench/mix/bench.sh 1000000 10000000 --repeats 3
# Needs the packaged jar (./mvnw -B -q -o -pl jobs -am package -DskipTests) and /usr/bin/python3 with pandas.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
exec "${PYTHON:-/usr/bin/python3}" "$HERE/bench.py" "$@"
