"""How long `formgen form --out x.pdf` takes with a warm cache: the template loaded, not built.

    python benchmarks/bench_form_start.py [--runs 20] [--tree DIR ...]

Each --tree is a folder holding a `formgen` package (default: this checkout); give two, e.g.
an export of an older commit (`git archive OLD formgen | tar -x -C /tmp/old`), to compare
them: their runs alternate, so a busy machine slows both alike. Two cases: the package's own
definition (the shipped template) and a copy of it as FORMGEN_CONFIG_DIR (the template from
the user's cache, written by a first run). Also the load alone in process (get_template and
field_font with their in-memory caches cleared), median of 50. The CPU time of the command
is less disturbed by other work on the machine than its wall-clock time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMGEN = [sys.executable, "-m", "formgen"]
IN_PROCESS = r"""
import os, statistics, time
from pathlib import Path
os.environ["FORMGEN_CACHE"] = "1"
from formgen.form import fonts, template
config = Path(os.environ["FORMGEN_CONFIG_DIR"]) if "FORMGEN_CONFIG_DIR" in os.environ else None
template.get_template(config)
times = []
for _ in range(50):
    template._cached.cache_clear()
    fonts.field_font.cache_clear()
    start = time.perf_counter()
    template.get_template(config)
    fonts.field_font()
    times.append(time.perf_counter() - start)
print(f"{statistics.median(times) * 1000:.1f}")
"""


def _children_cpu() -> float:
    """CPU seconds (user and system) of the finished child processes: less disturbed than
    the wall clock by other work on the machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--tree", type=Path, action="append")
    args = parser.parse_args()
    trees = [t.resolve() for t in args.tree or [ROOT]]
    work = Path(tempfile.mkdtemp())
    try:
        config = work / "eigen"
        shutil.copytree(ROOT / "formgen" / "data" / "config", config)
        for case in ("shipped", "user cache"):
            envs = []
            for i, tree in enumerate(trees):
                env = {k: v for k, v in os.environ.items() if not k.startswith("FORMGEN")}
                env.update(PYTHONPATH=str(tree), FORMGEN_CACHE_DIR=str(work / f"cache-{i}"))
                if case == "user cache":
                    env["FORMGEN_CONFIG_DIR"] = str(config)
                for _ in range(2):  # warm: the first run writes the user's cache
                    subprocess.run([*FORMGEN, "form", "--out", str(work / "x.pdf")], env=env,
                                   check=True, capture_output=True)
                envs.append(env)
            times: list[list[float]] = [[] for _ in trees]
            cpu: list[list[float]] = [[] for _ in trees]
            for _ in range(args.runs):
                for i, env in enumerate(envs):
                    before = _children_cpu()
                    start = time.perf_counter()
                    subprocess.run([*FORMGEN, "form", "--out", str(work / "x.pdf")], env=env,
                                   check=True, capture_output=True)
                    times[i].append(time.perf_counter() - start)
                    cpu[i].append(_children_cpu() - before)
            for tree, env, spent, used in zip(trees, envs, times, cpu, strict=True):
                load = subprocess.run([sys.executable, "-c", IN_PROCESS], env=env, check=True,
                                      capture_output=True, text=True).stdout.strip()
                median = statistics.median(spent) * 1000
                print(f"{case:10}  {tree}: formgen form median {median:.0f} ms (min "
                      f"{min(spent) * 1000:.0f}), CPU {statistics.median(used) * 1000:.0f} ms "
                      f"({args.runs} runs); load alone {load} ms")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
