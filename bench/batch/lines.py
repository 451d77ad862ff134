"""Prints a batch file's job command lines, one per line, shell-quoted (bench/batch/bench.sh runs each with
./submit.sh to compare one JVM per job against one batch). Needs PyYAML (Debian python3-yaml)."""
import shlex
import sys

import yaml

with open(sys.argv[1]) as f:
    for line in yaml.safe_load(f)["jobs"]:
        print(shlex.join(str(a) for a in line))
