"""``psirt demo``: it writes a workspace, and refuses a folder that is not empty, in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.errors import ExitCode


def test_demo_writes_a_workspace_and_refuses_a_second_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "demo"
    assert run_app(app, ["demo", str(target)]) == 0
    out = capsys.readouterr().out
    assert "versions 18.10.1, 18.9.3, 18.8.7" in out
    assert "11 security fixes" in out
    before = {p: p.stat().st_mtime_ns for p in target.rglob("*")}
    assert run_app(app, ["demo", str(target)]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert err.startswith("psirt: error:") and "not empty" in err
    assert {p: p.stat().st_mtime_ns for p in target.rglob("*")} == before


def test_cli_reports_bad_input_without_traceback(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    result = subprocess.run(
        [sys.executable, "-m", "psirt", "demo", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == ExitCode.USAGE
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (target / "keep.txt").read_text() == "mine"


def test_demo_shows_the_unannounced_fix_and_the_developers_own_approval_caught(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_app(app, ["demo", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    assert (
        "[unannounced] gitlab-org/security/gitlab#1112 ships unannounced: merged security MR "
        "!11120 into 18-10-stable-ee (18.10.1)"
    ) in out
    assert (
        "approval: gitlab-org/security/gitlab#1108: council: 0 approvals of 1 needed for a "
        "medium vote (4.6); not counted: fatima-dev (assignee, MR author, not on the council)"
    ) in out
    readme = (tmp_path / "demo" / "README.md").read_text(encoding="utf-8")
    assert "gitlab-org/security/gitlab#1112" in readme and "fix's own developer" in readme
