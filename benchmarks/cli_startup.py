"""How fast psirt's light commands start, against ``cve --help`` (cvelib's command line).

``psirt --help`` and the commands that do little work (``cwe``, ``cvss``, ``schedule``,
``rules``) run as fresh processes, interleaved with ``cve --help`` and a bare interpreter,
several times, outside any workspace; the script prints min/median/max of each and the ratio of
each median to ``cve --help``'s. Commands import their heavy modules only when they need them.

    .venv/bin/python benchmarks/cli_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _command(name: str, *args: str) -> list[str]:
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install the project first (pip install -e .)")
    return [found, *(args or ("--help",))]


def _time(command: list[str], cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, check=True, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    contenders = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "cve --help": _command("cve"),
        "psirt --help": _command("psirt"),
        "psirt cwe CWE-79": _command("psirt", "cwe", "CWE-79"),
        "psirt cvss VECTOR": _command("psirt", "cvss", "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        "psirt schedule": _command("psirt", "schedule"),
        "psirt rules": _command("psirt", "rules"),
    }
    with tempfile.TemporaryDirectory(prefix="psirt-startup-") as cwd:  # no workspace here
        for command in contenders.values():  # warm the file cache and bytecode
            _time(command, cwd)
        samples: dict[str, list[float]] = {name: [] for name in contenders}
        for _ in range(runs):
            for name, command in contenders.items():
                samples[name].append(_time(command, cwd))
    cve = statistics.median(samples["cve --help"])
    print(f"{'':18s} {'min':>7s} {'median':>7s} {'max':>7s}  (ms, {runs} runs)  median/cve's")
    for name, values in samples.items():
        median = statistics.median(values)
        print(
            f"{name:18s} {min(values) * 1000:7.1f} {median * 1000:7.1f} "
            f"{max(values) * 1000:7.1f}  {median / cve:6.2f}"
        )


if __name__ == "__main__":
    main()
