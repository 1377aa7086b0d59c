"""Progress while a release is read from GitLab: on standard error when it is a terminal, never
on standard output, never when standard error is not a terminal."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from psirt.cli import common
from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.errors import ExitCode
from psirt.core.workspace import Workspace
from psirt.session import open_session
from psirt.trackers.gitlab_access import configured_projects
from psirt.trackers.local import LocalTracker
from tests.fakes.gitlab_server import DEFAULT_TOKEN, FakeGitLab, seed_from_tracker


def test_the_loader_counts_each_security_issue_once(demo_template: Path) -> None:
    heard: list[tuple[int, int]] = []
    session = open_session(
        Workspace(demo_template), env={}, progress=lambda d, t: heard.append((d, t))
    )
    snapshot = session.snapshot()
    total = len(snapshot.issues)
    assert heard[0] == (0, total) and heard[-1] == (total, total)
    assert sorted(done for done, _ in heard) == list(range(total + 1))
    assert {t for _, t in heard} == {total}


@pytest.fixture
def on_gitlab(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    root = tmp_path / "ws"
    shutil.copytree(demo_template, root)
    config = root / "psirt.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('kind = "local"', 'kind = "gitlab"', 1),
        encoding="utf-8",
    )
    with FakeGitLab() as fake:
        demo = Workspace(demo_template)
        seed_from_tracker(fake, LocalTracker(demo_template), configured_projects(demo.config))
        monkeypatch.setenv("GITLAB_TOKEN", DEFAULT_TOKEN)
        monkeypatch.setenv("GITLAB_URL", fake.url)
        yield root


def test_a_terminal_sees_progress_and_the_json_stays_clean(
    on_gitlab: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "stderr_is_terminal", lambda: True)
    assert run_app(app, ["validate", "-w", str(on_gitlab), "-f", "json"]) == ExitCode.FINDINGS
    captured = capsys.readouterr()
    assert json.loads(captured.out)  # the whole of standard output is the JSON
    assert "reading the release: 0 of 11 security issues" in captured.err
    assert "reading the release: 10 of 11 security issues" in captured.err
    assert captured.err.endswith("\r\x1b[K")  # the line is erased when done


def test_no_progress_when_stderr_is_not_a_terminal(
    on_gitlab: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_app(app, ["validate", "-w", str(on_gitlab), "-f", "json"]) == ExitCode.FINDINGS
    assert capsys.readouterr().err == ""
