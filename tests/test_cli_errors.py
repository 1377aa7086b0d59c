"""The command line behaves: every command explains itself, and bad input of every kind ends in
ONE line ``psirt: error: ...`` naming where and what, with the documented exit code (errors.py),
never a traceback.

The error cases are a table: each builds what it needs in ``tmp_path`` (from the shared demo
when it needs a workspace) and runs the app in process, as ``psirt`` does.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.main import get_command

from psirt.cli.app import app
from psirt.cli.common import run_app
from psirt.core.errors import ExitCode
from tests.fakes.gitlab_server import FakeGitLab, use_fake_gitlab

# -- --help, for every command and group ------------------------------------------------------


def _commands() -> Iterator[tuple[list[str], object]]:
    """Every command path under ``psirt`` (groups included) with its click command."""
    stack: list[tuple[list[str], object]] = [([], get_command(app))]
    while stack:
        path, command = stack.pop()
        yield path, command
        for name, child in sorted(getattr(command, "commands", {}).items()):
            stack.append(([*path, name], child))


COMMANDS = sorted((path for path, _ in _commands()), key=" ".join)


def test_every_command_is_listed() -> None:
    """A safety net for the table below: the release's commands are all registered."""
    names = {" ".join(path) for path in COMMANDS}
    for expected in (
        "demo",
        "validate",
        "update-cves",
        "blog generate",
        "blog lint",
        "verify-fixes",
        "cve export",
        "cve lint",
        "close",
        "checklist",
        "handover",
        "cwe show",
        "cwe update",
        "cvss",
        "schedule",
    ):
        assert expected in names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "psirt")
def test_help_says_what_the_command_does_and_every_option_has_help(
    path: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    command = dict((" ".join(p), c) for p, c in _commands())[" ".join(path)]
    assert run_app(app, [*path, "--help"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert out.startswith(f"Usage: psirt {' '.join(path)}".rstrip())
    summary = (getattr(command, "help", None) or "").strip()
    assert summary, f"psirt {' '.join(path)} has no help text"
    assert summary.split()[0] in out
    for param in getattr(command, "params", []):
        if getattr(param, "param_type_name", "") == "option" and "--help" not in param.opts:
            assert (param.help or "").strip(), f"psirt {' '.join(path)} {param.opts[0]}: no help"


# -- bad input: one line, the documented code --------------------------------------------------


@dataclass(frozen=True)
class Case:
    """``args`` are run with ``{ws}`` and ``{tmp}`` filled in after ``setup`` prepared them."""

    id: str
    args: tuple[str, ...]
    code: int
    says: tuple[str, ...]  # fragments of the one line, after "psirt: error: "
    setup: Callable[[Path, Path], None] | None = None  # (tmp, demo template)
    workspace: bool = True  # copy the demo to {ws}


def _write(name: str, data: bytes) -> Callable[[Path, Path], None]:
    def setup(tmp: Path, _: Path) -> None:
        (tmp / name).write_bytes(data)

    return setup


def _edit_ws(path: str, old: str, new: str) -> Callable[[Path, Path], None]:
    def setup(tmp: Path, _: Path) -> None:
        file = tmp / "ws" / path
        text = file.read_text(encoding="utf-8")
        assert old in text
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    return setup


ISSUE = "projects/gitlab-org/security/gitlab/issues/1101.md"

CASES = [
    Case("no-workspace", ("validate",), 2, ("no psirt.toml", "--workspace"), workspace=False),
    Case("missing-workspace", ("-w", "{tmp}/nope", "validate"), 2, ("{tmp}/nope", "psirt.toml")),
    Case(
        "workspace-is-a-file",
        ("-w", "{tmp}/f", "validate"),
        2,
        ("--workspace", "is a file", "psirt --help"),
        setup=_write("f", b""),
    ),
    Case(
        "malformed-toml",
        ("-w", "{ws}", "validate"),
        2,
        ("{ws}/psirt.toml", "malformed TOML", "line 4"),
        setup=_edit_ws("psirt.toml", "[tracker]", "[tracker"),
    ),
    Case(
        "bad-config-value",
        ("-w", "{ws}", "validate"),
        2,
        ("{ws}/psirt.toml", "tracker.kind"),
        setup=_edit_ws("psirt.toml", 'kind = "local"', 'kind = "jira"'),
    ),
    Case(
        "broken-issue-file",
        ("-w", "{ws}", "validate"),
        2,
        (f"{{ws}}/{ISSUE}:", "malformed YAML"),
        setup=_edit_ws(ISSUE, "labels:", "labels: [unclosed"),
    ),
    Case(
        "no-such-release-issue", ("-w", "{ws}", "validate", "--release-issue", "999"), 2, ("#999",)
    ),
    Case(
        "release-issue-not-a-number",
        ("-w", "{ws}", "validate", "--release-issue", "x"),
        2,
        ("--release-issue", "psirt validate --help"),
    ),
    Case(
        "blog-missing",
        ("-w", "{ws}", "verify-fixes", "--blog", "{tmp}/none.md"),
        2,
        ("{tmp}/none.md", "no such file"),
    ),
    Case(
        "blog-not-utf8",
        ("-w", "{ws}", "verify-fixes", "--blog", "{tmp}/bin.md"),
        2,
        ("{tmp}/bin.md", "cannot read"),
        setup=_write("bin.md", b"\xff\xfe post"),
    ),
    Case(
        "blog-is-a-folder",
        ("-w", "{ws}", "verify-fixes", "--blog", "{tmp}"),
        2,
        ("{tmp}", "cannot read"),
    ),
    Case(
        "cve-lint-not-json",
        ("cve", "lint", "{tmp}/x.json"),
        2,
        ("{tmp}/x.json:1", "not JSON"),
        setup=_write("x.json", b"not json"),
        workspace=False,
    ),
    Case(
        "cve-lint-missing",
        ("cve", "lint", "{tmp}/none.json"),
        2,
        ("{tmp}/none.json", "no such file"),
        workspace=False,
    ),
    Case("cve-lint-no-file", ("cve", "lint"), 2, ("Missing argument",), workspace=False),
    Case(
        "cve-export-unwritable",
        ("-w", "{ws}", "cve", "export", "-o", "{tmp}/f/out"),
        2,
        ("{tmp}/f/out",),
        setup=_write("f", b"a file, not a folder"),
    ),
    Case(
        "cvss-bad-value",
        ("cvss", "CVSS:3.1/AV:X"),
        2,
        ("CVSS:3.1/AV:X", "AV", "'X'"),
        workspace=False,
    ),
    Case("cvss-garbage", ("cvss", "garbage"), 2, ("garbage",), workspace=False),
    Case("cvss-missing", ("cvss",), 2, ("Missing argument", "psirt cvss --help"), workspace=False),
    Case(
        "cwe-update-not-xml",
        ("cwe", "update", "--from", "{tmp}/x.xml"),
        2,
        ("{tmp}/x.xml", "malformed XML"),
        setup=_write("x.xml", b"<not-xml"),
        workspace=False,
    ),
    Case(
        "cwe-update-missing",
        ("cwe", "update", "--from", "{tmp}/none.xml"),
        2,
        ("{tmp}/none.xml",),
        workspace=False,
    ),
    Case("cwe-unknown", ("cwe", "CWE-999999"), 2, ("CWE-999999",), workspace=False),
    Case(
        "blog-lint-missing",
        ("blog", "lint", "{tmp}/none.md"),
        2,
        ("{tmp}/none.md", "no such file"),
        workspace=False,
    ),
    Case(
        "demo-into-a-file",
        ("demo", "{tmp}/f"),
        2,
        ("{tmp}/f", "is a file"),
        setup=_write("f", b""),
        workspace=False,
    ),
    Case(
        "cvss-in-a-broken-named-workspace",
        ("-w", "{ws}", "cvss", "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        2,
        ("{ws}/psirt.toml", "malformed TOML"),
        setup=_edit_ws("psirt.toml", "[tracker]", "[tracker"),
    ),
    Case("unknown-command", ("nosuch",), 2, ("nosuch", "psirt --help"), workspace=False),
    Case("unknown-option", ("validate", "--bogus"), 2, ("--bogus", "psirt validate --help")),
    Case("bad-year", ("schedule", "--year", "abc"), 2, ("--year",), workspace=False),
    Case("year-before-the-rule", ("schedule", "--year", "1900"), 2, ("1900",), workspace=False),
    Case(
        "blog-url-not-a-url",
        ("-w", "{ws}", "close", "--blog-url", "notaurl"),
        2,
        ("--blog-url", "notaurl"),
    ),
    Case(
        "blog-url-and-published",
        ("-w", "{ws}", "close", "--blog-url", "https://x", "--blog-published"),
        2,
        ("--blog-url", "--blog-published"),
    ),
    Case(
        "blog-unreachable-refuses",
        ("-w", "{ws}", "close", "--publish-cves", "--live", "--blog-url", "http://127.0.0.1:9/p"),
        4,
        ("blog post is public", "Nothing was written"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input_is_one_line_with_the_documented_code(
    case: Case,
    tmp_path: Path,
    demo_template: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # no workspace upward of here
    ws = tmp_path / "ws"
    if case.workspace:
        shutil.copytree(demo_template, ws)
    if case.setup is not None:
        case.setup(tmp_path, demo_template)

    def fill(text: str) -> str:
        return text.replace("{ws}", str(ws)).replace("{tmp}", str(tmp_path))

    code = run_app(app, [fill(arg) for arg in case.args])
    err = capsys.readouterr().err
    assert code == case.code, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("psirt: error: "), err
    for fragment in case.says:
        assert fill(fragment) in lines[0]


def test_a_remote_failure_is_one_line_with_code_3(
    demo_root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeGitLab() as fake:
        use_fake_gitlab(demo_root, fake, monkeypatch, token="not-the-token")  # the fake: 401
        code = run_app(app, ["-w", str(demo_root), "validate"])
    err = capsys.readouterr().err
    assert code == ExitCode.REMOTE, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("psirt: error: "), err
    assert "401" in lines[0] and "not-the-token" not in err  # the token is never printed


def test_ctrl_c_is_one_line_and_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from psirt.knowledge import schedule

    def interrupted(year: int) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(schedule, "releases_in", interrupted)
    assert (
        run_app(app, ["schedule", "--year", "2026"]) == ExitCode.INTERRUPTED == 128 + signal.SIGINT
    )
    assert capsys.readouterr().err == "psirt: error: interrupted\n"


def test_a_real_sigint_through_the_installed_entry_point(tmp_path: Path) -> None:
    """The real thing once: SIGINT arrives while a command runs, in ``python -m psirt``."""
    probe = (
        "import os, signal, sys\n"
        "from psirt.knowledge import schedule\n"
        "schedule.releases_in = lambda year: os.kill(os.getpid(), signal.SIGINT)\n"
        "sys.argv = ['psirt', 'schedule']\n"
        "from psirt.cli.app import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert done.returncode == ExitCode.INTERRUPTED
    assert done.stderr == "psirt: error: interrupted\n"


def test_a_group_without_a_command_shows_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app(app, ["blog"]) == ExitCode.USAGE
    captured = capsys.readouterr()
    assert "generate" in captured.out + captured.err and "lint" in captured.out + captured.err


def test_errors_are_joined_into_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from psirt.cli.common import error

    error("first line\n  second line\n")
    assert capsys.readouterr().err == "psirt: error: first line second line\n"


def test_typer_exit_codes_pass_through() -> None:
    probe = typer.Typer()

    @probe.command()
    def findings() -> None:
        raise typer.Exit(int(ExitCode.FINDINGS))

    assert run_app(probe, []) == ExitCode.FINDINGS


def test_a_read_only_token_validates_and_a_live_comment_exits_3(
    demo_root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Reporter with a read_api token: the findings print, the first comment is refused,
    and the one error line names the missing scope (never the token)."""
    from psirt.core.workspace import Workspace
    from psirt.session import open_session
    from psirt.trackers.gitlab_access import configured_projects
    from tests.fakes.gitlab_server import seed_from_tracker

    local = open_session(Workspace(demo_root), env={})
    with FakeGitLab(role="reporter", scopes=("read_api",)) as fake:
        seed_from_tracker(fake, local.tracker, configured_projects(local.config))
        use_fake_gitlab(demo_root, fake, monkeypatch)
        code = run_app(app, ["-w", str(demo_root), "validate", "--comment", "--live"])
        posts = [path for method, path, _ in fake.writes if method == "POST"]
    captured = capsys.readouterr()
    assert code == ExitCode.REMOTE, captured.err
    assert "errors" in captured.out  # validate's report came first
    errors = [line for line in captured.err.splitlines() if line.startswith("psirt: error: ")]
    assert len(errors) == 1
    assert "insufficient_scope: the token lacks the api scope" in errors[0]
    assert str(fake.token) not in captured.err + captured.out
    assert len(posts) == 1  # refused once, not retried
