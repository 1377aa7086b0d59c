"""What the safety checks cost a command, on the demo workspace.

Run: ``.venv/bin/python benchmarks/safety_costs.py [--runs 50]``. Prints the median time of

- the sweep for temporaries of interrupted writes that every command starts with
  (``core.files.remove_stale_temporaries`` over the whole workspace);
- taking and releasing the workspace lock of a live run (``core.lock.workspace_lock``);
- the confidentiality check (``compute.confidential``) over the release's generated blog post,
  building the list of what is confidential from the snapshot included;

next to loading the release snapshot, which every command pays anyway.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from psirt.compute.confidential import Confidential
from psirt.core.files import remove_stale_temporaries
from psirt.core.lock import workspace_lock
from psirt.core.workspace import Workspace
from psirt.render.blog import render_post
from psirt.session import open_session
from psirt.workflows.blog import expected_post
from psirt.workflows.demo import run_demo


def median_ms(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def lock_once(root: Path) -> None:
    with workspace_lock(root, "benchmark"):
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "ws"
        run_demo(root)
        workspace = Workspace(root)
        session = open_session(workspace)
        snapshot = session.snapshot()
        text = render_post(expected_post(session, snapshot), session.config)
        files = sum(1 for p in root.rglob("*") if p.is_file())

        def confidential() -> object:
            return Confidential.of(session.config, snapshot).leaks(text)

        figures = [
            ("load the snapshot (for scale)", median_ms(session.snapshot, runs)),
            (
                f"sweep for stale temporaries ({files} files)",
                median_ms(lambda: remove_stale_temporaries(root), runs),
            ),
            ("take and release the live-run lock", median_ms(lambda: lock_once(root), runs)),
            (
                f"confidentiality check of the post ({len(text)} chars)",
                median_ms(confidential, runs),
            ),
        ]
    for name, ms in figures:
        print(f"{name:<55} {ms:8.3f} ms (median of {runs})")


if __name__ == "__main__":
    main()
