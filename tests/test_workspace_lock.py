"""Live runs on one workspace take turns: a second one is refused naming the first (pid, host,
command, since when); a lock left by a killed process is taken over; the write a killed run had
in flight is journaled as landed when the rerun finds it; and the temporary files of a write
that was killed half way are deleted by the next command."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from psirt.actions.executor import execute
from psirt.actions.journal import Journal
from psirt.actions.plan import ExecutionContext, Plan
from psirt.actions.tracker_actions import UpsertNote
from psirt.core.errors import ExitCode, RefusedError
from psirt.core.files import atomic_write, remove_stale_temporaries
from psirt.core.lock import LOCK_FILE, workspace_lock
from psirt.core.records import Issue, IssueRef
from psirt.core.workspace import Workspace
from psirt.session import open_session
from psirt.trackers.local import LocalTracker

REF = IssueRef("gitlab-org/gitlab", 7)
HOST = socket.gethostname()


def _python(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parent.parent,
    )


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_second_live_run_is_refused_and_told_who_holds_the_workspace(tmp_path: Path) -> None:
    holder = _python(
        """
        import sys, pathlib
        from psirt.core.lock import workspace_lock
        with workspace_lock(pathlib.Path(sys.argv[1]), "psirt close --live"):
            print("held", flush=True)
            __import__("time").sleep(30)
        """,
        str(tmp_path),
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(RefusedError) as info, workspace_lock(tmp_path):
            pass
    finally:
        holder.kill()
        holder.wait()
    message = str(info.value)
    assert info.value.exit_code == ExitCode.REFUSED
    assert f"pid {holder.pid} on {HOST}, psirt close --live, since 20" in message
    with workspace_lock(tmp_path) as lock:  # the kernel dropped the killed holder's lock
        assert lock.previous["pid"] == holder.pid  # and its file said who it was


def test_a_lock_file_of_a_dead_process_is_taken_over(tmp_path: Path) -> None:
    stale = {"pid": _dead_pid(), "host": HOST, "command": "psirt close --live", "since": "x"}
    (tmp_path / LOCK_FILE).write_text(json.dumps(stale))
    with workspace_lock(tmp_path, "psirt validate --comment --live") as lock:
        assert lock.previous == stale
        held = json.loads((tmp_path / LOCK_FILE).read_text())
        assert held["pid"] == os.getpid() and held["command"].startswith("psirt validate")
    assert (tmp_path / LOCK_FILE).read_text() == ""  # a normal end leaves no holder named


KILLED_MID_WRITE = """
import os, signal, sys, pathlib
from psirt.actions.executor import execute
from psirt.actions.journal import Journal
from psirt.actions.plan import ExecutionContext, Plan
from psirt.actions.tracker_actions import UpsertNote
from psirt.core.lock import workspace_lock
from psirt.core.records import IssueRef
from psirt.trackers.local import LocalTracker

class KilledAfterTheWrite(UpsertNote):
    def apply(self, context):
        super().apply(context)
        os.kill(os.getpid(), signal.SIGKILL)  # the note landed; nothing after it runs

root = pathlib.Path(sys.argv[1])
note = KilledAfterTheWrite(IssueRef("gitlab-org/gitlab", 7), "close:1.0.1", "Fixed.", "shipped")
with workspace_lock(root, "psirt close --live") as lock:
    context = ExecutionContext(
        tracker=LocalTracker(root), journal=Journal(root / "journal.jsonl"), lock=lock
    )
    execute(Plan([note]), context, live=True)
"""


def test_a_write_that_landed_before_a_kill_is_journaled_by_the_rerun(tmp_path: Path) -> None:
    LocalTracker(tmp_path).save_issue(Issue(REF, "Canonical", "the bug"))
    killed = _python(KILLED_MID_WRITE, str(tmp_path))
    assert killed.wait() == -signal.SIGKILL
    journal = Journal(tmp_path / "journal.jsonl")
    assert journal.entries() == []  # killed before it could journal the write
    with workspace_lock(tmp_path) as lock:
        tracker = LocalTracker(tmp_path)
        context = ExecutionContext(tracker=tracker, journal=journal, lock=lock)
        note = UpsertNote(REF, "close:1.0.1", "Fixed.", "shipped")
        other = UpsertNote(REF, "close-bounty:1.0.1", "Pay.", "bounty", internal=True)
        execute(Plan([note, other]), context, live=True)
    first, second = journal.entries()
    assert first["outcome"] == "applied" and "landed before the earlier run" in first["detail"]
    assert second["outcome"] == "applied" and second["detail"].startswith("created note")
    assert len(tracker.notes(REF)) == 2  # the landed note was not written twice


def test_temporaries_of_a_killed_write_are_removed_by_the_next_command(tmp_path: Path) -> None:
    target = tmp_path / "projects" / "g" / "issues" / "1.md"
    killed = _python(
        """
        import os, signal, sys, pathlib
        from psirt.core import files
        os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
        files.atomic_write(pathlib.Path(sys.argv[1]), "confidential text")
        """,
        str(target),
    )
    assert killed.wait() == -signal.SIGKILL
    left = list(target.parent.glob(".1.md.*.tmp"))
    assert len(left) == 1 and left[0].read_text() == "confidential text"
    mine = target.parent / f".2.md.psirt-{HOST}-{os.getpid()}-abc.tmp"  # a live writer's
    mine.write_text("in progress")
    assert remove_stale_temporaries(tmp_path) == left
    assert not left[0].exists() and mine.exists()


def test_a_write_removes_the_stale_temporaries_of_its_file(tmp_path: Path) -> None:
    stale = tmp_path / f".blog.md.psirt-{HOST}-{_dead_pid()}-x1.tmp"
    elsewhere = tmp_path / f".blog.md.psirt-otherhost-{_dead_pid()}-x2.tmp"
    stale.write_text("old draft")
    elsewhere.write_text("another host's: its process may be alive")
    atomic_write(tmp_path / "blog.md", "post")
    assert not stale.exists() and elsewhere.exists()
    assert (tmp_path / "blog.md").read_text() == "post"


def test_opening_a_session_sweeps_the_workspace(demo_template: Path, tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(demo_template, root)
    stale = root / "projects" / f".1101.md.psirt-{HOST}-{_dead_pid()}-k.tmp"
    stale.write_text("confidential text of an interrupted write")
    open_session(Workspace(root))
    assert not stale.exists()


def test_a_process_reads_a_folder_once_however_many_files_it_writes_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep of stale temporaries is once per folder, not once per file written (which read
    the whole folder for every record of an export: quadratic)."""
    stale = tmp_path / f".other.json.psirt-{HOST}-{_dead_pid()}-y.tmp"
    stale.write_text("an earlier run's record")
    listed: list[str] = []
    scandir = os.scandir

    def counted(path: Any) -> Any:
        listed.append(str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", counted)
    for index in range(50):
        atomic_write(tmp_path / f"CVE-2026-{index}.json", "{}")
    assert listed.count(str(tmp_path)) == 1
    assert not stale.exists() and len(list(tmp_path.glob("*.json"))) == 50
