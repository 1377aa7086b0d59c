"""The workspace: found upward or named, paths that cannot leave it, a malformed psirt.toml."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from psirt.core.config import load_config
from psirt.core.errors import WorkspaceError
from psirt.core.workspace import check_project_path, find_workspace, safe_entry, safe_join


def test_workspace_is_found_upward_or_named(tmp_path: Path) -> None:
    (tmp_path / "psirt.toml").write_text("")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_workspace(start=nested).root == tmp_path.resolve()
    assert find_workspace(explicit=tmp_path).root == tmp_path.resolve()
    with pytest.raises(WorkspaceError, match=r"no psirt\.toml"):
        find_workspace(explicit=nested)


def test_paths_cannot_leave_the_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError):
        check_project_path("../etc")
    with pytest.raises(WorkspaceError):
        check_project_path("group/../../x")
    with pytest.raises(WorkspaceError):
        safe_join(tmp_path, "..", "x")
    (tmp_path / "link").symlink_to("/")
    with pytest.raises(WorkspaceError):
        safe_join(tmp_path, "link", "etc")
    assert safe_join(tmp_path, "projects", "a") == tmp_path / "projects" / "a"


def test_malformed_config_names_the_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "psirt.toml").write_text("[tracker]\nkind = 'jira'\n")
    from psirt.core.workspace import Workspace

    with pytest.raises(WorkspaceError) as caught:
        _ = Workspace(tmp_path).config
    assert str(tmp_path / "psirt.toml") in str(caught.value)
    assert "tracker.kind" in str(caught.value)


def test_council_settings(tmp_path: Path) -> None:
    path = tmp_path / "psirt.toml"
    path.write_text(
        '[people]\ncouncil = ["ivan", "@gitlab-com/council"]\ncouncil_approvals = {high = 3}\n'
    )
    people = load_config(path).people
    assert people.council_users == ("ivan",) and people.council_groups == ("gitlab-com/council",)
    assert [people.approvals_needed(s) for s in ("Critical", "High", "Medium", "Low")] == [
        2,
        3,
        1,
        1,
    ]
    path.write_text("[people]\ncouncil_approvals = {severe = 2}\n")
    with pytest.raises(WorkspaceError, match="unknown severity severe"):
        load_config(path)


def test_safe_entry_checks_only_symbolic_links(tmp_path: Path) -> None:
    folder = tmp_path / "ws" / "issues"
    folder.mkdir(parents=True)
    (folder / "1.md").write_text("x")
    (tmp_path / "outside.md").write_text("secret")
    (folder / "2.md").symlink_to(tmp_path / "outside.md")
    (folder / "3.md").symlink_to(folder / "1.md")
    entries = {entry.name: entry for entry in os.scandir(folder)}
    assert safe_entry(folder, entries["1.md"]) == folder / "1.md"
    assert safe_entry(folder, entries["3.md"]) == folder / "3.md"
    with pytest.raises(WorkspaceError, match="leaves the workspace"):
        safe_entry(folder, entries["2.md"])
