"""How the release pipeline grows with the size of the release: 11, 200 and 1,000 fixes.

Writes a workspace of each size (``scale_workspace.py``: the demo's fixes copied and
renumbered), then times each read-only command as a fresh process, the commands interleaved
within each repetition: validate, update-cves (dry run), blog generate, cve export and the close
dry run. Prints min/median/max seconds per command and size (wall clock), the median CPU
seconds (user + system of the command's process, less sensitive to a busy machine), the median
time per fix, and the ratio of the time per fix at the largest size to the one at 200 (linear
work keeps it near 1), by wall clock and by CPU.

    .venv/bin/python benchmarks/scale.py [--sizes 11,200,1000] [--reps 5] [--big-reps 2]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from psirt_command import psirt_executable
from scale_workspace import write_workspace

COMMANDS: dict[str, list[str]] = {
    "validate": ["validate"],
    "update-cves": ["update-cves"],
    "blog generate": ["blog", "generate"],
    "cve export": ["cve", "export"],
    "close (dry run)": ["close", "--blog-published"],
}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds for one run. Findings make validate and export exit 1 and a refused
    close exits 4: those are answers, not failures; 2 and 3 (bad input, a crash) are."""
    start, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1, 4):
        raise SystemExit(f"{' '.join(command)} in {cwd}: exit {done.returncode}\n{done.stderr!r}")
    return elapsed, _cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="11,200,1000")
    parser.add_argument("--reps", type=int, default=5, help="repetitions below 1,000 fixes")
    parser.add_argument("--big-reps", type=int, default=2, help="repetitions at 1,000+ fixes")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    psirt = psirt_executable()
    per_fix: dict[int, float] = {}
    cpu_per_fix: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="psirt-scale-") as tmp:
        for size in sizes:
            root = write_workspace(Path(tmp) / f"fixes-{size}", size)
            reps = args.big_reps if size >= 1000 else args.reps
            samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
            cpu: dict[str, list[float]] = {name: [] for name in COMMANDS}
            for _ in range(reps):
                for name, command in COMMANDS.items():
                    wall, used = _time([psirt, *command], root)
                    samples[name].append(wall)
                    cpu[name].append(used)
            print(
                f"\n{size} fixes ({reps} repetitions; wall seconds min / median / max, "
                "median CPU seconds)"
            )
            total = cpu_total = 0.0
            for name, values in samples.items():
                median, cpu_median = statistics.median(values), statistics.median(cpu[name])
                total += median
                cpu_total += cpu_median
                print(
                    f"  {name:16s} {min(values):7.2f} {median:7.2f} {max(values):7.2f}"
                    f"   cpu {cpu_median:7.2f}   {median / size * 1000:7.2f} ms per fix"
                )
            per_fix[size], cpu_per_fix[size] = total / size, cpu_total / size
            print(f"  {'pipeline':16s} {total:7.2f} s (sum of medians), cpu {cpu_total:7.2f} s")
            print(
                f"  {'per fix':16s} {per_fix[size] * 1000:7.2f} ms, "
                f"cpu {cpu_per_fix[size] * 1000:7.2f} ms"
            )
    if 200 in per_fix:
        for size, value in per_fix.items():
            if size > 200:
                print(
                    f"\ntime per fix at {size} / at 200: {value / per_fix[200]:.2f}x wall, "
                    f"{cpu_per_fix[size] / cpu_per_fix[200]:.2f}x cpu"
                )


if __name__ == "__main__":
    main()
