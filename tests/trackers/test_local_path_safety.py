"""Paths that try to leave the workspace (project paths, symlinked folders and files) are
refused, and indexes do not follow symlinks."""

from __future__ import annotations

from pathlib import Path

import pytest

from psirt.core.errors import WorkspaceError
from psirt.core.records import Issue, IssueRef, IssueUpdate
from tests.trackers.workspace_files import SEC, issue_file, tracker, write


@pytest.mark.parametrize(
    "project", ["../outside", "group/../../outside", "/etc/passwd", "group/./x", "a//b", "..", ""]
)
def test_project_paths_cannot_climb_out(tmp_path: Path, project: str) -> None:
    t = tracker(tmp_path / "ws")
    with pytest.raises(WorkspaceError):
        t.get_issue(IssueRef(project, 1))
    with pytest.raises(WorkspaceError):
        t.create_issue(project, title="x", description="")
    with pytest.raises(WorkspaceError):
        t.save_issue(Issue(IssueRef(project, 1), "x"))
    assert list(tmp_path.rglob("*.md")) == []


def test_symlinked_project_folder_pointing_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside / "issues" / "1.md", "---\niid: 1\ntitle: secret\n---\n")
    root = tmp_path / "ws"
    (root / "projects" / "evil").mkdir(parents=True)
    (root / "projects" / "evil" / "proj").symlink_to(outside)
    t = tracker(root)
    with pytest.raises(WorkspaceError, match="leaves the workspace"):
        t.get_issue(IssueRef("evil/proj", 1))
    with pytest.raises(WorkspaceError, match="leaves the workspace"):
        t.create_issue("evil/proj", title="x", description="")
    assert sorted(p.name for p in (outside / "issues").iterdir()) == ["1.md"]


def test_symlinked_issue_file_pointing_outside_is_refused(tmp_path: Path) -> None:
    secret = write(tmp_path / "secret.md", "---\niid: 1\ntitle: secret\n---\n")
    root = tmp_path / "ws"
    folder = root / "projects" / SEC / "issues"
    folder.mkdir(parents=True)
    (folder / "1.md").symlink_to(secret)
    t = tracker(root)
    with pytest.raises(WorkspaceError, match="leaves the workspace"):
        t.get_issue(IssueRef(SEC, 1))
    with pytest.raises(WorkspaceError, match="leaves the workspace"):
        t.find_issues(SEC)
    with pytest.raises(WorkspaceError, match="leaves the workspace"):
        t.update_issue(IssueRef(SEC, 1), IssueUpdate(title="pwned"))
    assert secret.read_text() == "---\niid: 1\ntitle: secret\n---\n"


def test_symlinked_issues_folder_pointing_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside / "1.md", "---\niid: 1\ntitle: secret\n---\n")
    project = tmp_path / "ws" / "projects" / SEC
    project.mkdir(parents=True)
    (project / "issues").symlink_to(outside)
    with pytest.raises(WorkspaceError, match="leaves the workspace"):
        tracker(tmp_path / "ws").get_issue(IssueRef(SEC, 1))


def test_a_link_to_an_issue_inside_its_project_is_read(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    project = root / "projects" / SEC
    write(project / "kept" / "1.md", "---\niid: 1\ntitle: kept elsewhere\n---\n")
    (project / "issues").mkdir(parents=True)
    (project / "issues" / "1.md").symlink_to(project / "kept" / "1.md")
    assert tracker(root).get_issue(IssueRef(SEC, 1)).title == "kept elsewhere"


def test_indexes_do_not_follow_symlinked_folders(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(
        outside / "merge_requests" / "1.md",
        f"---\niid: 1\ntitle: MR\nrelated_issues: ['{SEC}#1']\n---\n",
    )
    root = tmp_path / "ws"
    write(issue_file(root, SEC, 1), "---\niid: 1\ntitle: T\n---\n")
    (root / "projects" / "linked").symlink_to(outside)
    assert tracker(root).related_merge_requests(IssueRef(SEC, 1)) == []


def test_bad_folder_name_under_projects_is_reported(tmp_path: Path) -> None:
    write(issue_file(tmp_path, SEC, 1), "---\niid: 1\ntitle: T\n---\n")
    write(tmp_path / "projects" / "my group" / "issues" / "1.md", "---\niid: 1\ntitle: T\n---\n")
    with pytest.raises(WorkspaceError, match="not a project path: 'my group'"):
        tracker(tmp_path).issue_links(IssueRef(SEC, 1))


def test_symlinked_projects_folder_pointing_outside_is_not_scanned(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside / "g" / "p" / "merge_requests" / "1.md", "---\niid: 1\ntitle: MR\n---\n")
    root = tmp_path / "ws"
    root.mkdir()
    (root / "projects").symlink_to(outside)
    with pytest.raises(WorkspaceError, match="leaves the workspace"):
        tracker(root).related_merge_requests(IssueRef("g/p", 1))
