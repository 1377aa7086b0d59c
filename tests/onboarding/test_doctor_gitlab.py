"""``psirt init --gitlab URL`` then ``psirt doctor`` against the loopback fake GitLab: one line
per problem with its fix, the token's user named and the token never shown."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import gitlab
import pytest

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.config import Config
from psirt.core.errors import ExitCode
from psirt.core.labels import labels_in_use
from psirt.core.records import Issue, IssueLink, IssueRef
from tests.fakes.gitlab_server import DEFAULT_TOKEN, DEFAULT_USER, FakeGitLab

CONFIG = Config()
MISSING = CONFIG.labels.description_validated


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """python-gitlab's back-off before a retry, recorded instead of slept."""
    recorded: list[float] = []
    clock = SimpleNamespace(sleep=recorded.append, time=time.time, monotonic=time.monotonic)
    monkeypatch.setattr(gitlab.utils, "time", clock)
    return recorded


@pytest.fixture
def fake() -> Iterator[FakeGitLab]:
    """A GitLab with the release's projects, every label psirt uses but one, and the
    tracking issue linked to its task issue."""
    with FakeGitLab() as server:
        projects, labels = CONFIG.projects, CONFIG.labels
        for use in labels_in_use(CONFIG):
            for project in use.projects:
                if use.name != MISSING:
                    server.seed_label(project, use.name)
        for project in (projects.security, projects.canonical, projects.cve_requests):
            server.add_project(project)
        tracking = IssueRef(projects.tracking, 7)
        task = IssueRef(projects.tasks, 8)
        server.seed_issue(
            Issue(
                tracking,
                "Security patch release: 18.10.1, 18.9.3, 18.8.7",
                labels=(labels.security, labels.upcoming_release),
            )
        )
        server.seed_issue(Issue(task, "PSIRT task issue", labels=(labels.task_issue,)))
        server.seed_link(tracking, IssueLink(task))
        yield server


def _init_and_doctor(
    tmp_path: Path,
    fake: FakeGitLab,
    token: str | None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, list[str], str]:
    for name in ("GITLAB_URL", "GITLAB_HOST", "GITLAB_TOKEN", "PSIRT_WORKSPACE"):
        monkeypatch.delenv(name, raising=False)
    if token is not None:
        monkeypatch.setenv("GITLAB_TOKEN", token)
    folder = tmp_path / "release"
    assert run_app(app, ["init", "--gitlab", fake.url, str(folder)]) == ExitCode.OK
    capsys.readouterr()
    code = run_app(app, ["doctor", "-w", str(folder)])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.out + captured.err


def test_init_writes_a_gitlab_workspace_that_reads(tmp_path: Path, fake: FakeGitLab) -> None:
    folder = tmp_path / "release"
    assert run_app(app, ["init", "--gitlab", fake.url + "/", str(folder)]) == ExitCode.OK
    assert sorted(p.name for p in folder.iterdir()) == ["psirt.toml"]
    from psirt.core.config import load_config

    config = load_config(folder / "psirt.toml")
    assert config.tracker.kind == "gitlab" and config.tracker.url == fake.url
    assert config.projects == CONFIG.projects


def test_a_missing_label_is_one_line_with_its_fix(
    tmp_path: Path,
    fake: FakeGitLab,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, lines, everything = _init_and_doctor(tmp_path, fake, DEFAULT_TOKEN, monkeypatch, capsys)
    assert code == ExitCode.FINDINGS
    problems = [line for line in lines if line.startswith("problem")]
    assert problems == [
        f'problem  label "{MISSING}": missing in {CONFIG.projects.cve_requests} (psirt uses it: '
        f"a reviewed CVE request); fix: create it in {CONFIG.projects.cve_requests} or its "
        "group, or set [labels] description_validated in psirt.toml to the name you use"
    ]
    assert f"ok       token: user {DEFAULT_USER}, scopes api" in lines
    assert any(line.startswith("ok       tracking issue: gitlab-org/gitlab#7") for line in lines)
    assert DEFAULT_TOKEN not in everything


def test_a_bad_token_is_one_line_and_never_shown(
    tmp_path: Path,
    fake: FakeGitLab,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    wrong = "glpat-not-a-token-of-this-instance"
    code, lines, everything = _init_and_doctor(tmp_path, fake, wrong, monkeypatch, capsys)
    assert code == ExitCode.FINDINGS
    problems = [line for line in lines if line.startswith("problem")]
    assert len(problems) == 1
    assert problems[0].startswith(f"problem  token: {fake.url} refused it")
    assert "401" in problems[0] and "fix: " in problems[0]
    assert wrong not in everything and DEFAULT_TOKEN not in everything


def test_no_token_says_how_to_set_one(
    tmp_path: Path,
    fake: FakeGitLab,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, lines, _ = _init_and_doctor(tmp_path, fake, None, monkeypatch, capsys)
    assert code == ExitCode.FINDINGS
    assert [line for line in lines if line.startswith("problem")] == [
        "problem  token: GITLAB_TOKEN is not set; fix: create a personal access token with the "
        "api scope (read_api to only read) and export GITLAB_TOKEN"
    ]


def test_all_there_exits_0(
    tmp_path: Path,
    fake: FakeGitLab,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake.seed_label(CONFIG.projects.cve_requests, MISSING)
    code, lines, _ = _init_and_doctor(tmp_path, fake, DEFAULT_TOKEN, monkeypatch, capsys)
    assert code == ExitCode.OK, lines
    assert lines[-1] == "ready"
    wanted = sum(len(use.projects) for use in labels_in_use(CONFIG))
    assert f"ok       labels: all {wanted} labels psirt uses are there" in lines


def test_a_project_the_user_cannot_see_names_its_setting(
    tmp_path: Path,
    fake: FakeGitLab,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake.set_role(CONFIG.projects.cve_requests, None)
    code, lines, _ = _init_and_doctor(tmp_path, fake, DEFAULT_TOKEN, monkeypatch, capsys)
    assert code == ExitCode.FINDINGS
    assert (
        f"problem  project {CONFIG.projects.cve_requests}: not found, or not visible to "
        f"{DEFAULT_USER}; fix: set [projects] cve_requests in psirt.toml to its path, or give "
        f"{DEFAULT_USER} the Reporter role or higher in it"
    ) in lines
    assert not any(MISSING in line for line in lines)  # its labels cannot be read: not reported


def test_local_workspace_credentials_are_asked_and_never_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A local tracker with HackerOne and CVE Services: the folders, then each service asked
    who the credentials are; wrong ones are one line each."""
    from tests.fakes.cve_services_server import FakeCveServices
    from tests.fakes.hackerone_server import FakeHackerOne

    monkeypatch.chdir(tmp_path)
    assert run_app(app, ["init", "ws"]) == ExitCode.OK
    with FakeHackerOne() as h1, FakeCveServices() as cna:
        config = tmp_path / "ws" / "psirt.toml"
        text = config.read_text(encoding="utf-8")
        text = text.replace("[bounty]\n", f'[bounty]\nurl = "{h1.url}"\n')
        text = text.replace('kind = "local"\n\n[cna]', 'kind = "hackerone"\n\n[cna]')
        text = text.replace('kind = "gitlab-cves"', 'kind = "cve-services"')
        config.write_text(text, encoding="utf-8")
        monkeypatch.setenv("HACKERONE_API_USERNAME", h1.username)
        monkeypatch.setenv("HACKERONE_API_TOKEN", h1.token)
        monkeypatch.setenv("CVE_USER", cna.user)
        monkeypatch.setenv("CVE_ORG", cna.org)
        monkeypatch.setenv("CVE_API_KEY", cna.api_key)
        monkeypatch.setenv("CVE_API_URL", cna.url)
        capsys.readouterr()
        assert run_app(app, ["doctor", "-w", "ws"]) == ExitCode.OK
        lines = capsys.readouterr().out.splitlines()
        assert "ok       HackerOne: credentials accepted (programs: gitlab)" in lines
        assert f"ok       CVE Services: credentials accepted ({cna.user} of {cna.org})" in lines

        monkeypatch.setenv("HACKERONE_API_TOKEN", "h1-wrong")
        monkeypatch.setenv("CVE_API_KEY", "cve-wrong")
        assert run_app(app, ["doctor", "-w", "ws"]) == ExitCode.FINDINGS
        captured = capsys.readouterr()
        problems = [line for line in captured.out.splitlines() if line.startswith("problem")]
        assert [line.split(":")[0] for line in problems] == [
            "problem  HackerOne",
            "problem  CVE Services",
        ]
        assert all("fix: " in line for line in problems)
        for secret in ("h1-wrong", "cve-wrong", h1.token, cna.api_key):
            assert secret not in captured.out + captured.err


def test_doctor_json_lists_every_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_app(app, ["init", "ws"]) == ExitCode.OK
    capsys.readouterr()
    assert run_app(app, ["doctor", "-w", "ws", "--format", "json"]) == ExitCode.OK
    import json

    checks = json.loads(capsys.readouterr().out)
    assert all(check["ok"] for check in checks)
    assert {check["subject"] for check in checks} >= {"psirt.toml", "tracking issue"}
    (tmp_path / "ws" / "projects" / "gitlab-org" / "gitlab" / "issues" / "1.md").unlink()
    assert run_app(app, ["doctor", "-w", "ws", "--format", "json"]) == ExitCode.FINDINGS
    checks = json.loads(capsys.readouterr().out)
    assert [c["subject"] for c in checks if not c["ok"]] == ["tracking issue"]


def test_an_instance_that_does_not_answer_is_one_line(
    waits: list[float],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with FakeGitLab() as gone:
        url = gone.url  # a loopback port nothing listens on once it stops
    for name in ("GITLAB_URL", "GITLAB_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITLAB_TOKEN", DEFAULT_TOKEN)
    assert run_app(app, ["init", "--gitlab", url, str(tmp_path / "ws")]) == ExitCode.OK
    capsys.readouterr()
    assert run_app(app, ["doctor", "-w", str(tmp_path / "ws")]) == ExitCode.FINDINGS
    out = capsys.readouterr().out
    problems = [line for line in out.splitlines() if line.startswith("problem")]
    assert len(problems) == 1 and problems[0].startswith(f"problem  token: {url} ")
    assert "check [tracker] url" in problems[0] and DEFAULT_TOKEN not in out


def test_a_project_gitlab_fails_to_answer_for_is_one_line(
    waits: list[float],
    tmp_path: Path,
    fake: FakeGitLab,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake.fail(502, times=100, method="GET", path="/labels")
    code, lines, everything = _init_and_doctor(tmp_path, fake, DEFAULT_TOKEN, monkeypatch, capsys)
    assert code == ExitCode.FINDINGS
    problems = [line for line in lines if line.startswith("problem")]
    assert problems and all("could not be read" in line and "502" in line for line in problems)
    assert len(problems) == len({line.split(":")[0] for line in problems})  # one per project
    assert waits  # retried first, as for any transient failure
    assert DEFAULT_TOKEN not in everything
