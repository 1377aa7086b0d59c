"""What pointing findings at their lines costs: the demo release's rules, and then ``locate``
(file and line of every finding) with ``acknowledge`` over the findings they found.

Run: ``.venv/bin/python benchmarks/locate_findings.py [--runs 30]``. The demo workspace is
written to a temporary folder and loaded once; each figure is the median wall time of one pass
over that snapshot, interleaved so a busy machine slows both alike.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from psirt.core.workspace import Workspace
from psirt.demo.build import build_demo
from psirt.model.acknowledged import acknowledge
from psirt.model.locations import locate
from psirt.rules.registry import load_all
from psirt.session import open_session
from psirt.workflows.validate import run_rules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "demo"
        build_demo(root)
        snapshot = open_session(Workspace(root)).snapshot()
        registry = load_all()
        rules_only: list[float] = []
        located: list[float] = []
        findings = 0
        for _ in range(args.runs):
            start = time.perf_counter()
            found = run_rules(snapshot, registry)
            rules_only.append(time.perf_counter() - start)
            start = time.perf_counter()
            done = acknowledge(locate(found, snapshot), snapshot)
            located.append(time.perf_counter() - start)
            findings = len(done)
    rules_ms = statistics.median(rules_only) * 1000
    located_ms = statistics.median(located) * 1000
    print(f"demo release: {len(snapshot.issues)} fixes, {findings} findings, {args.runs} runs")
    print(f"every rule:                 {rules_ms:8.2f} ms (median)")
    print(f"locate + acknowledge:       {located_ms:8.2f} ms (median)")
    print(f"per finding:                {located_ms / max(findings, 1) * 1000:8.1f} us")


if __name__ == "__main__":
    main()
