"""The demo's first step: the release at a glance, fixes counted by the severity that decides who
is told, named as its label."""

from __future__ import annotations

from pathlib import Path

from psirt.core.workspace import Workspace
from psirt.session import open_session
from psirt.workflows.demo import summary_step


def test_summary_counts_fixes_by_severity_label(demo_template: Path) -> None:
    session = open_session(Workspace(demo_template))
    labels = session.config.labels
    result = summary_step(session)
    fixes = next(line for line in result.lines if "security fixes (" in line)
    counts = fixes.split("(", 1)[1].split(")", 1)[0]
    parts = dict(part.split(": ") for part in counts.split(", "))
    assert set(parts) <= {labels.severity(level) for level in (1, 2, 3, 4)} | {"unrated"}
    assert sum(int(n) for n in parts.values()) == int(fixes.split()[0]) > 0
