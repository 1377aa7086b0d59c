"""How the release pipeline grows with the size of the release: 11, 200 and 1,000 fixes.

Writes a workspace of each size (``scale_workspace.py``: the demo's fixes copied and
renumbered), then times each read-only command as a fresh process, the commands interleaved
within each repetition: validate, update-cves (dry run), blog generate, cve export and the close
dry run. Each command runs in two modes, interleaved:

* ``first``: the workspace has no cache of parsed files (``.psirt-cache``, deleted before the
  run): every file is parsed, and the cache written, as on a fresh clone;
* ``cached``: right after, with the cache the first run wrote: files unchanged since are not
  parsed again, as for every later command of a release.

Prints min/median/max seconds per command, mode and size (wall clock), the median CPU seconds
(user + system of the command's process, less sensitive to a busy machine), the median time per
fix, and the pipeline three ways: every command first, every command cached, and as a release
runs it on a fresh workspace (the first command first, the others cached). Last, the ratio of
the time per fix at the largest size to the one at 200 (linear work keeps it near 1), by wall
clock and by CPU, for each mode.

    .venv/bin/python benchmarks/scale.py [--sizes 11,200,1000] [--reps 5] [--big-reps 2]
"""

from __future__ import annotations

import argparse
import resource
import shutil
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


MODES = ("first", "cached")


def _stats(values: list[float]) -> tuple[float, float, float]:
    return min(values), statistics.median(values), max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="11,200,1000")
    parser.add_argument("--reps", type=int, default=5, help="repetitions below 1,000 fixes")
    parser.add_argument("--big-reps", type=int, default=2, help="repetitions at 1,000+ fixes")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    psirt = psirt_executable()
    per_fix: dict[tuple[str, int], tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="psirt-scale-") as tmp:
        for size in sizes:
            root = write_workspace(Path(tmp) / f"fixes-{size}", size)
            reps = args.big_reps if size >= 1000 else args.reps
            wall = {(mode, name): [] for mode in MODES for name in COMMANDS}
            cpu = {(mode, name): [] for mode in MODES for name in COMMANDS}
            for _ in range(reps):
                for name, command in COMMANDS.items():
                    for mode in MODES:
                        if mode == "first":
                            shutil.rmtree(root / ".psirt-cache", ignore_errors=True)
                        elapsed, used = _time([psirt, *command], root)
                        wall[(mode, name)].append(elapsed)
                        cpu[(mode, name)].append(used)
            print(
                f"\n{size} fixes ({reps} repetitions; wall seconds min / median / max, "
                "median CPU seconds)"
            )
            medians: dict[tuple[str, str], tuple[float, float]] = {}
            for mode in MODES:
                for name in COMMANDS:
                    low, median, high = _stats(wall[(mode, name)])
                    cpu_median = statistics.median(cpu[(mode, name)])
                    medians[(mode, name)] = (median, cpu_median)
                    print(
                        f"  {name:16s} {mode:7s} {low:7.2f} {median:7.2f} {high:7.2f}"
                        f"   cpu {cpu_median:7.2f}   {median / size * 1000:7.2f} ms per fix"
                    )
            first_name = next(iter(COMMANDS))
            pipelines = {
                "every command first": {name: "first" for name in COMMANDS},
                "every command cached": {name: "cached" for name in COMMANDS},
                "in order, fresh workspace": {
                    name: "first" if name == first_name else "cached" for name in COMMANDS
                },
            }
            for label, modes in pipelines.items():
                total = sum(medians[(modes[name], name)][0] for name in COMMANDS)
                cpu_total = sum(medians[(modes[name], name)][1] for name in COMMANDS)
                print(
                    f"  pipeline, {label:26s} {total:7.2f} s (sum of medians), "
                    f"cpu {cpu_total:7.2f} s; per fix {total / size * 1000:6.2f} ms"
                )
            for mode in MODES:
                total = sum(medians[(mode, name)][0] for name in COMMANDS)
                cpu_total = sum(medians[(mode, name)][1] for name in COMMANDS)
                per_fix[(mode, size)] = (total / size, cpu_total / size)
    for mode in MODES:
        if (mode, 200) not in per_fix:
            continue
        base_wall, base_cpu = per_fix[(mode, 200)]
        for (of_mode, size), (value, cpu_value) in per_fix.items():
            if of_mode == mode and size > 200:
                print(
                    f"\n{mode}: time per fix at {size} / at 200: {value / base_wall:.2f}x wall, "
                    f"{cpu_value / base_cpu:.2f}x cpu"
                )


if __name__ == "__main__":
    main()
