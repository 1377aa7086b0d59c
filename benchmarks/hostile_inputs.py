"""How long psirt takes to turn away each hostile input of ``tests/hostile``.

Each case of the test table breaks a fresh copy of the demo workspace the same way, then
``psirt`` runs as a fresh process (start-up included), a few times; the script prints the
median wall time and the exit code of each. Before the fixes, the YAML alias bomb took 44 s
(seven levels) and 32,000 unclosed fences 47 s; every case should now take about as long as
a plain ``psirt validate`` of the demo, printed first for comparison.

    .venv/bin/python benchmarks/hostile_inputs.py [--runs 3]
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(Path(__file__).resolve().parent))

from psirt_command import psirt_executable  # noqa: E402

from psirt.demo.build import build_demo  # noqa: E402
from tests.hostile.test_hostile_inputs import CASES, Case  # noqa: E402


def _run(case: Case | None, template: Path, work: Path, runs: int) -> tuple[float, int]:
    times: list[float] = []
    code = 0
    for _ in range(runs):
        shutil.rmtree(work, ignore_errors=True)
        ws = work / "ws"
        shutil.copytree(template, ws)
        args = ["validate"]
        if case is not None:
            case.setup(ws)
            args = [a.replace("{ws}", str(ws)).replace("{tmp}", str(work)) for a in case.args]
        start = time.perf_counter()
        done = subprocess.run(
            [psirt_executable(), *args], cwd=ws, capture_output=True, check=False, timeout=600
        )
        times.append(time.perf_counter() - start)
        code = done.returncode
    return statistics.median(times), code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "demo"
        build_demo(template)
        work = Path(folder) / "work"
        seconds, code = _run(None, template, work, runs)
        print(f"{'psirt validate (the demo, untouched)':<40} {seconds:6.2f} s  exit {code}")
        for case in CASES:
            seconds, code = _run(case, template, work, runs)
            print(f"{case.id:<40} {seconds:6.2f} s  exit {code}")


if __name__ == "__main__":
    main()
