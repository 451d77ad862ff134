#!/usr/bin/env bash
# Executes the notebooks for real: Jupyter (Debian's jupyter-client + python3-nbclient) starts the
# Sampleforge Java kernel, runs every cell headless, and the outputs (text, PNG charts) are stored in
# the .ipynb files in place. The committed notebooks carry the outputs of this script.
#
#   notebooks/run.sh                 execute every notebooks/*.ipynb
#   notebooks/run.sh smote.ipynb     execute the ones named
#   notebooks/run.sh --install       install the kernelspec for your own Jupyter/JupyterLab (user kernels)
#
# Needs JDK 17 and, for executing: apt-get install jupyter-client python3-nbclient python3-nbformat
# (PYTHON: the Python that has them, default /usr/bin/python3).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(dirname "$HERE")"
PYTHON="${PYTHON:-/usr/bin/python3}"
KERNEL_NAME="sampleforge-java"

# the project and the kernel's classpath (notebooks/target/classpath.txt, written at package)
(cd "$ROOT" && ./mvnw -B -q -pl notebooks -am package -DskipTests)
CLASSPATH="$HERE/target/classes:$(cat "$HERE/target/classpath.txt")"
mapfile -t MODULE_OPTS < <(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$ROOT/conf/jvm/spark-java17.options")

write_kernelspec() {   # DIR: writes DIR/kernels/sampleforge-java/kernel.json
  local dir="$1/kernels/$KERNEL_NAME"
  mkdir -p "$dir"
  "$PYTHON" - "$dir/kernel.json" "$CLASSPATH" "$ROOT/conf/log4j2.properties" "${MODULE_OPTS[@]}" <<'PY'
import json, sys
out, classpath, log4j, module_opts = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
argv = ["java", "-Xmx4g", *module_opts, "-Djava.awt.headless=true", "-Dai.djl.offline=true",
        "-DdisableProgressBar=true", "-Dlog4j2.configurationFile=" + log4j, "-cp", classpath, "io.sampleforge.notebook.KernelMain", "{connection_file}"]
json.dump({"argv": argv, "display_name": "Java (Sampleforge)", "language": "java",
           "env": {"DJL_OFFLINE": "true"}}, open(out, "w"), indent=1)
PY
}

if [[ "${1:-}" == "--install" ]]; then
  target="${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}"
  write_kernelspec "$target"
  echo "installed kernel '$KERNEL_NAME' (Java (Sampleforge)) in $target/kernels/$KERNEL_NAME"
  exit 0
fi

KERNELS="$(mktemp -d)"
trap 'rm -rf "$KERNELS"' EXIT
write_kernelspec "$KERNELS"

if [[ $# -eq 0 ]]; then
  set -- "$HERE"/*.ipynb
fi
cd "$HERE"
JUPYTER_PATH="$KERNELS" "$PYTHON" - "$@" <<'PY'
import os, sys, time
import nbformat
from nbclient import NotebookClient

for path in sys.argv[1:]:
    started = time.time()
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=1800, kernel_name="sampleforge-java", allow_errors=False,
                   resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}}).execute()
    for cell in notebook.cells:   # the kernel sends each print as it happens: one output per stream run
        merged = []
        for out in cell.get("outputs", []):
            if merged and out.output_type == "stream" and merged[-1].output_type == "stream" and merged[-1].name == out.name:
                merged[-1].text += out.text
            else:
                merged.append(out)
        if "outputs" in cell:
            cell.outputs = merged
    nbformat.write(notebook, path)
    print(f"{os.path.basename(path)}: executed in {time.time() - started:.0f} s", flush=True)
PY
