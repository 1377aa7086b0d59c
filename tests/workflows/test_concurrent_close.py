"""Three ``psirt close --live`` started at once on one workspace, twenty times over: no write is
made twice. The workspace is ``psirt demo``'s, with the local HackerOne and CNA back ends, and
the end state is compared with one run alone: the same notes on every issue, the same comments
and state changes on every report, each CVE published once. Each of the three either does the
work, finds it done, or is refused (exit 4) naming the run that holds the workspace."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from psirt.actions.journal import Journal
from psirt.bounty.local import LocalBounty
from psirt.core.records import IssueRef
from psirt.trackers.local import LocalTracker

ROUNDS = 20
RUNS = 3
CLOSE = [
    "close",
    "--close-issues",
    "--publish-cves",
    "--notify-hackerone",
    "--blog-published",
    "--live",
]
REFUSED_BY_LOCK = "another live run holds the workspace (pid "


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "ws"
    subprocess.run(
        [sys.executable, "-m", "psirt", "demo", str(root)], check=True, capture_output=True
    )
    config = root / "psirt.toml"
    text = config.read_text(encoding="utf-8")
    assert 'kind = "gitlab-cves"' in text
    config.write_text(text.replace('kind = "gitlab-cves"', 'kind = "local"'), encoding="utf-8")
    return root


def _psirt(root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "psirt", "--workspace", str(root), *CLOSE],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )


def _end_state(root: Path) -> dict[str, object]:
    """What the writes leave, without their times: notes per issue (author, body), activities
    per report (type, message, state), and how often each CVE's publication was journaled."""
    tracker = LocalTracker(root)
    notes = {}
    for path in sorted((root / "projects").glob("**/issues/*.md")):
        project = str(path.parent.parent.relative_to(root / "projects"))
        ref = IssueRef(project, int(path.stem))
        notes[str(ref)] = sorted((n.author, n.body) for n in tracker.notes(ref))
    bounty = LocalBounty(root)
    reports = {
        report.id: sorted(
            (a.type, a.message or "", getattr(a, "state", "") or "") for a in report.activities
        )
        for report in bounty.list_reports()
    }
    published = Counter(
        entry["subject"]
        for entry in Journal(root / "journal.jsonl").entries()
        if entry["action"] == "publish" and entry["outcome"] == "applied"
    )
    return {"notes": notes, "reports": reports, "published": dict(published)}


def test_three_live_closes_at_once_write_nothing_twice(demo: Path, tmp_path: Path) -> None:
    alone = tmp_path / "alone"
    shutil.copytree(demo, alone)
    single = _psirt(alone)
    assert "Traceback" not in single.communicate()[0]
    reference = _end_state(alone)
    assert reference["published"] and all(n == 1 for n in reference["published"].values())  # type: ignore[union-attr]
    refused = 0
    for round_ in range(ROUNDS):
        root = tmp_path / f"round{round_}"
        shutil.copytree(demo, root)
        runs = [_psirt(root) for _ in range(RUNS)]
        outputs = [run.communicate()[0] for run in runs]
        for run, output in zip(runs, outputs, strict=True):
            assert "Traceback" not in output
            assert run.returncode == single.returncode or REFUSED_BY_LOCK in output, output
        refused += sum(REFUSED_BY_LOCK in output for output in outputs)
        assert _end_state(root) == reference, f"round {round_}: a write was made twice"
        assert not list(root.glob("**/.*.tmp"))
    print(f"{ROUNDS} rounds of {RUNS} runs: {refused} runs refused by the lock")
