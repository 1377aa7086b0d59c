"""What every command shares: ``-w`` after the command, ``PSIRT_WORKSPACE``, ``-h``, whole
command summaries, shell completion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from psirt.cli.app import app
from psirt.cli.common import click_command, first_sentence, run_app, workspace_first
from psirt.core.errors import ExitCode, InputError


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = [(path, command)]
    for name, sub in getattr(command, "commands", {}).items():
        found += _commands(sub, (*path, name))
    return found


ALL = _commands(click_command(app))


def test_workspace_after_the_command(
    demo_template: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PSIRT_WORKSPACE", raising=False)
    monkeypatch.chdir(demo_template.parent)  # no psirt.toml here or above
    before = run_app(app, ["-w", str(demo_template), "validate", "-f", "json"])
    first = capsys.readouterr().out
    for args in (
        ["validate", "-w", str(demo_template), "-f", "json"],
        ["validate", "-f", "json", "--workspace", str(demo_template)],
        ["validate", f"--workspace={demo_template}", "-f", "json"],
    ):
        assert run_app(app, args) == before == ExitCode.FINDINGS
        assert capsys.readouterr().out == first
    out = demo_template.parent / "blog-out.md"
    assert run_app(app, ["blog", "generate", "-o", str(out), "-w", str(demo_template)]) == 0
    capsys.readouterr()
    assert run_app(app, ["blog", "lint", str(out), "-w", str(demo_template)]) == 1
    assert str(out) in capsys.readouterr().out
    out.unlink()


def test_workspace_flags_move_to_the_front_only_before_a_double_dash() -> None:
    assert workspace_first(["blog", "lint", "-w", "D", "x.md"]) == [
        "-w",
        "D",
        "blog",
        "lint",
        "x.md",
    ]
    assert workspace_first(["cve", "lint", "--", "-w", "x"]) == ["cve", "lint", "--", "-w", "x"]
    assert workspace_first(["validate", "-wD"]) == ["-wD", "validate"]
    with pytest.raises(InputError, match="-w needs a folder"):
        workspace_first(["validate", "-w"])


def test_no_command_has_a_w_option_of_its_own() -> None:
    for path, command in ALL:
        for param in getattr(command, "params", []):
            names = [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]
            assert path == () or not {"-w", "--workspace"} & set(names), path


def test_psirt_workspace_is_honoured(
    demo_template: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(demo_template.parent)
    monkeypatch.setenv("PSIRT_WORKSPACE", str(demo_template))
    assert run_app(app, ["validate", "-f", "json"]) == ExitCode.FINDINGS
    assert json.loads(capsys.readouterr().out)
    monkeypatch.setenv("PSIRT_WORKSPACE", str(demo_template.parent / "nowhere"))
    assert run_app(app, ["validate"]) == ExitCode.USAGE
    assert "nowhere" in capsys.readouterr().err


def test_dash_h_is_help_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    for path, _ in ALL:
        assert run_app(app, [*path, "-h"]) == ExitCode.OK, path
        assert capsys.readouterr().out.startswith("Usage: psirt"), path


def test_every_command_help_names_the_workspace_flag(capsys: pytest.CaptureFixture[str]) -> None:
    """``-w`` is the root's option, accepted after any command: each command's own help says so."""
    commands = [path for path, command in ALL if path and not getattr(command, "commands", None)]
    assert len(commands) > 10
    for path in commands:
        assert run_app(app, [*path, "--help"]) == ExitCode.OK, path
        assert "-w, --workspace DIR" in " ".join(capsys.readouterr().out.split()), path


def test_command_summaries_are_whole(capsys: pytest.CaptureFixture[str]) -> None:
    """Each command's line in its group's help is its summary, whole, even on a narrow
    terminal (wrapped, never cut with '...')."""
    for path, command in ALL:
        if not getattr(command, "commands", None):
            continue
        env = {**os.environ, "COLUMNS": "60"}
        result = subprocess.run(
            [sys.executable, "-m", "psirt", *path, "--help"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        listing = " ".join(result.stdout.split("Commands:", 1)[1].split())
        assert "..." not in listing, path
        for name, sub in command.commands.items():
            summary = sub.short_help or first_sentence(sub.help or "")
            assert f"{name} {summary}" in listing, (path, name)
            assert len(summary) <= 90, (path, name, summary)


def test_shell_completion_can_be_installed(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app(app, ["--help"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "--install-completion" in out and "--show-completion" in out
    script = subprocess.run(
        [sys.executable, "-m", "psirt", "--show-completion", "bash"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "complete " in script.stdout and "_PSIRT_COMPLETE" in script.stdout
    env = {**os.environ, "_PSIRT_COMPLETE": "complete_bash", "COMP_WORDS": "psirt blog l"}
    answer = subprocess.run(
        [sys.executable, "-m", "psirt"],
        env={**env, "COMP_CWORD": "2"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert answer.stdout.split() == ["lint"]
