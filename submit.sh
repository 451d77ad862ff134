#!/usr/bin/env bash
# Sampleforge front door: build if needed, then run a job through Spark.
#
#   ./submit.sh --help
#   ./submit.sh JOB [submit options] [job args...]
#
# With SPARK_HOME set (and $SPARK_HOME/bin/spark-submit present) the job goes through
# spark-submit with the cluster uber jar; otherwise it runs embedded: one local JVM that starts
# org.apache.spark.deploy.SparkSubmit from the project's own classpath.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
readonly ROOT
readonly MAIN_CLASS="io.sampleforge.jobs.SampleforgeMain"
readonly JOBS_JAR="$ROOT/jobs/target/sampleforge-jobs.jar"   # <finalName> in jobs/pom.xml
readonly CLASSPATH_FILE="$ROOT/jobs/target/classpath.txt"
readonly CLUSTER_JAR="$ROOT/jobs/target/sampleforge-jobs-cluster.jar"
readonly LOCAL_CONF="$ROOT/conf/spark/local.conf"
readonly CLUSTER_CONF="$ROOT/conf/spark/cluster.conf"
readonly GPU_CONF="$ROOT/conf/spark/gpu.conf"
readonly LOG4J_CONF="$ROOT/conf/log4j2.properties"
# AppCDS archive of the classes an embedded run loads (Spark, Scala, Hadoop, Parquet, ...): written
# by the first embedded job run after a build, used by later runs (the JVM then maps the classes
# instead of loading and verifying them: about 5 s less per run on 2 cores).
readonly CDS_ARCHIVE="$ROOT/jobs/target/sampleforge-cds.jsa"

# Spark's Java 17 module options: one flag per line in conf/jvm/spark-java17.options (the one list).
mapfile -t SPARK_MODULE_OPTS < <(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$ROOT/conf/jvm/spark-java17.options")
readonly SPARK_MODULE_OPTS
readonly DJL_OPTS=(-Dai.djl.offline=true -DdisableProgressBar=true)

readonly JOBS=(quickstart smote gme generate diffuse train-denoiser corrupt posterior synth-table synth-relations mix coreset batch)

usage() {
  cat <<EOF
Usage: ./submit.sh JOB [submit options] [job args...]
       ./submit.sh --help
       ./submit.sh JOB --help              (the job's own options)

Jobs:
  quickstart       a short tour: SMOTE on a generated table, a GME-diverse subset of a generated catalogue,
                   synthetic text from the toy grammar
  smote            SMOTE-family minority augmentation of a Parquet/CSV table
  gme              greedy maximum-entropy (GME) diverse subset of a relation table
  generate         completions for a prompt table (TorchScript/ONNX model through DJL, or the built-in
                   Kneser-Ney n-gram model; transformers-style samplers)
  diffuse          samples from a Gaussian diffusion model (exact GMM or an MLlib GMM fit of a
                   table, an exported or a trained network) under DDIM, DPM-Solver++, UniPC, ...
  train-denoiser   train an MLP Gaussian denoiser on a table's numeric columns (for diffuse)
  corrupt          make a measurement dataset (noise, missing cells, a linear map) from a clean table
  posterior        reconstruct each measured row: posterior samples under an exact GMM prior (tds, exact)
  synth-table      generate a deterministic make_classification-style table
  synth-relations  generate a deterministic skewed relation table (gme input)
  mix              draw a training mixture from several sources (proportional, uniform, weights,
                   temperature, Inf-DDS scores) with exact counts and resumable rounds
  coreset          weighted coreset of a table: leverage, ridge-leverage, l_p Lewis-weight, root-leverage or
                   uniform sampling, Poisson or with replacement, with importance weights
  batch            several of the jobs above in one JVM and one Spark session (start-up paid once),
                   from a YAML list of command lines (conf/jobs/batch.yaml)

Submit options (taken by submit.sh anywhere on the line; everything else goes to the job):
  --master M             Spark master (default: local[*] embedded, the cluster's default
                         with spark-submit)
  --deploy-mode D        client or cluster (spark-submit)
  --conf k=v             Spark property; repeatable; overrides the properties file
  --properties-file F    Spark properties file (default: conf/spark/local.conf embedded,
                         conf/spark/cluster.conf with spark-submit, which also reads the
                         cluster's spark-defaults.conf below it: --load-spark-defaults)
  --gpu                  also apply conf/spark/gpu.conf (Spark RAPIDS + libtorch CUDA), passed
                         as --conf pairs; add the RAPIDS jar with --conf spark.jars=...;
                         needs a cluster master, not local[*]; the executors' discovery script
                         is shipped to YARN (./getGpusResources.sh), taken from the image on
                         k8s://, left to the workers on spark://
  --driver-memory X      driver heap, e.g. 8g (default: \$SF_DRIVER_MEMORY or 4g)
  --dry-run              print the command as one shell-quoted line and exit, without building
  --                     pass everything after it to the job (a -c/--config there is still
                         shipped as below)
  -h, --help             this help (before JOB)

Modes:
  SPARK_HOME set and \$SPARK_HOME/bin/spark-submit present:
      \$SPARK_HOME/bin/spark-submit ... jobs/target/sampleforge-jobs-cluster.jar JOB args
      (built with ./mvnw -Pcluster package if missing)
  otherwise, embedded:
      java ... org.apache.spark.deploy.SparkSubmit --master local[*] ... JOB args
      (built with ./mvnw install if missing)

Environment:
  SPARK_HOME         use spark-submit from this Spark distribution
  SF_DRIVER_MEMORY   default driver heap (4g)
  SF_CDS             class-data sharing for embedded runs: auto (default) or off; see docs/embedded.md
  SF_JIT             JIT thresholds of the embedded JVM: batch (default; fewer C2 compilations
                     in a short job) or default (the JVM's own); see docs/embedded.md
  DJL_CACHE_DIR      DJL native library cache (default \$HOME/.djl.ai); DJL_OFFLINE=true is set
  JAVA_HOME          Java 17+ used for the embedded JVM and the build

With spark-submit, the job's -c/--config FILE is shipped with --files (with spark.files of
your --conf, properties file or spark-defaults.conf) and the job is given its absolute path in
client mode, its base name in cluster mode (the driver finds it in its working directory or
through SparkFiles). Nothing else is shipped: in cluster mode --input/--output and every path in
the config must be cluster-visible (hdfs://, s3a://, ...). Embedded, relative paths in job args
are relative to your current directory. See docs/cluster.md.

Examples:
  ./submit.sh quickstart --help
  ./submit.sh synth-table --conf spark.sql.shuffle.partitions=4 [job args...]
  SPARK_HOME=/opt/spark ./submit.sh smote --master yarn --deploy-mode cluster \\
      -c conf/jobs/smote.yaml --input hdfs:///data/train --output hdfs:///out/train_bal
EOF
}

die() {
  echo "submit.sh: $*" >&2
  exit 2
}

# Shell-quote one word for display (a copy-pasteable line).
quote() {
  local s="$1"
  if [[ -n "$s" && "$s" =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then
    printf '%s' "$s"
  else
    printf "'%s'" "${s//\'/\'\\\'\'}"
  fi
}

# Escape a string for use inside double quotes.
dquote_escape() {
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="${s//\$/\\\$}"
  s="${s//\`/\\\`}"
  printf '%s' "$s"
}

# Read Java-properties style "key value" / "key=value" lines (single-line values only),
# skipping blanks and comments. Prints "key<TAB>value" lines.
read_props() {
  local file="$1" line key value
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line#"${line%%[![:space:]]*}"}"
    [[ -z "$line" || "$line" == \#* || "$line" == \!* ]] && continue
    if [[ "$line" =~ ^([^[:space:]=:]+)[[:space:]]*[=:[:space:]][[:space:]]*(.*)$ ]]; then
      key="${BASH_REMATCH[1]}"
      value="${BASH_REMATCH[2]}"
    else
      key="$line"
      value=""
    fi
    value="${value%"${value##*[![:space:]]}"}"
    printf '%s\t%s\n' "$key" "$value"
  done <"$file"
}

# Value of one key in a properties file (last one wins), empty if absent.
prop_get() {
  local file="$1" want="$2" key value result=""
  [[ -f "$file" ]] || return 0
  while IFS=$'\t' read -r key value; do
    [[ "$key" == "$want" ]] && result="$value"
  done < <(read_props "$file")
  printf '%s' "$result"
}

# Run the Maven wrapper from the project root, quietly, output to stderr.
build() {
  echo "submit.sh: building ($*) ..." >&2
  (cd "$ROOT" && ./mvnw -B -q -DskipTests "$@") >&2
}

is_job() {
  local j
  for j in "${JOBS[@]}"; do
    [[ "$1" == "$j" ]] && return 0
  done
  return 1
}

# ---- Parse arguments ------------------------------------------------------------------------
if [[ $# -eq 0 ]]; then
  usage
  exit 0
fi

JOB=""
MASTER=""
DEPLOY_MODE=""
PROPS_FILE=""
DRIVER_MEMORY=""
GPU=false
DRY_RUN=false
USER_CONFS=()
JOB_ARGS=()

need_value() {
  [[ $# -ge 2 ]] || die "option $1 needs a value"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help | help)
      if [[ -z "$JOB" ]]; then
        usage
        exit 0
      fi
      JOB_ARGS+=("$1")
      ;;
    --master) need_value "$@"; MASTER="$2"; shift ;;
    --master=*) MASTER="${1#*=}" ;;
    --deploy-mode) need_value "$@"; DEPLOY_MODE="$2"; shift ;;
    --deploy-mode=*) DEPLOY_MODE="${1#*=}" ;;
    --conf) need_value "$@"; USER_CONFS+=("$2"); shift ;;
    --conf=*) USER_CONFS+=("${1#*=}") ;;
    --properties-file) need_value "$@"; PROPS_FILE="$2"; shift ;;
    --properties-file=*) PROPS_FILE="${1#*=}" ;;
    --driver-memory) need_value "$@"; DRIVER_MEMORY="$2"; shift ;;
    --driver-memory=*) DRIVER_MEMORY="${1#*=}" ;;
    --gpu) GPU=true ;;
    --dry-run) DRY_RUN=true ;;
    --)
      shift
      [[ -n "$JOB" || $# -eq 0 ]] || { JOB="$1"; shift; }
      JOB_ARGS+=("$@")
      break
      ;;
    *)
      if [[ -z "$JOB" ]]; then
        [[ "$1" == -* ]] && die "unknown option before JOB: $1 (see ./submit.sh --help)"
        JOB="$1"
      else
        JOB_ARGS+=("$1")
      fi
      ;;
  esac
  shift
done

[[ -n "$JOB" ]] || die "no JOB given (see ./submit.sh --help)"
is_job "$JOB" || die "unknown job '$JOB'; jobs: ${JOBS[*]} (see ./submit.sh --help)"
for c in "${USER_CONFS[@]}"; do
  [[ "$c" == *=* ]] || die "--conf expects k=v, got '$c'"
done
if [[ -n "$PROPS_FILE" && ! -f "$PROPS_FILE" ]]; then
  die "properties file not found: $PROPS_FILE"
fi

export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$HOME/.djl.ai}"
export DJL_OFFLINE=true

USE_SPARK_SUBMIT=false
if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
  USE_SPARK_SUBMIT=true
fi

if $USE_SPARK_SUBMIT; then
  PROPS_FILE="${PROPS_FILE:-$CLUSTER_CONF}"
  # spark-submit reads this file too (--load-spark-defaults): the cluster's own defaults.
  DEFAULTS_FILE="${SPARK_CONF_DIR:-$SPARK_HOME/conf}/spark-defaults.conf"
else
  PROPS_FILE="${PROPS_FILE:-$LOCAL_CONF}"
  MASTER="${MASTER:-local[*]}"
  DEFAULTS_FILE=""
fi

# A Spark setting as spark-submit will see it: the user's --conf, else the properties file, else
# the cluster's spark-defaults.conf (Spark's own order with --load-spark-defaults). Empty if unset.
effective_setting() {
  local key="$1" c value=""
  for c in ${USER_CONFS[@]+"${USER_CONFS[@]}"}; do
    [[ "${c%%=*}" == "$key" ]] && value="${c#*=}"
  done
  [[ -n "$value" ]] || value="$(prop_get "$PROPS_FILE" "$key")"
  [[ -n "$value" || -z "$DEFAULTS_FILE" ]] || value="$(prop_get "$DEFAULTS_FILE" "$key")"
  printf '%s' "$value"
}
EFFECTIVE_MASTER="${MASTER:-$(effective_setting spark.master)}"
EFFECTIVE_MASTER="${EFFECTIVE_MASTER:-local[*]}"
DEPLOY_MODE_SEEN="${DEPLOY_MODE:-$(effective_setting spark.submit.deployMode)}"
case "${DEPLOY_MODE_SEEN:-client}" in
  client) CLUSTER_MODE=false ;;
  cluster) CLUSTER_MODE=true ;;
  *) die "--deploy-mode must be client or cluster, got '$DEPLOY_MODE_SEEN'" ;;
esac

# Files for spark-submit --files: absolute local paths (spark-submit uploads them: YARN's staging
# folder, Kubernetes' spark.kubernetes.file.upload.path) or URIs the cluster reads. Every one lands
# under its base name in the driver's working directory (YARN, Kubernetes cluster mode) and in
# SparkFiles on driver and executors, so two must not share a base name.
SHIP_FILES=()
ship() {
  local f="$1" s
  [[ "$f" != *,* ]] || die "cannot ship a file whose path holds a comma (spark-submit --files is a comma-separated list): $f"
  for s in ${SHIP_FILES[@]+"${SHIP_FILES[@]}"}; do
    [[ "$s" == "$f" ]] && return 0
    [[ "${s##*/}" != "${f##*/}" ]] || die "two files to ship share the name '${f##*/}': $s and $f (spark-submit --files puts them in one folder)"
  done
  SHIP_FILES+=("$f")
}

# The job's -c/--config FILE (spark-submit only): shipped with --files; the job is given the base
# name in cluster mode (the driver runs on a cluster node and finds the file in its working
# directory or through SparkFiles) and the absolute path in client mode. A URI (hdfs://, s3a://,
# ...) is shipped as it is and the job is given its base name in both modes.
CONFIG_ARG=""
ship_config() {
  local given="$1" path
  if [[ "$given" =~ ^[A-Za-z][A-Za-z0-9+.-]*:// && "$given" != file://* ]]; then
    ship "$given"
    CONFIG_ARG="${given##*/}"
    return 0
  fi
  path="${given#file://}"
  path="${path#file:}"
  [[ -f "$path" ]] || die "config file not found: $given (-c/--config; a relative path is taken from the current directory, $PWD)"
  path="$(cd "$(dirname "$path")" && pwd -P)/$(basename "$path")"
  ship "$path"
  if $CLUSTER_MODE; then
    CONFIG_ARG="${path##*/}"
  else
    CONFIG_ARG="$path"
  fi
}

# Rewrites -c FILE, -cFILE, -c=FILE, --config FILE and --config=FILE in the job's arguments (up
# to a literal --, after which picocli reads no options).
rewrite_config_args() {
  local out=() i=0 n=${#JOB_ARGS[@]} a
  while ((i < n)); do
    a="${JOB_ARGS[i]}"
    case "$a" in
      --)
        out+=("${JOB_ARGS[@]:i}")
        break
        ;;
      -c | --config)
        if ((i + 1 < n)); then
          ship_config "${JOB_ARGS[i + 1]}"
          out+=("$a" "$CONFIG_ARG")
          i=$((i + 2))
          continue
        fi
        out+=("$a")
        ;;
      --config=*) ship_config "${a#--config=}"; out+=("--config=$CONFIG_ARG") ;;
      -c=*) ship_config "${a#-c=}"; out+=("-c=$CONFIG_ARG") ;;
      -c?*) ship_config "${a#-c}"; out+=("-c$CONFIG_ARG") ;;
      *) out+=("$a") ;;
    esac
    i=$((i + 1))
  done
  JOB_ARGS=(${out[@]+"${out[@]}"})
}
if $USE_SPARK_SUBMIT; then
  rewrite_config_args
fi

# GPU settings as --conf pairs (spark-submit accepts a single --properties-file). They come
# before the user's --conf so that the user's values win. The executors' discovery script
# (spark.executor.resource.gpu.discoveryScript, run when an executor starts, before it fetches
# any SparkFiles) must be a path on the node that runs the executor:
#   yarn          shipped with --files; YARN puts it in each container's working directory
#                 before the executor starts: ./getGpusResources.sh
#   k8s://        the executor image's copy (Spark's images keep Spark's own example script);
#                 --files would reach the pod only after start-up
#   spark://      left out: a standalone worker discovers its GPUs itself
#                 (spark.worker.resource.gpu.*) and starts each executor with the ones it assigns
#   local-cluster this machine is the cluster: the checkout's script
readonly K8S_IMAGE_DISCOVERY_SCRIPT="/opt/spark/examples/src/main/scripts/getGpusResources.sh"
readonly DISCOVERY_KEY="spark.executor.resource.gpu.discoveryScript"
GPU_CONFS=()
if $GPU; then
  [[ -f "$GPU_CONF" ]] || die "missing $GPU_CONF"
  if [[ "$EFFECTIVE_MASTER" == local || "$EFFECTIVE_MASTER" == local\[* ]]; then
    die "--gpu needs a cluster master (spark://, yarn, k8s://, local-cluster[...]); GPU task resources hang in $EFFECTIVE_MASTER"
  fi
  while IFS=$'\t' read -r key value; do
    if [[ "$key" == "$DISCOVERY_KEY" ]]; then
      script="$ROOT/$value"
      [[ "$value" == /* ]] && script="$value"
      [[ -f "$script" ]] || die "$GPU_CONF: $DISCOVERY_KEY names a missing file: $value"
      case "$EFFECTIVE_MASTER" in
        yarn*) ship "$script"; value="./${script##*/}" ;;
        k8s://*) value="$K8S_IMAGE_DISCOVERY_SCRIPT" ;;
        spark://*) continue ;;
        *) value="$script" ;;
      esac
    fi
    GPU_CONFS+=("$key=$value")
  done < <(read_props "$GPU_CONF")
fi

# Removes the user's --conf for KEY from USER_CONFS; TAKEN_VALUE is its value (the last one given).
TAKEN_VALUE=""
take_user_conf() {
  local key="$1" c kept=()
  TAKEN_VALUE=""
  for c in ${USER_CONFS[@]+"${USER_CONFS[@]}"}; do
    if [[ "${c%%=*}" == "$key" ]]; then
      TAKEN_VALUE="${c#*=}"
    else
      kept+=("$c")
    fi
  done
  USER_CONFS=(${kept[@]+"${kept[@]}"})
}

# Our JVM options followed by those the cluster's spark-defaults.conf, the properties file and
# the user's --conf give for KEY (a --conf replaces the value of both files, so it carries them
# all; a value that already holds ours adds only the rest). Removes the user's --conf for KEY.
MERGED_VALUE=""
merge_java_opts() {
  local key="$1" base extra result
  base="${SPARK_MODULE_OPTS[*]} ${DJL_OPTS[*]}"
  take_user_conf "$key"
  result="$base"
  for extra in "$(prop_get "$DEFAULTS_FILE" "$key")" "$(prop_get "$PROPS_FILE" "$key")" "$TAKEN_VALUE"; do
    extra="${extra/"$base"/}"
    extra="${extra#"${extra%%[![:space:]]*}"}"
    extra="${extra%"${extra##*[![:space:]]}"}"
    if [[ -n "$extra" && "$result" != *"$extra"* ]]; then
      result="$result $extra"
    fi
  done
  MERGED_VALUE="$result"
}

# --files with SHIP_FILES, when there are any. --files replaces any spark.files setting, so it also
# carries the one spark-submit would have used: the user's --conf, else the properties file's,
# else spark-defaults.conf's.
add_files_option() {
  local other list
  ((${#SHIP_FILES[@]} > 0)) || return 0
  take_user_conf spark.files
  other="$TAKEN_VALUE"
  [[ -n "$other" ]] || other="$(prop_get "$PROPS_FILE" spark.files)"
  [[ -n "$other" ]] || other="$(prop_get "$DEFAULTS_FILE" spark.files)"
  list="$(IFS=,; printf '%s' "${SHIP_FILES[*]}")"
  CMD+=(--files "$list${other:+,$other}")
}

# ---- Build the command ----------------------------------------------------------------------
CMD=()
CP_INDEX=-1
CDS_INDEX=-1
if $USE_SPARK_SUBMIT; then
  APP_JAR="$CLUSTER_JAR"
  CMD+=("$SPARK_HOME/bin/spark-submit" --class "$MAIN_CLASS")
  [[ -n "$MASTER" ]] && CMD+=(--master "$MASTER")
  [[ -n "$DEPLOY_MODE" ]] && CMD+=(--deploy-mode "$DEPLOY_MODE")
  [[ -n "$DRIVER_MEMORY" ]] && CMD+=(--driver-memory "$DRIVER_MEMORY")
  # --properties-file alone would make spark-submit skip the cluster's spark-defaults.conf;
  # --load-spark-defaults (Spark 4.0+) reads it too, below the properties file and --conf.
  CMD+=(--properties-file "$PROPS_FILE" --load-spark-defaults)
  add_files_option
  merge_java_opts spark.driver.extraJavaOptions
  DRIVER_OPTS="$MERGED_VALUE"
  merge_java_opts spark.executor.extraJavaOptions
  EXECUTOR_OPTS="$MERGED_VALUE"
  for c in ${GPU_CONFS[@]+"${GPU_CONFS[@]}"} ${USER_CONFS[@]+"${USER_CONFS[@]}"}; do
    CMD+=(--conf "$c")
  done
  CMD+=(--conf "spark.driver.extraJavaOptions=$DRIVER_OPTS")
  CMD+=(--conf "spark.executor.extraJavaOptions=$EXECUTOR_OPTS")
else
  APP_JAR="$JOBS_JAR"
  JAVA="java"
  [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]] && JAVA="$JAVA_HOME/bin/java"
  CMD+=("$JAVA" "${SPARK_MODULE_OPTS[@]}" "${DJL_OPTS[@]}"
    "-Dlog4j2.configurationFile=$LOG4J_CONF"
    "-Xmx${DRIVER_MEMORY:-${SF_DRIVER_MEMORY:-4g}}")
  # A short batch job spent a third of its CPU in C2 compilations of code it ran only briefly;
  # ten times the tier-4 thresholds leaves that code in C1 and still compiles the hot loops.
  case "${SF_JIT:-batch}" in
    batch) CMD+=(-XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000
      -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000) ;;
    default) ;;
    *) die "SF_JIT must be batch or default, got '$SF_JIT'" ;;
  esac
  CDS_INDEX=${#CMD[@]}
  CMD+=(-Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off -cp)
  CP_INDEX=${#CMD[@]}
  CMD+=("$JOBS_JAR:<classpath.txt>")
  CMD+=(org.apache.spark.deploy.SparkSubmit --master "$MASTER")
  [[ -n "$DEPLOY_MODE" ]] && CMD+=(--deploy-mode "$DEPLOY_MODE")
  CMD+=(--class "$MAIN_CLASS" --properties-file "$PROPS_FILE")
  add_files_option
  # Executors outside this JVM (local-cluster[...], spark://) need the DJL options too.
  if [[ "$MASTER" != local && "$MASTER" != local\[* ]]; then
    merge_java_opts spark.executor.extraJavaOptions
    GPU_CONFS+=("spark.executor.extraJavaOptions=$MERGED_VALUE")
  fi
  for c in ${GPU_CONFS[@]+"${GPU_CONFS[@]}"} ${USER_CONFS[@]+"${USER_CONFS[@]}"}; do
    CMD+=(--conf "$c")
  done
fi
CMD+=("$APP_JAR" "$JOB")
CMD+=(${JOB_ARGS[@]+"${JOB_ARGS[@]}"})

# Class-data sharing (embedded runs): use a fresh archive; without one, let this run write it at
# exit (it costs the run ~10-15 s once), except for quickstart, which stays quick on a fresh machine.
cds_fresh() {
  [[ -f "$CDS_ARCHIVE" && -f "$CLASSPATH_FILE" && -f "$JOBS_JAR" ]] || return 1
  local jar
  for jar in "$JOBS_JAR" "$CLASSPATH_FILE" $(tr ':' ' ' <"$CLASSPATH_FILE"); do
    [[ "$jar" == "$ROOT"/* && "$jar" -nt "$CDS_ARCHIVE" ]] && return 1
  done
  return 0
}
CDS_TMP=""
if [[ "$CDS_INDEX" -ge 0 ]]; then
  case "${SF_CDS:-auto}" in
    off | 0 | false) ;;
    auto | on | 1 | true)
      if cds_fresh; then
        CMD[CDS_INDEX]="-XX:SharedArchiveFile=$CDS_ARCHIVE"
      elif [[ -n "$JOB" && "$JOB" != quickstart && "$JOB" != -* ]]; then
        CDS_TMP="$CDS_ARCHIVE.$$.tmp"
        CMD[CDS_INDEX]="-XX:ArchiveClassesAtExit=$CDS_TMP"
      fi
      ;;
    *) die "SF_CDS must be auto or off, got '$SF_CDS'" ;;
  esac
fi

if $DRY_RUN; then
  line="DJL_CACHE_DIR=$(quote "$DJL_CACHE_DIR") DJL_OFFLINE=true"
  for i in "${!CMD[@]}"; do
    if [[ "$i" -eq "$CP_INDEX" ]]; then
      line+=" \"$(dquote_escape "$JOBS_JAR"):\$(cat $(quote "$CLASSPATH_FILE"))\""
    else
      line+=" $(quote "${CMD[$i]}")"
    fi
  done
  printf '%s\n' "$line"
  exit 0
fi

# ---- Build when missing, then run ----------------------------------------------------------
if $USE_SPARK_SUBMIT; then
  [[ -f "$CLUSTER_JAR" ]] || build -Pcluster package
  [[ -f "$CLUSTER_JAR" ]] || die "build did not produce $CLUSTER_JAR"
  exec "${CMD[@]}"
fi
if [[ ! -f "$JOBS_JAR" || ! -f "$CLASSPATH_FILE" ]]; then
  build install
fi
[[ -f "$JOBS_JAR" ]] || die "build did not produce $JOBS_JAR"
[[ -f "$CLASSPATH_FILE" ]] || die "build did not produce $CLASSPATH_FILE"
CMD[CP_INDEX]="$JOBS_JAR:$(<"$CLASSPATH_FILE")"
if [[ -n "$CDS_TMP" ]]; then
  echo "submit.sh: this run also writes the class-data sharing archive for later runs (once per build; SF_CDS=off skips it)" >&2
  rc=0
  # the archive records the jars it was made from; a jar rebuilt while this run was going would
  # make the JVM reject it silently (-Xshare:auto) while its newer mtime looked fresh
  jar_stamp() { stat -c '%Y %s' "$JOBS_JAR" "$CLASSPATH_FILE" 2>/dev/null; }
  stamp_before="$(jar_stamp)"
  "${CMD[@]}" || rc=$?
  if [[ $rc -eq 0 && -s "$CDS_TMP" && "$(jar_stamp)" == "$stamp_before" ]]; then
    mv -f "$CDS_TMP" "$CDS_ARCHIVE"
  else
    rm -f "$CDS_TMP"
  fi
  exit "$rc"
fi
exec "${CMD[@]}"
