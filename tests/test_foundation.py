"""The package shell: versions, workspace discovery, the demo command, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from psirt import __version__
from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.errors import ExitCode, InputError, WorkspaceError
from psirt.core.versions import Version, versions_in
from psirt.core.workspace import check_project_path, find_workspace, safe_join


def test_versions_parse_order_and_name_branches() -> None:
    assert str(Version.parse("18.10.1")) == "18.10.1"
    assert Version.parse("18.10.1").series == Version(18, 10)
    assert Version.parse("18.10").stable_branch == "18-10-stable-ee"
    assert sorted(map(Version.parse, ["18.9.3", "18.10.1", "18.8.7", "18.10"])) == [
        Version(18, 8, 7),
        Version(18, 9, 3),
        Version(18, 10),
        Version(18, 10, 1),
    ]
    with pytest.raises(InputError, match="not a version"):
        Version.parse("18.x")


def test_versions_in_text_skip_longer_dotted_numbers() -> None:
    found = versions_in("from 16.10 before 18.8.7, and 18.10 before 18.10.1. Not 1.2.3.4")
    assert [str(v) for v in found] == ["16.10", "18.8.7", "18.10", "18.10.1"]


@given(st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99)))
def test_version_text_round_trip(parts: tuple[int, int, int]) -> None:
    text = ".".join(map(str, parts))
    assert str(Version.parse(text)) == text


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


def test_corrupted_workspace_file_is_a_one_line_error(demo_root: Path) -> None:
    target = demo_root
    broken = target / "projects/gitlab-org/security/gitlab/issues/1101.md"
    broken.write_text(broken.read_text().replace("labels:", "labels: [unclosed", 1))
    from psirt.core.workspace import Workspace
    from psirt.session import open_session

    with pytest.raises(WorkspaceError) as caught:
        open_session(Workspace(target)).snapshot()
    assert "1101.md" in str(caught.value)


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


def test_version_flag() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "psirt", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"psirt {__version__}"


def test_help_does_not_import_heavy_modules() -> None:
    probe = (
        "import sys; from psirt.cli.common import run_app; from psirt.cli.app import app;"
        "run_app(app, ['--help']);"
        "heavy = [m for m in ('gitlab', 'cvss', 'pydantic', 'ruamel.yaml', 'httpx', 'jinja2',"
        " 'cvelib', 'cwe2') if m in sys.modules]; print('HEAVY', heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert "HEAVY []" in result.stdout


def test_usage_errors_are_reported_not_raised() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "psirt", "cvss"], capture_output=True, text=True, check=False
    )
    assert result.returncode == ExitCode.USAGE
    assert result.stderr.startswith("psirt: error: Missing argument")
    assert len(result.stderr.splitlines()) == 1
