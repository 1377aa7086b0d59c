"""From an empty folder: ``psirt init DIR`` then ``psirt validate -w DIR``; the versions and
date come from the release calendar."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.errors import ExitCode
from psirt.core.versions import Version
from psirt.core.workspace import Workspace
from psirt.knowledge.schedule import next_planned_patch, patch_release_versions
from psirt.session import open_session
from psirt.workflows.init import InitOptions, init_workspace


def test_init_then_validate_reads_the_empty_release(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_app(app, ["init", "release"]) == ExitCode.OK
    out = capsys.readouterr().out
    due = next_planned_patch(dt.date.today())
    versions = ", ".join(str(v) for v in patch_release_versions(due))
    assert f"release: {versions}, due {due} (from the release calendar)" in out
    assert "next: " in out and "doctor -w release" in out

    assert run_app(app, ["validate", "-w", "release", "--format", "json"]) == ExitCode.OK
    captured = capsys.readouterr()
    assert captured.err == ""
    answer = json.loads(captured.out)
    codes = [finding["code"] for finding in answer["findings"]]
    assert codes == ["REL007"]  # the one thing to do: link the security issues
    assert answer["summary"]["exit_status"] == ExitCode.OK

    snapshot = open_session(Workspace(tmp_path / "release")).snapshot()
    assert [str(v) for v in snapshot.release.versions] == versions.split(", ")
    assert snapshot.release.due_date == due and snapshot.issues == ()


def test_init_takes_the_versions_and_date_and_writes_the_folders(tmp_path: Path) -> None:
    done = init_workspace(
        tmp_path / "ws",
        InitOptions(
            versions=(Version(18, 9, 3), Version(18, 10, 1), Version(18, 8, 7)),
            due=dt.date(2026, 3, 25),
            projects={"security": "acme/security/app"},
        ),
    )
    root = tmp_path / "ws"
    assert [str(v) for v in done.versions] == ["18.10.1", "18.9.3", "18.8.7"]
    assert (root / "projects/acme/security/app/issues").is_dir()
    assert (root / "projects/gitlab-org/cves/issues").is_dir()
    assert (root / "hackerone/reports").is_dir()
    tracking = (root / "projects/gitlab-org/gitlab/issues/1.md").read_text(encoding="utf-8")
    assert "title: 'Security patch release: 18.10.1, 18.9.3, 18.8.7'" in tracking
    assert "due_date: 2026-03-25" in tracking
    assert Workspace(root).config.projects.security == "acme/security/app"
    assert "# The security project" in (root / "psirt.toml").read_text(encoding="utf-8")


def test_the_calendar_gives_the_release_versions() -> None:
    """18.10 shipped on 2026-03-19; the 25 March patch release is its first, 18.9's third."""
    assert [str(v) for v in patch_release_versions(dt.date(2026, 3, 25))] == [
        "18.10.1",
        "18.9.3",
        "18.8.5",
    ]
    assert [str(v) for v in patch_release_versions(dt.date(2026, 3, 11))][:2] == [
        "18.9.2",
        "18.8.4",
    ]


def test_init_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mine.txt").write_text("keep", encoding="utf-8")
    assert run_app(app, ["init", str(tmp_path)]) == ExitCode.USAGE
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "not empty" in err[0] and str(tmp_path) in err[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--versions", "18.10"], "18.10 is a minor"),
        (["--versions", "eighteen"], "not a version"),
        (["--date", "25/03/2026"], "--date '25/03/2026'"),
        (["--security-project", "../up"], "not a project path"),
        (["--gitlab", "https://me:s3cret@gitlab.example.com"], "carries credentials"),
        (["--gitlab", "ftp://gitlab.example.com"], "expected the instance's URL"),
    ],
)
def test_bad_options_are_one_line(
    args: list[str], says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_app(app, ["init", str(tmp_path / "ws"), *args]) == ExitCode.USAGE
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and says in err[0] and "s3cret" not in err[0]
    assert not (tmp_path / "ws").exists()


def test_a_bare_host_is_an_https_url(tmp_path: Path) -> None:
    init_workspace(tmp_path / "ws", InitOptions(gitlab_url="gitlab.example.com/"))
    assert Workspace(tmp_path / "ws").config.tracker.url == "https://gitlab.example.com"


def test_the_task_issue_follows_the_tracking_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "ws"
    args = ["init", str(root), "--tracking-project", "acme/releases", "--cve-project", "acme/cves"]
    assert run_app(app, args) == ExitCode.OK
    projects = Workspace(root).config.projects
    assert projects.tracking == projects.tasks == "acme/releases"
    assert projects.cve_requests == "acme/cves"
    issues = root / "projects" / "acme" / "releases" / "issues"
    assert sorted(p.name for p in issues.iterdir()) == ["1.md", "2.md"]
    capsys.readouterr()
    assert run_app(app, ["doctor", "-w", str(root)]) == ExitCode.OK
    assert capsys.readouterr().out.splitlines()[-1] == "ready"
