#!/usr/bin/env python3
"""Side-by-side benchmark of the SMOTE family: Sampleforge's `smote` job vs imbalanced-learn.

Usage (from anywhere):
  ${PYTHON:-python3} bench/family/bench.py --sizes 100000 [--methods smote,adasyn,...]
        [--dims 20] [--imblearn-timeout 1800] [--driver-memory 8g] [--skip-imblearn]

For each N it generates (or reuses) bench-out/family/nN/{parquet,csv} with `synth-table`
(d features: half informative, a quarter redundant, the rest noise; weights 0.95/0.05; seed 1),
then for each method runs the Sampleforge job once (wall time of the whole `submit.sh`, JVM start
included, and the job's own phase seconds from its manifest) and imblearn once (fit_resample only,
CSV load excluded; killed after --imblearn-timeout seconds). Prints a Markdown table and writes it
to bench-out/family/results-<stamp>.md. Methods: smote, borderline-1, borderline-2, adasyn, random,
smote+enn, smote+tomek.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "bench-out", "family")
ALL = ["smote", "borderline-1", "borderline-2", "adasyn", "random", "smote+enn", "smote+tomek"]


def run(cmd, log, timeout=None):
    t0 = time.perf_counter()
    with open(log, "w") as f:
        try:
            rc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            return None, time.perf_counter() - t0
    return rc, time.perf_counter() - t0


def generate(n, dims, fmt, path, opts, logs):
    manifest = os.path.join(path, "_manifest.json")
    if os.path.exists(manifest) and json.load(open(manifest)).get("rows") == n:
        return
    inf, red = dims // 2, dims // 4
    cmd = [os.path.join(ROOT, "submit.sh"), "synth-table", *opts, "--output", path, "--rows", str(n), "--mode",
           "overwrite", "--set", f"informative={inf}", "--set", f"redundant={red}", "--set",
           f"noise={dims - inf - red}", "--set", "weights=[0.95,0.05]", "--set", "seed=1"]
    if fmt == "csv":
        cmd += ["--set", "format=csv"]
    rc, _ = run(cmd, os.path.join(logs, f"n{n}-generate-{fmt}.log"))
    if rc != 0:
        sys.exit(f"bench.py: generating {path} failed, see {logs}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", required=True, help="comma-separated row counts")
    ap.add_argument("--methods", default=",".join(ALL))
    ap.add_argument("--dims", type=int, default=20)
    ap.add_argument("--imblearn-timeout", type=float, default=1800)
    ap.add_argument("--driver-memory", default="8g")
    ap.add_argument("--skip-imblearn", action="store_true",
                    help="run Sampleforge only (for sizes where imbalanced-learn is known not to finish)")
    a = ap.parse_args()
    methods = a.methods.split(",")
    for m in methods:
        if m not in ALL:
            ap.error(f"unknown method {m}; choose from {ALL}")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    logs = os.path.join(OUT, "logs", stamp)
    os.makedirs(logs, exist_ok=True)
    opts = ["--driver-memory", a.driver_memory]
    features = "[" + ",".join(f"f{i}" for i in range(a.dims)) + "]"
    rows = []
    # warm-up, so that no timed run pays for writing submit.sh's class-data sharing archive
    subprocess.run([os.path.join(ROOT, "submit.sh"), "synth-table", "--output", os.path.join(OUT, "warmup"), "--rows", "1000",
                    "--mode", "overwrite"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for n in [int(x) for x in a.sizes.split(",")]:
        d = os.path.join(OUT, f"n{n}")
        generate(n, a.dims, "parquet", os.path.join(d, "parquet"), opts, logs)
        generate(n, a.dims, "csv", os.path.join(d, "csv"), opts, logs)
        for m in methods:
            method, _, clean = m.partition("+")
            out = os.path.join(d, "out-" + m.replace("+", "-"))
            cmd = [os.path.join(ROOT, "submit.sh"), "smote", *opts, "--input", os.path.join(d, "parquet"), "--output", out,
                   "--mode", "overwrite", "--set", f"features={features}", "--set", "id_column=id",
                   "--set", f"method={method}", "--set", f"clean={clean or 'none'}"]
            print(f"bench.py: n={n} {m}: sampleforge", file=sys.stderr, flush=True)
            rc, sf_wall = run(cmd, os.path.join(logs, f"n{n}-{m}-sampleforge.log"))
            sf = {"wall": sf_wall, "ok": rc == 0}
            if rc == 0:
                man = json.load(open(os.path.join(out, "_manifest.json")))
                sf["job"] = sum(man["seconds"].values())
                sf["rows_out"] = sum(c["after"] for c in man["counts"])
                sf["exact"] = all(c["after"] == c["target"] - c["removed_by_cleaning"] for c in man["counts"])
            log = os.path.join(logs, f"n{n}-{m}-imblearn.log")
            t0 = time.perf_counter()
            if a.skip_imblearn:
                rows.append((n, m, sf, {"skipped": True}))
                continue
            print(f"bench.py: n={n} {m}: imblearn", file=sys.stderr, flush=True)
            try:
                p = subprocess.run([sys.executable, os.path.join(HERE, "imblearn_family.py"), os.path.join(d, "csv"), m,
                                    "--dims", str(a.dims)], capture_output=True, text=True, timeout=a.imblearn_timeout)
                open(log, "w").write(p.stderr + p.stdout)
                imb = json.loads(p.stdout) if p.returncode == 0 else {"error": p.returncode}
            except subprocess.TimeoutExpired:
                imb = {"timeout": time.perf_counter() - t0}
            rows.append((n, m, sf, imb))
            print(json.dumps({"n": n, "method": m, "sampleforge": sf, "imblearn": imb}), file=sys.stderr, flush=True)
    lines = [f"SMOTE-family benchmark {stamp} | nproc {os.cpu_count()} | d={a.dims}, 5% minority, k=5, m_neighbors=10, "
             f"sampling_strategy auto | command: {' '.join(sys.argv)}", "",
             "| N | method | sampleforge wall s (JVM start incl.) | sampleforge job s | output rows | imblearn fit_resample s | imblearn output rows | speed-up (imblearn / sampleforge wall) |",
             "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for n, m, sf, imb in rows:
        sfw = f"{sf['wall']:.1f}" if sf["ok"] else "failed"
        job = f"{sf['job']:.1f}" if sf["ok"] else "-"
        out = f"{sf['rows_out']:,}" if sf["ok"] else "-"
        if "seconds" in imb:
            it, io_ = f"{imb['seconds']:.1f}", f"{imb['rows_out']:,}"
            ratio = f"{imb['seconds'] / sf['wall']:.2f}x" if sf["ok"] else "-"
        elif "timeout" in imb:
            it, io_ = f"> {a.imblearn_timeout:.0f} (killed)", "-"
            ratio = f"> {a.imblearn_timeout / sf['wall']:.1f}x" if sf["ok"] else "-"
        elif "skipped" in imb:
            it, io_, ratio = "not run (--skip-imblearn)", "-", "-"
        else:
            it, io_, ratio = "failed", "-", "-"
        lines.append(f"| {n:,} | {m} | {sfw} | {job} | {out} | {it} | {io_} | {ratio} |")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(OUT, f"results-{stamp}.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
