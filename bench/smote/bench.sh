#!/usr/bin/env bash
# Side-by-side SMOTE benchmark: Sampleforge `smote` job vs imbalanced-learn SMOTE.
#
#   bench/smote/bench.sh [--repeats R] [--imblearn-max N] [--driver-memory 8g] N1 N2 ...
#
# For each N: generate (or reuse) bench-out/smote/nN/{parquet,csv}, run the sampleforge smote
# job R times under /usr/bin/time -v, run bench/smote/imblearn_smote.py (unless N > imblearn-max),
# then print a Markdown table (also saved to bench-out/smote/results.md). See docs/benchmarks.md.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/../.." && pwd -P)"
PY="${PYTHON:-python3}"
OUT="$ROOT/bench-out/smote"
FEATURES="[$(printf 'f%d,' $(seq 0 15) | sed 's/,$//')]"
SYNTH_SETS=(--set informative=8 --set redundant=4 --set noise=4 --set "weights=[0.95,0.05]" --set seed=1)

usage() {
  sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  cat <<'USAGE'
Options:
  --repeats R          sampleforge runs and imblearn fit_resample runs per N (default 1)
  --imblearn-max N     skip imblearn (and CSV generation) for sizes above N (default 4000000)
  --driver-memory X    heap of the embedded Spark JVM, passed to submit.sh
                       (default: $SF_DRIVER_MEMORY or 4g)
  -h, --help           this help
USAGE
}

die() { echo "bench.sh: $*" >&2; exit 2; }
log() { echo "bench.sh: $*" >&2; }

# ---- arguments -------------------------------------------------------------------------------
CMDLINE="$0"
for a in "$@"; do CMDLINE+=" $(printf '%q' "$a")"; done
REPEATS=1
IMBLEARN_MAX=4000000
DRIVER_MEMORY=""
SIZES=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --repeats) [[ $# -ge 2 ]] || die "--repeats needs a value"; REPEATS="$2"; shift ;;
    --repeats=*) REPEATS="${1#*=}" ;;
    --imblearn-max) [[ $# -ge 2 ]] || die "--imblearn-max needs a value"; IMBLEARN_MAX="$2"; shift ;;
    --imblearn-max=*) IMBLEARN_MAX="${1#*=}" ;;
    --driver-memory) [[ $# -ge 2 ]] || die "--driver-memory needs a value"; DRIVER_MEMORY="$2"; shift ;;
    --driver-memory=*) DRIVER_MEMORY="${1#*=}" ;;
    -*) die "unknown option: $1 (see --help)" ;;
    *) SIZES+=("$1") ;;
  esac
  shift
done
[[ ${#SIZES[@]} -gt 0 ]] || { usage >&2; die "no sizes given"; }
[[ "$REPEATS" =~ ^[1-9][0-9]*$ ]] || die "--repeats must be a positive integer, got '$REPEATS'"
[[ "$IMBLEARN_MAX" =~ ^[0-9]+$ ]] || die "--imblearn-max must be an integer, got '$IMBLEARN_MAX'"
for n in "${SIZES[@]}"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "size must be a positive integer, got '$n'"
done

SUBMIT_OPTS=()
[[ -n "$DRIVER_MEMORY" ]] && SUBMIT_OPTS+=(--driver-memory "$DRIVER_MEMORY")
HEAP="${DRIVER_MEMORY:-${SF_DRIVER_MEMORY:-4g}}"

# ---- prerequisites ---------------------------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
  log "/usr/bin/time missing; installing package 'time'"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get install -y -q time >&2 || { $SUDO apt-get update -q >&2 && $SUDO apt-get install -y -q time >&2; } \
    || die "could not install /usr/bin/time (apt-get install time)"
fi
[[ -x "$PY" ]] || die "$PY not found"
"$PY" -c 'import imblearn, sklearn, pandas' 2>/dev/null || die "$PY lacks imblearn/sklearn/pandas (apt-get install python3-imblearn python3-pandas)"

STAMP="$(date +%Y%m%d-%H%M%S)"
STARTED="$(date '+%Y-%m-%d %H:%M:%S %Z')"
LOGS="$OUT/logs/$STAMP"
mkdir -p "$LOGS" || die "cannot create $LOGS"

# JSON field from a file: jget FILE python-expression-on-d
jget() { "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }

# Generate a table (parquet or csv) for N rows unless one with N rows is already there.
generate() {
  local n="$1" fmt="$2" dir="$3" extra=()
  if [[ -f "$dir/_manifest.json" && "$(jget "$dir/_manifest.json" 'd["rows"]')" == "$n" ]]; then
    log "n=$n: reusing $fmt table $dir"
    return 0
  fi
  [[ "$fmt" == csv ]] && extra=(--set format=csv)
  log "n=$n: generating $fmt table $dir"
  if ! "$ROOT/submit.sh" synth-table "${SUBMIT_OPTS[@]}" --output "$dir" --rows "$n" --mode overwrite \
      "${SYNTH_SETS[@]}" "${extra[@]}" >"$LOGS/n$n-generate-$fmt.log" 2>&1; then
    log "n=$n: $fmt generation failed, see $LOGS/n$n-generate-$fmt.log"
    return 1
  fi
}

# ---- runs ------------------------------------------------------------------------------------
# A small warm-up job first, so that no timed run pays for writing submit.sh's class-data sharing
# archive (written once per build by the first embedded run).
log "warm-up: a 1,000-row synth-table run (writes the class-data sharing archive if missing)"
"$ROOT/submit.sh" synth-table --output "$OUT/warmup" --rows 1000 --mode overwrite >"$LOGS/warmup.log" 2>&1 \
  || log "warm-up failed (see $LOGS/warmup.log); continuing"
ROWS_JSON="$LOGS/rows.jsonl"
: >"$ROWS_JSON"
for n in "${SIZES[@]}"; do
  D="$OUT/n$n"
  mkdir -p "$D"
  RUN_IMB=true
  (( n > IMBLEARN_MAX )) && RUN_IMB=false

  sf_ok=true
  generate "$n" parquet "$D/parquet" || sf_ok=false
  csv_ok=false
  if $RUN_IMB; then generate "$n" csv "$D/csv" && csv_ok=true; fi

  sf_runs=()
  if $sf_ok; then
    for ((r = 1; r <= REPEATS; r++)); do
      base="$LOGS/n$n-sampleforge-r$r"
      log "n=$n: sampleforge smote run $r/$REPEATS (log $base.log)"
      rm -f "$D/smote-out/_manifest.json"
      /usr/bin/time -v -o "$base.time" "$ROOT/submit.sh" smote "${SUBMIT_OPTS[@]}" \
        --input "$D/parquet" --output "$D/smote-out" --mode overwrite \
        --set "features=$FEATURES" --set id_column=id >"$base.log" 2>&1
      rc=$?
      if [[ $rc -eq 0 && -f "$D/smote-out/_manifest.json" ]]; then
        cp "$D/smote-out/_manifest.json" "$base.manifest.json"
        sf_runs+=("$base")
      else
        log "n=$n: sampleforge run $r failed (rc=$rc), see $base.log"
      fi
    done
  fi

  imb_state=skipped
  if $RUN_IMB; then
    if $csv_ok; then
      base="$LOGS/n$n-imblearn"
      log "n=$n: imblearn SMOTE, $REPEATS fit_resample run(s) (log $base.log)"
      if "$PY" "$HERE/imblearn_smote.py" "$D/csv" --repeats "$REPEATS" >"$base.json" 2>"$base.log"; then
        imb_state="$base.json"
      else
        imb_state=failed
        log "n=$n: imblearn failed, see $base.log"
      fi
    else
      imb_state=failed
    fi
  fi

  # One summary record per N.
  "$PY" - "$n" "$imb_state" "${sf_runs[@]}" >>"$ROWS_JSON" <<'PYEOF'
import json, re, statistics, sys
n, imb, runs = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
def wall(path):
    txt = open(path).read()
    m = re.search(r"Elapsed \(wall clock\) time.*?: (?:(\d+):)?(\d+):([\d.]+)", txt)
    h, mi, s = m.groups()
    return int(h or 0) * 3600 + int(mi) * 60 + float(s)
def rss_kb(path):
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(path).read()).group(1))
rec = {"n": n, "sf_runs": len(runs), "imblearn": imb}
if runs:
    ms = [json.load(open(b + ".manifest.json")) for b in runs]
    counts = ms[-1]["counts"]
    rec["minority"] = min(c["before"] for c in counts)
    rec["synthetic"] = sum(c["synthetic"] for c in counts)
    rec["sf_wall"] = [wall(b + ".time") for b in runs]
    rec["sf_rss_gb"] = max(rss_kb(b + ".time") for b in runs) / 1024 ** 2
    sec = [m["seconds"] for m in ms]
    rec["sf_smote"] = [s.get("plan+neighbors", 0) + s.get("generate+write", 0) for s in sec]
    rec["sf_phases"] = {k: statistics.median(s.get(k, 0) for s in sec) for k in sec[0]}
if imb not in ("skipped", "failed"):
    rec["imb"] = json.load(open(imb))
print(json.dumps(rec))
PYEOF
done

# ---- table -----------------------------------------------------------------------------------
CPU="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
[[ -n "$CPU" ]] || CPU="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
JAVA_V="$(grep -h -m1 -o '"java" : "[^"]*"' "$LOGS"/*.manifest.json 2>/dev/null | head -1 | sed 's/.*: //; s/"//g')"
VERS="$("$PY" -c 'import imblearn,sklearn,numpy,sys; print(f"imblearn {imblearn.__version__}, scikit-learn {sklearn.__version__}, numpy {numpy.__version__}, Python {sys.version.split()[0]}")')"

B_DATE="$STARTED" B_NPROC="$(nproc)" B_CPU="$CPU" B_CMD="$CMDLINE" \
B_INFO="sampleforge: local[*], driver heap $HEAP${JAVA_V:+, Java $JAVA_V}, k=5, sampling_strategy auto; $VERS; repeats $REPEATS; logs: ${LOGS#"$ROOT"/}" \
"$PY" - "$ROWS_JSON" >"$LOGS/results.md" <<'PYEOF'
import json, os, statistics, sys
e = os.environ
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(f"SMOTE benchmark: {e['B_DATE']} | nproc {e['B_NPROC']} | CPU: {e['B_CPU']} | command: {e['B_CMD']}")
print()
print(e["B_INFO"])
print()
hdr = ["N", "minority", "synthetic rows", "sampleforge wall s (median)", "sampleforge SMOTE s (median)",
       "synthetic rows/s", "sampleforge peak RSS GB", "imblearn fit_resample s (median)",
       "imblearn peak RSS GB", "speed-up (imblearn / sampleforge wall)"]
print("| " + " | ".join(hdr) + " |")
print("|" + "|".join("---:" for _ in hdr) + "|")
notes = []
for r in rows:
    n = r["n"]
    if r["sf_runs"]:
        wall = statistics.median(r["sf_wall"])
        sf = [str(r["minority"]), str(r["synthetic"]), f"{wall:.2f}",
              f"{statistics.median(r['sf_smote']):.2f}", f"{r['synthetic'] / wall:,.0f}",
              f"{r['sf_rss_gb']:.2f}"]
        ph = ", ".join(f"{k} {v:.2f}" for k, v in r["sf_phases"].items())
        notes.append(f"N={n}: sampleforge phase medians (s): {ph}; wall runs: "
                     + ", ".join(f"{w:.2f}" for w in r["sf_wall"]))
    else:
        sf = ["failed"] * 6
        wall = None
    if "imb" in r:
        im = r["imb"]
        ims = [f"{im['median_s']:.2f}", f"{im['peak_rss_mb'] / 1024:.2f}",
               f"{im['median_s'] / wall:.3g}x" if wall else "n/a"]
        if sf[0] == "failed":
            sf[0], sf[1] = str(im["minority"]), str(im["synthetic"])
        elif (im["minority"], im["synthetic"]) != (r["minority"], r["synthetic"]):
            notes.append(f"N={n}: WARNING counts differ: imblearn minority {im['minority']} synthetic {im['synthetic']}")
        notes.append(f"N={n}: imblearn CSV load {im['load_s']:.2f} s (not timed); fit_resample runs: "
                     + ", ".join(f"{t:.2f}" for t in im["fit_resample_s"]))
    else:
        ims = [r["imblearn"]] * 3
    print("| " + " | ".join([str(n)] + sf + ims) + " |")
print()
for line in notes:
    print(f"- {line}")
PYEOF

cp "$LOGS/results.md" "$OUT/results.md"
cat "$OUT/results.md"
