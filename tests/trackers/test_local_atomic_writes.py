"""Workspace files are written atomically: a crash leaves the old file and no temporary one,
and a write keeps the file's mode."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from psirt.core.records import IssueRef, IssueUpdate
from tests.trackers.workspace_files import HAND_WRITTEN, SEC, issue_file, tracker, write


def test_crash_during_replace_leaves_original_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(issue_file(tmp_path, SEC, 12), HAND_WRITTEN)
    t = tracker(tmp_path)
    t.get_issue(IssueRef(SEC, 12))

    def crash(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="No space left"):
        t.update_issue(IssueRef(SEC, 12), IssueUpdate(add_labels=("x",)))
    with pytest.raises(OSError):
        t.create_note(IssueRef(SEC, 12), "hello")
    with pytest.raises(OSError):
        t.create_issue(SEC, title="new", description="")
    monkeypatch.undo()

    assert path.read_text() == HAND_WRITTEN
    assert sorted(p.name for p in path.parent.iterdir()) == ["12.md"]
    assert tracker(tmp_path).get_issue(IssueRef(SEC, 12)).labels == ("security", "severity::2")


def test_write_keeps_file_mode(tmp_path: Path) -> None:
    path = write(issue_file(tmp_path, SEC, 12), HAND_WRITTEN)
    path.chmod(0o640)
    tracker(tmp_path).update_issue(IssueRef(SEC, 12), IssueUpdate(title="New"))
    assert path.stat().st_mode & 0o777 == 0o640
