"""How fast ``psirt --help`` starts, against ``cve --help`` (cvelib's command line).

Both run as fresh processes, interleaved, several times; the script prints the median of each
and the ratio. ``psirt --help`` must stay light: commands import their heavy modules when they run.

    .venv/bin/python benchmarks/cli_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _command(name: str) -> list[str]:
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install the project first (pip install -e .)")
    return [found, "--help"]


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    contenders = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "psirt --help": _command("psirt"),
        "cve --help": _command("cve"),
    }
    for command in contenders.values():  # warm the file cache and bytecode
        _time(command)
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(runs):
        for name, command in contenders.items():
            samples[name].append(_time(command))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    for name, value in medians.items():
        print(f"{name:16s} {value * 1000:7.1f} ms (median of {runs})")
    psirt, cve = medians["psirt --help"], medians["cve --help"]
    print(f"ratio cve/psirt  {cve / psirt:7.2f}x")


if __name__ == "__main__":
    main()
